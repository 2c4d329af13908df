// Which platform this box syncs to, and under which box id (pure). The enrolment is the truth once
// the box is enrolled; before that, the configuration (KUAICHU_PLATFORM_URL) and KUAICHU_BOX_ID or
// the district id stand in, as they did before enrolment existed.
import type { Config } from '../../firmware-config/config.ts'
import type { Enrolled } from '../../provisioning/box-client.ts'

export interface SyncTarget {
  boxId: string
  districtId: string
  /** null: no platform configured, nothing to sync to. */
  platformUrl: string | null
}

export function syncTarget(enrolled: Enrolled | null, config: Pick<Config, 'district' | 'platform'>, env: NodeJS.ProcessEnv): SyncTarget {
  if (enrolled) return { ...enrolled }
  return { boxId: env.KUAICHU_BOX_ID || config.district.id, districtId: config.district.id, platformUrl: config.platform.url || null }
}
