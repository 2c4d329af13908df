// Configuration rollout: an admin sends a district file to one box or all; each box applies it and
// acknowledges; if any box fails, the whole rollout rolls back (every box's desired configuration
// returns to what it had before, and boxes that already applied it get the previous one again).
import { createHash } from 'node:crypto'
import { ConfigError, DEFAULT_CONFIG, merge, validateConfig, type Json } from '../../firmware-config/config.ts'
import { fail } from '../../appliance/errors.ts'
import type { ConfigAckPayload, DesiredConfig } from '../fleet-protocol.ts'
import type { BoxRegistry } from './box-registry.ts'
import { appendFleetAudit, type FleetActor, type PlatformDb } from './store.ts'

/** The embedded defaults: what a box runs before any rollout reached it. */
export const BASELINE_VERSION = 'default'

export type RolloutStatus = 'in_progress' | 'completed' | 'rolled_back'

export interface RolloutView {
  id: number
  version: string
  target: string
  status: RolloutStatus
  reason: string | null
  createdAt: string
  finishedAt: string | null
  boxes: Array<{ boxId: string; status: 'pending' | 'applied' | 'failed' | 'reverted'; previousVersion: string; error: string | null }>
}

/** Problems with a district file as the platform can judge it (a box may still refuse it). */
export function documentProblems(document: Json): string[] {
  const problems: string[] = []
  for (const key of ['district', 'configVersion', 'dataDir', 'http']) {
    if (key in document) problems.push(`/${key}: set on each box (local file), not rolled out`)
  }
  if (problems.length > 0) return problems
  try {
    validateConfig(merge(DEFAULT_CONFIG as unknown as Json, document))
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

export function createRollouts(db: PlatformDb, registry: BoxRegistry, now: () => Date) {
  db.prepare(`INSERT OR IGNORE INTO configs (version, document, created_at, created_by) VALUES (?, '{}', ?, 'system')`)
    .run(BASELINE_VERSION, new Date(0).toISOString())
  const q = {
    inProgress: db.prepare(`SELECT id FROM rollouts WHERE status = 'in_progress'`),
    desired: db.prepare(`SELECT b.desired_config_version AS version, c.document FROM boxes b JOIN configs c ON c.version = b.desired_config_version WHERE b.box_id = ?`),
    setDesired: db.prepare('UPDATE boxes SET desired_config_version = ? WHERE box_id = ?'),
    pendingFor: db.prepare(`SELECT rb.rollout_id AS rolloutId FROM rollout_boxes rb JOIN rollouts r ON r.id = rb.rollout_id
      WHERE rb.box_id = ? AND r.version = ? AND r.status = 'in_progress' AND rb.status = 'pending'`),
    setBox: db.prepare('UPDATE rollout_boxes SET status = ?, error = ? WHERE rollout_id = ? AND box_id = ?'),
    countNotApplied: db.prepare(`SELECT count(*) AS n FROM rollout_boxes WHERE rollout_id = ? AND status != 'applied'`),
    finish: db.prepare('UPDATE rollouts SET status = ?, reason = ?, finished_at = ? WHERE id = ?'),
    boxesOf: db.prepare('SELECT box_id AS boxId, status, previous_version AS previousVersion, error FROM rollout_boxes WHERE rollout_id = ? ORDER BY box_id'),
    rollout: db.prepare('SELECT id, version, target, status, reason, created_at AS createdAt, finished_at AS finishedAt FROM rollouts WHERE id = ?'),
    recent: db.prepare('SELECT id FROM rollouts ORDER BY id DESC LIMIT ?'),
  }

  function view(id: number): RolloutView | undefined {
    const r = q.rollout.get(id) as Omit<RolloutView, 'boxes'> | undefined
    return r && { ...r, boxes: q.boxesOf.all(id) as RolloutView['boxes'] }
  }

  return {
    start(admin: FleetActor, document: Json, target: 'all' | string): RolloutView {
      const problems = documentProblems(document)
      if (problems.length > 0) fail('FLEET_CONFIG_INVALID', { problems })
      const at = now().toISOString()
      const id = db.transaction(() => {
        if (q.inProgress.get()) fail('FLEET_ROLLOUT_IN_PROGRESS')
        const boxes = registry.list().filter((b) => b.status === 'active' && (target === 'all' || b.boxId === target))
        if (boxes.length === 0) fail('FLEET_BOX_NOT_FOUND', { target })
        const text = JSON.stringify(document)
        const version = `cfg-${at.slice(0, 10).replaceAll('-', '')}-${createHash('sha256').update(text + at).digest('hex').slice(0, 8)}`
        db.prepare('INSERT INTO configs (version, document, created_at, created_by) VALUES (?, ?, ?, ?)').run(version, text, at, admin.id)
        const rolloutId = Number(db.prepare(`INSERT INTO rollouts (version, target, status, created_at) VALUES (?, ?, 'in_progress', ?)`).run(version, target, at).lastInsertRowid)
        for (const b of boxes) {
          const previous = (q.desired.get(b.boxId) as { version: string } | undefined)?.version ?? BASELINE_VERSION
          db.prepare(`INSERT INTO rollout_boxes (rollout_id, box_id, previous_version, status) VALUES (?, ?, ?, 'pending')`).run(rolloutId, b.boxId, previous)
          q.setDesired.run(version, b.boxId)
        }
        appendFleetAudit(db, admin, 'fleet.rollout_started', null, { rolloutId, version, target, boxes: boxes.map((b) => b.boxId) }, at)
        return rolloutId
      })()
      return view(id)!
    },

    /** What the box should run, if it differs from what it reports. */
    desiredFor(boxId: string, reportedVersion: string): DesiredConfig | null {
      const d = q.desired.get(boxId) as { version: string; document: string } | undefined
      if (!d || d.version === reportedVersion) return null
      return { version: d.version, document: { ...JSON.parse(d.document), configVersion: d.version } }
    },

    acknowledge(boxId: string, ack: ConfigAckPayload) {
      const at = now().toISOString()
      db.transaction(() => {
        const pending = q.pendingFor.get(boxId, ack.version) as { rolloutId: number } | undefined
        appendFleetAudit(db, { type: 'box', id: boxId }, ack.ok ? 'fleet.config_applied' : 'fleet.config_failed', boxId, { version: ack.version, error: ack.error ?? null }, at)
        if (!pending) return
        const { rolloutId } = pending
        if (ack.ok) {
          q.setBox.run('applied', null, rolloutId, boxId)
          if ((q.countNotApplied.get(rolloutId) as { n: number }).n === 0) {
            q.finish.run('completed', null, at, rolloutId)
            appendFleetAudit(db, { type: 'system', id: 'rollout' }, 'fleet.rollout_completed', null, { rolloutId }, at)
          }
          return
        }
        q.setBox.run('failed', ack.error ?? null, rolloutId, boxId)
        for (const b of q.boxesOf.all(rolloutId) as RolloutView['boxes']) {
          q.setDesired.run(b.previousVersion, b.boxId)
          if (b.boxId !== boxId) q.setBox.run('reverted', null, rolloutId, b.boxId)
        }
        const reason = `${boxId}: ${ack.error ?? 'failed to apply'}`
        q.finish.run('rolled_back', reason, at, rolloutId)
        appendFleetAudit(db, { type: 'system', id: 'rollout' }, 'fleet.rollout_rolled_back', null, { rolloutId, reason }, at)
      })()
    },

    get: view,
    recent: (limit = 10) => (q.recent.all(limit) as Array<{ id: number }>).map((r) => view(r.id)!),
  }
}
export type Rollouts = ReturnType<typeof createRollouts>
