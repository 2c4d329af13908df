#!/usr/bin/env bash
# Installs everything the box needs on a fresh Debian 12 machine: system packages, then the npm
# dependencies exactly as locked. Skips npm when node_modules already matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh

# onnxruntime-node's postinstall would try to download GPU providers; the CPU provider ships inside.
export ONNXRUNTIME_NODE_INSTALL=skip
# mediasoup's postinstall would build its worker against the bundled OpenSSL 1.1.1k: npm 11 skips it
# (denied in package.json's allowScripts), npm 10 runs it but 3.8.x skips the build when
# MEDIASOUP_WORKER_BIN is set. scripts/build-mediasoup-worker.sh builds the worker below instead.
export MEDIASOUP_WORKER_BIN="$PWD/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
stamp=node_modules/.kuaichu-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install: npm ci (a first install builds better-sqlite3 from source: ~2 minutes)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# The mediasoup worker, against Debian's OpenSSL 3 and libsrtp2 (skipped when already built).
bash scripts/build-mediasoup-worker.sh
