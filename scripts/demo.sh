#!/usr/bin/env bash
# Installs and starts a demo box: 锦江区, embedded demo registry, demo officer accounts printed below.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export KUAICHU_DATA_DIR="${KUAICHU_DATA_DIR:-./data/demo}"
exec npx tsx appliance/main.ts
