#!/usr/bin/env bash
# Installs everything the box needs on a fresh Debian 12 machine: system packages, then the npm
# dependencies exactly as locked. Skips npm when node_modules already matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh

# onnxruntime-node's postinstall would try to download GPU providers; the CPU provider ships inside.
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.kuaichu-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install: npm ci (a first install builds better-sqlite3 from source: ~2 minutes)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
