// Applies a district file the platform rolled out: check it against this box's other layers,
// write it durably, restart the box onto it and check the box came back on the new version.
// Any failure puts the previous file back (and restarts again), so the box keeps running.
import { existsSync, readFileSync, unlinkSync } from 'node:fs'
import { writeFileDurably } from '../appliance/durable-write.ts'
import { ConfigError, configLayers, resolveLayers } from '../firmware-config/config.ts'
import type { DesiredConfig } from './fleet-protocol.ts'

export interface ApplyDeps {
  /** The district file the box starts with (KUAICHU_DISTRICT_CONFIG). */
  districtFile: string
  /** The box's environment: its local file and overrides are checked with the new district file. */
  env: NodeJS.ProcessEnv
  /** Restarts the box's processes so they read the district file again. */
  restart: () => Promise<void>
  /** True once the restarted box serves the given configuration version. */
  healthy: (version: string) => Promise<boolean>
}

export type ApplyResult = { ok: true } | { ok: false; error: string }

export async function applyDistrictConfig(desired: DesiredConfig, deps: ApplyDeps): Promise<ApplyResult> {
  const [defaults, ...rest] = configLayers({ ...deps.env, KUAICHU_DISTRICT_CONFIG: undefined })
  try {
    resolveLayers([defaults!, { name: `rolled-out ${desired.version}`, values: desired.document }, ...rest])
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, error: e.problems.join('; ') }
    throw e
  }
  const previous = existsSync(deps.districtFile) ? readFileSync(deps.districtFile) : null
  writeFileDurably(deps.districtFile, JSON.stringify(desired.document, null, 2) + '\n', 0o644)
  await deps.restart()
  if (await deps.healthy(desired.version)) return { ok: true }

  if (previous) writeFileDurably(deps.districtFile, previous, 0o644)
  else unlinkSync(deps.districtFile)
  await deps.restart()
  return { ok: false, error: `the box did not come back healthy on ${desired.version}; previous configuration restored` }
}
