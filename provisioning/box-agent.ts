// The box's fleet agent: every few seconds a signed heartbeat; when the platform answers with a
// configuration the box does not run yet, apply it and acknowledge success or failure.
import type { NodeIdentity } from './node-identity.ts'
import { sendSigned, type Enrolled } from './box-client.ts'
import type { ApplyResult } from './config-apply.ts'
import type { DesiredConfig, HeartbeatPayload, HeartbeatReply } from './fleet-protocol.ts'

export interface AgentDeps {
  enrolled: Enrolled
  identity: NodeIdentity
  /** Everything in the heartbeat but the envelope fields. */
  status: () => Promise<Omit<HeartbeatPayload, 'kind' | 'boxId' | 'sentAt'>>
  apply: (desired: DesiredConfig) => Promise<ApplyResult>
  now?: () => Date
}

export function createBoxAgent({ enrolled, identity, status, apply, now = () => new Date() }: AgentDeps) {
  return {
    /** One heartbeat, and the rollout it brings if any. Returns what happened, for logs and tests. */
    async tick(): Promise<{ applied?: string; failed?: string }> {
      const reply = await sendSigned<HeartbeatReply>(enrolled, identity, '/api/fleet/heartbeat', {
        kind: 'heartbeat', boxId: enrolled.boxId, sentAt: now().toISOString(), ...(await status()),
      })
      const desired = reply.desiredConfig
      if (!desired) return {}
      const result = await apply(desired)
      await sendSigned(enrolled, identity, '/api/fleet/config-ack', {
        kind: 'config-ack', boxId: enrolled.boxId, sentAt: now().toISOString(), version: desired.version,
        ...(result.ok ? { ok: true } : { ok: false, error: result.error.slice(0, 4000) }),
      })
      return result.ok ? { applied: desired.version } : { failed: desired.version }
    },
  }
}
