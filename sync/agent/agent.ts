// The sync loop: push the outbox in ordered, bounded, signed batches (at least once; the platform
// deduplicates), then the evidence files the platform still misses, then pull downstream documents.
// Any failure backs off with jitter and starts again from what the platform has acknowledged, so a
// killed agent loses nothing: all its state lives in the box's outbox and on the platform. The
// platform's acknowledgement is also noted in a file (ack-record.ts) for the fleet heartbeat.
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { AckReply, BatchReply, canonicalJson, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MissingEvidenceReply, PATHS, PROTOCOL_VERSION } from '../protocol.ts'
import { writeAckRecord } from './ack-record.ts'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts'
import { pullDownstream } from './downstream.ts'
import { sleep } from './sleep.ts'
import { uploadEvidence } from './evidence-upload.ts'
import type { openOutboxReader } from './outbox-reader.ts'
import { checkReply, type PlatformClient } from './platform-client.ts'

export interface AgentOptions {
  client: PlatformClient
  outbox: ReturnType<typeof openOutboxReader>
  dataDir: string
  batchSize?: number
  idlePollMs?: number
  downstreamEveryMs?: number
  backoff?: BackoffPolicy
  now?: () => Date
  log?: (event: Record<string, unknown>) => void
}

export function createAgent(o: AgentOptions) {
  const { client, outbox, dataDir } = o
  const batchSize = Math.min(o.batchSize ?? 1000, MAX_BATCH_EVENTS)
  const log = o.log ?? ((e) => console.log(JSON.stringify(e)))
  const now = o.now ?? (() => new Date())
  let acked: number | undefined
  let recorded: number | undefined
  let lastDownstream = 0

  /** Keeps the platform's ack for the heartbeat. A failed write must not stop the sync itself. */
  function noteAck(seq: number) {
    acked = seq
    if (seq === recorded) return
    try {
      writeAckRecord(dataDir, { ackedSeq: seq, at: now().toISOString() })
      recorded = seq
    } catch (err) {
      log({ event: 'ack_record_error', error: (err as Error).message })
    }
  }

  /** The signed-to-be body of the events after `afterSeq`, bounded in events and bytes; null when drained. */
  function nextBatch(afterSeq: number): { body: string; count: number; firstSeq: number; lastSeq: number } | null {
    const slice = outbox.read(afterSeq, batchSize)
    if (slice.events.length === 0) return null
    const encode = () => canonicalJson({ v: PROTOCOL_VERSION, boxId: client.boxId, events: slice.events, headSeq: slice.headSeq, boxTime: now().toISOString() })
    let body = encode()
    // Bounded in bytes as well as in events: halve until the platform will take it.
    while (Buffer.byteLength(body) > MAX_BATCH_BYTES && slice.events.length > 1) {
      slice.events.length = Math.ceil(slice.events.length / 2)
      body = encode()
    }
    return { body, count: slice.events.length, firstSeq: slice.events[0]!.seq, lastSeq: slice.events[slice.events.length - 1]!.seq }
  }

  /** Sends batches until the outbox is drained; returns how many events went. */
  async function pushEvents(): Promise<number> {
    let sent = 0
    let cursor = acked ?? checkReply(AckReply, await client.request('GET', PATHS.ack)).ackedSeq
    noteAck(cursor)
    let batch = nextBatch(cursor)
    while (batch) {
      const sending = batch
      // While the platform stores this batch, read and encode the one after it (one turn of the
      // event loop first, so the request is on its way).
      const [reply, following] = await Promise.all([
        client.request('POST', PATHS.batches, sending.body).then((res) => checkReply(BatchReply, res)),
        nextTurn().then(() => nextBatch(sending.lastSeq)),
      ])
      log({ event: 'batch', first: batch.firstSeq, last: batch.lastSeq, ...reply })
      sent += batch.count
      // The platform's contiguous ack, not what we sent, decides where the next batch starts.
      cursor = reply.ackedSeq
      noteAck(cursor)
      batch = reply.ackedSeq === batch.lastSeq ? following : nextBatch(cursor)
    }
    return sent
  }

  async function pushEvidence(): Promise<number> {
    let uploaded = 0
    for (;;) {
      const { missing } = checkReply(MissingEvidenceReply, await client.request('GET', `${PATHS.missingEvidence}?limit=50`))
      const todo = missing.flatMap((m) => {
        const f = outbox.evidenceFile(m.sha256)
        return f ? [{ ...m, file: join(dataDir, f.filePath) }] : []
      })
      if (todo.length === 0) return uploaded
      for (const m of todo) {
        const r = await uploadEvidence(client, m.file, m.sha256, m.sizeBytes, m.receivedBytes)
        log({ event: 'evidence', sha256: r.sha256, sizeBytes: r.sizeBytes, resumedFrom: r.resumedFrom })
        uploaded++
      }
    }
  }

  async function pullDocs() {
    for (const d of await pullDownstream(client, dataDir)) log({ event: 'downstream', name: d.name, version: d.version })
    lastDownstream = Date.now()
  }

  /** One pass: events, then evidence, then (now and then) downstream documents. */
  async function syncOnce(): Promise<{ events: number; files: number }> {
    const events = await pushEvents()
    const files = await pushEvidence()
    if (Date.now() - lastDownstream >= (o.downstreamEveryMs ?? 30_000)) await pullDocs()
    return { events, files }
  }

  async function run(signal: AbortSignal) {
    let failures = 0
    while (!signal.aborted) {
      try {
        const r = await syncOnce()
        failures = 0
        if (r.events === 0 && r.files === 0) await sleep(o.idlePollMs ?? 500, signal)
      } catch (err) {
        failures++
        acked = undefined
        const delay = backoffDelay(failures, o.backoff ?? DEFAULT_BACKOFF)
        log({ event: 'error', failures, retryInMs: delay, error: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code })
        await sleep(delay, signal)
      }
    }
  }

  return { run, syncOnce }
}
