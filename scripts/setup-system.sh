#!/usr/bin/env bash
# Installs the Debian packages the box and its tests need. Idempotent: apt runs only when a
# package is missing. Add a package here, never install one by hand.
set -euo pipefail

PACKAGES=(
  python3 make g++   # node-gyp: better-sqlite3 builds from source when its prebuilt download fails
  libssl-dev libsrtp2-dev binutils   # scripts/build-mediasoup-worker.sh: links OpenSSL 3 and libsrtp2; checks with strings
  chromium           # real-browser tests (playwright-core drives /usr/bin/chromium)
  fonts-noto-cjk     # zh-CN text renders in browser screenshots
  ffmpeg             # call recording (RTP from the SFU into Matroska) and ffprobe in tests
  fonts-wqy-zenhei   # TrueType CJK font embedded in the determination PDF
  poppler-utils      # pdftotext: tests read the determination PDF back
  logrotate          # rotates the box's pm2 logs (firmware-config/logrotate.conf)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup-system: installing ${missing[*]}"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
