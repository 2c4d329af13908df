#!/usr/bin/env bash
# Installs and starts a demo box: 锦江区, embedded demo registry, demo officer accounts printed below.
# Beside it: a city platform (http://127.0.0.1:8090, data in ./data/platform) with the demo box
# registered, and the box's sync agent pushing its outbox and evidence there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export KUAICHU_DATA_DIR="${KUAICHU_DATA_DIR:-./data/demo}"
export KUAICHU_PLATFORM_DATA_DIR="${KUAICHU_PLATFORM_DATA_DIR:-./data/platform}"
export KUAICHU_PLATFORM_URL="${KUAICHU_PLATFORM_URL:-http://127.0.0.1:8090}"

# The box's key is made on first use; the platform learns its public key (enrolment stand-in).
identity="$(npx tsx sync/agent/main.ts identity)"
box_id="$(node -e 'console.log(JSON.parse(process.argv[1]).boxId)' "$identity")"
district="$(node -e 'console.log(JSON.parse(process.argv[1]).districtId)' "$identity")"
key_file="$(node -e 'console.log(JSON.parse(process.argv[1]).publicKeyFile)' "$identity")"
npx tsx sync/platform/main.ts register-box "$box_id" "$district" "$key_file"

# node itself (not the npx/tsx wrappers) so that stopping the demo stops all three.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
node --import tsx sync/platform/main.ts serve & pids+=($!)
node --import tsx appliance/main.ts & pids+=($!)
# The agent reads the box's database: start it once the box has created it.
until [ -f "$KUAICHU_DATA_DIR/kuaichu.db" ]; do sleep 0.5; done
node --import tsx sync/agent/main.ts > "$KUAICHU_DATA_DIR/sync-agent.log" 2>&1 & pids+=($!)
echo "sync agent log: $KUAICHU_DATA_DIR/sync-agent.log"
wait -n "${pids[@]}"
