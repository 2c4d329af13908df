// Configuration and registry documents the platform publishes; each publish is a new version and
// boxes pull by ETag (the version).
import type { DownstreamName } from '../protocol.ts'
import type { PlatformDb } from '../../provisioning/platform/store.ts'

export interface DownstreamDoc {
  name: DownstreamName
  version: number
  body: unknown
  publishedAt: string
}

export const etagOf = (version: number) => `"v${version}"`

export function createDownstream(db: PlatformDb, now: () => Date = () => new Date()) {
  return {
    publish(name: DownstreamName, body: unknown): DownstreamDoc {
      const at = now().toISOString()
      const version = db.prepare(
        `INSERT INTO downstream (name, version, body, published_at) VALUES (?, 1, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = version + 1, body = excluded.body, published_at = excluded.published_at
         RETURNING version`,
      ).pluck().get(name, JSON.stringify(body), at) as number
      return { name, version, body, publishedAt: at }
    },
    get(name: DownstreamName): DownstreamDoc | undefined {
      const row = db.prepare('SELECT version, body, published_at AS publishedAt FROM downstream WHERE name = ?').get(name) as
        | { version: number; body: string; publishedAt: string }
        | undefined
      return row && { name, version: row.version, body: JSON.parse(row.body), publishedAt: row.publishedAt }
    },
  }
}
