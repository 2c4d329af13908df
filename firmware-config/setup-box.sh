#!/usr/bin/env bash
# Prepares a district box (Debian 12, run as root once): the system packages every box needs,
# log rotation for the pm2 logs, and pm2 started at boot with the box's processes.
#   sudo KUAICHU_USER=kuaichu KUAICHU_LOG_DIR=/var/log/kuaichu bash firmware-config/setup-box.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
USER_NAME="${KUAICHU_USER:-kuaichu}"
LOG_DIR="${KUAICHU_LOG_DIR:-/var/log/kuaichu}"

# ffmpeg, CJK fonts, logrotate, OpenSSL/libsrtp2 for the SFU, …: one list for boxes and development.
bash scripts/setup-system.sh

id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --create-home --shell /usr/sbin/nologin "$USER_NAME"
install -d -o "$USER_NAME" -g "$USER_NAME" -m 0750 "$LOG_DIR"
sed "s|@LOG_DIR@|$LOG_DIR|" firmware-config/logrotate.conf > /etc/logrotate.d/kuaichu
logrotate --debug /etc/logrotate.d/kuaichu >/dev/null

# pm2 starts the ecosystem at boot as the box's user (systemd unit written by pm2 itself).
sudo -u "$USER_NAME" env KUAICHU_LOG_DIR="$LOG_DIR" "$ROOT/node_modules/.bin/pm2" start firmware-config/ecosystem.config.cjs
sudo -u "$USER_NAME" "$ROOT/node_modules/.bin/pm2" save
"$ROOT/node_modules/.bin/pm2" startup systemd -u "$USER_NAME" --hp "$(getent passwd "$USER_NAME" | cut -d: -f6)"
