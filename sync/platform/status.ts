// Per box: last contact, backlog (events the box reported that we have not acknowledged), lag (while
// there is a backlog: the age of the newest event applied, on the platform's clock after removing the
// box's measured skew), clock skew and evidence files still missing.
import type { PlatformDb } from '../../provisioning/platform/store.ts'

export interface BoxStatus {
  boxId: string
  districtId: string
  revoked: boolean
  lastContactAt: string | null
  ackedSeq: number
  headSeq: number
  backlog: number
  lagSeconds: number
  skewSeconds: number | null
  evidenceStored: number
  evidenceMissing: number
}

export function boxStatuses(db: PlatformDb, now: Date): BoxStatus[] {
  const rows = db.prepare(
    `SELECT b.box_id AS boxId, b.district_id AS districtId, b.revoked_at AS revokedAt,
            s.last_contact_at AS lastContactAt, coalesce(s.acked_seq, 0) AS ackedSeq, coalesce(s.head_seq, 0) AS headSeq,
            s.skew_ms AS skewMs, s.behind_since AS behindSince,
            (SELECT count(*) FROM evidence_files f WHERE f.box_id = b.box_id) AS evidenceStored,
            (SELECT count(*) FROM pending_evidence p WHERE p.box_id = b.box_id) AS evidenceMissing
     FROM boxes b LEFT JOIN box_sync s ON s.box_id = b.box_id ORDER BY b.box_id`,
  ).all() as Array<{
    boxId: string; districtId: string; revokedAt: string | null; lastContactAt: string | null; ackedSeq: number; headSeq: number
    skewMs: number | null; behindSince: string | null; evidenceStored: number; evidenceMissing: number
  }>
  return rows.map((r) => {
    const pendingSince = r.behindSince === null ? null : Date.parse(r.behindSince) - (r.skewMs ?? 0)
    return {
      boxId: r.boxId,
      districtId: r.districtId,
      revoked: r.revokedAt !== null,
      lastContactAt: r.lastContactAt,
      ackedSeq: r.ackedSeq,
      headSeq: r.headSeq,
      backlog: Math.max(0, r.headSeq - r.ackedSeq),
      lagSeconds: pendingSince === null || !Number.isFinite(pendingSince) ? 0 : Math.max(0, Math.round((now.getTime() - pendingSince) / 1000)),
      skewSeconds: r.skewMs === null ? null : Math.round(r.skewMs / 1000),
      evidenceStored: r.evidenceStored,
      evidenceMissing: r.evidenceMissing,
    }
  })
}
