// Evidence files by resumable upload (tus). An upload is named <box>.<sha256>, so a box that died
// mid-upload finds it again and resumes from the platform's offset. A new upload carries its bytes
// in the creating POST (creation-with-upload); a POST never replaces a part already received. On
// the last byte the platform checks the sha256 (hashed while the bytes arrived, see
// hashing-file-store.ts); only a matching file is moved into the store and acknowledged.
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { ReadableStream } from 'node:stream/web'
import { Server } from '@tus/server'
import { AppError, ERRORS, type ErrorCode } from '../../appliance/errors.ts'
import { fsyncPathAsync } from '../../appliance/durable-write.ts'
import { PATHS, SHA256_HEX, UNSIGNED_BODY, uploadId } from '../protocol.ts'
import { authenticateBox } from './box-auth.ts'
import { HashingFileStore } from './hashing-file-store.ts'
import type { BoxRegistry } from '../../provisioning/platform/box-registry.ts'
import type { Ingest } from './ingest.ts'

/** tus hooks refuse by throwing { status_code, body }; the body is our usual error JSON. */
function tusError(code: ErrorCode, details?: unknown) {
  return { status_code: ERRORS[code].status, body: JSON.stringify({ code, message: ERRORS[code].message, details }) }
}

export function evidenceFilePath(dataDir: string, boxId: string, sha256: string) {
  return join(dataDir, 'evidence', boxId, sha256)
}

/**
 * A request body as a web stream over the node request itself. @tus/server's own handle() goes
 * through Readable.toWeb, which copies every chunk and pauses the socket after each 16 kB. Read
 * only when tus reads it: a request refused before its body is left to node, which discards it.
 */
function requestBody(req: IncomingMessage) {
  let chunks: AsyncIterator<Buffer> | undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      chunks ??= req[Symbol.asyncIterator]()
      const next = await chunks.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await chunks?.return?.()
    },
  }, { highWaterMark: 0 })
}

function webRequest(req: IncomingMessage) {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const withBody = req.method === 'POST' || req.method === 'PATCH'
  // The host is irrelevant: ids come from the path and Location is relative.
  return new Request(new URL(req.url ?? '/', 'http://platform'), {
    method: req.method,
    headers,
    body: withBody ? requestBody(req) : null,
    duplex: 'half',
  } as RequestInit)
}

export function createEvidenceUploads(opts: { dataDir: string; registry: BoxRegistry; ingest: Ingest; now: () => Date }) {
  const { dataDir, registry, ingest, now } = opts
  const uploadDir = join(dataDir, 'uploads')
  mkdirSync(uploadDir, { recursive: true })
  const store = new HashingFileStore({ directory: uploadDir })
  // tus calls several hooks per request; the request is authenticated once.
  const authenticated = new WeakMap<Request, ReturnType<typeof authenticateBox>>()

  function boxOf(req: Request) {
    let box = authenticated.get(req)
    if (box) return box
    const url = new URL(req.url)
    try {
      box = authenticateBox(registry, {
        method: req.method,
        pathWithQuery: url.pathname + url.search,
        header: (name) => req.headers.get(name) ?? undefined,
        bodySha256: UNSIGNED_BODY,
      }, now())
    } catch (err) {
      throw err instanceof AppError ? tusError(err.code, err.details) : err
    }
    authenticated.set(req, box)
    return box
  }

  const server = new Server({
    path: PATHS.uploads.replace(/\/$/, ''),
    datastore: store,
    relativeLocation: true,
    async onIncomingRequest(req, id) {
      const box = boxOf(req)
      // A box reaches its own uploads only, by their exact names: nothing else (an encoded "../",
      // another box's file) reaches the file store.
      if (id && !(id.startsWith(`${box.boxId}.`) && SHA256_HEX.test(id.slice(box.boxId.length + 1)))) throw tusError('NOT_FOUND')
    },
    namingFunction(req, metadata) {
      const box = boxOf(req)
      const sha256 = metadata?.sha256 ?? ''
      if (!SHA256_HEX.test(sha256)) throw tusError('VALIDATION_FAILED', { field: 'sha256' })
      return uploadId(box.boxId, sha256)
    },
    async onUploadCreate(req, upload) {
      const box = boxOf(req)
      const sha256 = upload.metadata?.sha256 ?? ''
      // Only files the box's synced evidence records announce, at the size they announce.
      const expected = ingest.expectedEvidenceSize(box.boxId, sha256)
      if (expected === undefined || expected !== upload.size) throw tusError('VALIDATION_FAILED', { sha256, expectedSize: expected ?? null })
      // Creating would empty the file: bytes already received are resumed (HEAD, PATCH) instead.
      if (await store.getUpload(upload.id).then(() => true, () => false)) throw tusError('SYNC_UPLOAD_EXISTS', { sha256 })
      return {}
    },
    async onUploadFinish(req, upload) {
      const box = boxOf(req)
      if (!(await finish(box.boxId, upload.id, upload.size ?? 0))) throw tusError('SYNC_EVIDENCE_HASH_MISMATCH', { sha256: upload.id.slice(box.boxId.length + 1) })
      return {}
    },
  })

  /**
   * Checks the sha256 of an upload whose bytes have all arrived and moves it into the store; false
   * when the bytes are not the file the box announced (discarded: the box starts over). The last
   * PATCH and a missing-evidence request can both find an upload complete: the second waits for the
   * first's check instead of checking a file that is being moved.
   */
  const finishing = new Map<string, Promise<boolean>>()
  function finish(boxId: string, id: string, size: number): Promise<boolean> {
    let running = finishing.get(id)
    if (!running) {
      running = checkAndStore(boxId, id, size).finally(() => finishing.delete(id))
      finishing.set(id, running)
    }
    return running
  }

  async function checkAndStore(boxId: string, id: string, size: number): Promise<boolean> {
    const sha256 = id.slice(boxId.length + 1)
    const partial = join(uploadDir, id)
    if ((await store.sha256Of(id, size)) !== sha256) {
      rmSync(partial, { force: true })
      rmSync(`${partial}.json`, { force: true })
      return false
    }
    const final = evidenceFilePath(dataDir, boxId, sha256)
    mkdirSync(join(dataDir, 'evidence', boxId), { recursive: true })
    await fsyncPathAsync(partial, 'r+')
    renameSync(partial, final)
    await fsyncPathAsync(join(dataDir, 'evidence', boxId))
    rmSync(`${partial}.json`, { force: true })
    ingest.recordEvidenceFile(boxId, sha256, size, now())
    return true
  }

  return {
    /**
     * Bytes of a file the platform holds from an unfinished upload, or 'stored' when all of them
     * were there but the check had been cut short (the platform killed in between) and is done now:
     * tus would tell the box such an upload is complete, and the box would never send it again.
     */
    async heldBytes(boxId: string, sha256: string): Promise<number | 'stored'> {
      const id = uploadId(boxId, sha256)
      const upload = await store.getUpload(id).catch(() => undefined)
      if (!upload) return 0
      if (upload.offset !== upload.size) return upload.offset
      return (await finish(boxId, id, upload.offset)) ? 'stored' : 0
    },
    /** One tus request from the platform's HTTP server. */
    async handle(req: IncomingMessage, res: ServerResponse) {
      try {
        const response = await server.handleWeb(webRequest(req))
        res.writeHead(response.status, [...response.headers].flat())
        res.end(Buffer.from(await response.arrayBuffer()))
      } catch {
        res.destroy()
      }
    },
  }
}
