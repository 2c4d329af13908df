// pm2 ecosystem of a district box: `pm2 start firmware-config/ecosystem.config.cjs`.
// pm2 (AGPL-3.0) runs as an external process manager; none of our code links to it.
//   kuaichu-box          the HTTP API, the SFU workers (mediasoup child processes) and the OCR
//                        worker threads, all owned by appliance/main.ts
//   kuaichu-fleet-agent  heartbeats and configuration rollout (provisioning/agent-main.ts);
//                        exits 78 and stays stopped when no platform is configured or not enrolled
//   kuaichu-sync-agent   pushes the outbox and evidence to the city platform, pulls downstream
//                        documents (sync/agent/main.ts); exits 78 and stays stopped when no
//                        platform is configured; retries on its own (with backoff) while the city
//                        link is down, so it does not count as a crash
// Configuration comes from the environment the box is started with: KUAICHU_DISTRICT_CONFIG
// (rolled out by the platform), KUAICHU_CONFIG (this machine), KUAICHU_LOG_DIR (default ./data/logs).
// Logs are rotated by Debian's logrotate with firmware-config/logrotate.conf (see setup-box.sh).
const { join, resolve } = require('node:path')

const root = resolve(__dirname, '..')
const logs = process.env.KUAICHU_LOG_DIR || join(root, 'data', 'logs')

const common = {
  cwd: root,
  interpreter: 'node',
  interpreter_args: '--import tsx',
  exec_mode: 'fork',
  autorestart: true,
  // A process that dies again within 30 s of starting counts as unstable; after 15 such restarts
  // in a row pm2 gives up (and the heartbeat's absence raises the platform's offline alert).
  min_uptime: '30s',
  max_restarts: 15,
  time: true,
  merge_logs: true,
  env: { NODE_ENV: 'production' },
}

// The agents: exit code 78 (firmware-config/exit-codes.ts) means "nothing to do on this box" and
// is not restarted. Not 0: pm2 reports a process killed by a signal as code 0, so [0] would leave
// a SIGKILLed agent dead. pm2's SIGINT asks them to stop; what its SIGKILL 5 s later cuts (a
// heartbeat, an upload) is redone or resumed on the next start.
const agent = {
  ...common,
  stop_exit_codes: [78],
  kill_timeout: 5000,
}

module.exports = {
  apps: [
    {
      ...common,
      name: 'kuaichu-box',
      script: 'appliance/main.ts',
      // Waits 1 s, 1.5 s, 2.25 s … (up to 15 s) between restarts of a crashing box. (Not on the
      // agents: pm2 7.0.4 then leaves a process that exits with a stop code "waiting restart"
      // instead of "stopped".)
      exp_backoff_restart_delay: 1000,
      // Recordings flush on SIGINT before the process ends: give them time.
      kill_timeout: 15000,
      max_memory_restart: '2G',
      out_file: join(logs, 'box.out.log'),
      error_file: join(logs, 'box.err.log'),
    },
    {
      ...agent,
      name: 'kuaichu-fleet-agent',
      script: 'provisioning/agent-main.ts',
      out_file: join(logs, 'fleet-agent.out.log'),
      error_file: join(logs, 'fleet-agent.err.log'),
    },
    {
      ...agent,
      name: 'kuaichu-sync-agent',
      script: 'sync/agent/main.ts',
      out_file: join(logs, 'sync-agent.out.log'),
      error_file: join(logs, 'sync-agent.err.log'),
    },
  ],
}
