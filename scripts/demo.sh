#!/usr/bin/env bash
# Installs and starts a demo box: 锦江区, embedded demo registry, SMS gateway and insurers, demo
# officer accounts printed below. Beside it: the city platform (http://127.0.0.1:8090, data in
# ./data/platform, admin console /admin) with the demo box enrolled, the box's sync agent pushing
# its outbox and evidence there, and its fleet agent sending heartbeats.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export KUAICHU_DATA_DIR="${KUAICHU_DATA_DIR:-./data/demo}"
export KUAICHU_PLATFORM_DATA_DIR="${KUAICHU_PLATFORM_DATA_DIR:-./data/platform}"
export KUAICHU_PLATFORM_URL="${KUAICHU_PLATFORM_URL:-http://127.0.0.1:8090}"

# node itself (not the npx/tsx wrappers) so that stopping the demo stops every process.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# The old-generation floor: see provisioning/README.md (platform side).
node --initial-old-space-size=128 --import tsx provisioning/platform/platform-main.ts serve & pids+=($!)
until node -e "fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))" "$KUAICHU_PLATFORM_URL/report"; do sleep 0.5; done

# First run: enrol the box with a one-time token, as an admin would (the key is made here, mode 0600).
if [ ! -f "$KUAICHU_DATA_DIR/identity/enrolment.json" ]; then
  token="$(node --import tsx provisioning/platform/platform-main.ts issue-token jinjiang https://127.0.0.1:8443)"
  node --import tsx provisioning/enrol-cli.ts --platform "$KUAICHU_PLATFORM_URL" --token "$token"
fi

node --import tsx appliance/main.ts & pids+=($!)
# The agents read the box's database: start them once the box has created it.
until [ -f "$KUAICHU_DATA_DIR/kuaichu.db" ]; do sleep 0.5; done
node --import tsx sync/agent/main.ts > "$KUAICHU_DATA_DIR/sync-agent.log" 2>&1 & pids+=($!)
node --import tsx provisioning/agent-main.ts > "$KUAICHU_DATA_DIR/fleet-agent.log" 2>&1 & pids+=($!)
echo "agents' logs: $KUAICHU_DATA_DIR/sync-agent.log, $KUAICHU_DATA_DIR/fleet-agent.log"
wait -n "${pids[@]}"
