// Exit codes the box's processes share with the pm2 ecosystem (ecosystem.config.cjs repeats the
// number: a .cjs file cannot import this one).

/**
 * "Nothing to do on this box" (no platform configured, not enrolled): pm2 leaves the process
 * stopped. Not 0: pm2 7 reports a process killed by a signal (SIGKILL, the OOM killer) as exit
 * code 0, so `stop_exit_codes: [0]` would leave a killed agent dead. 78 is sysexits' EX_CONFIG.
 */
export const EXIT_NOT_CONFIGURED = 78
