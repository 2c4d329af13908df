// Uploads one evidence file by tus. The upload's URL is fixed by (box, sha256), so after any crash
// the agent asks the platform for the offset and sends only the rest.
import { createReadStream, type ReadStream } from 'node:fs'
import * as tus from 'tus-js-client'
import { PATHS, UNSIGNED_BODY, uploadId } from '../protocol.ts'
import { PlatformError, type PlatformClient } from './platform-client.ts'

export interface UploadOutcome {
  sha256: string
  sizeBytes: number
  /** Bytes the platform already had when this attempt started. */
  resumedFrom: number
}

// tus-js-client's own file source reads in 64 kB pieces; bigger reads mean fewer socket writes and
// fewer wake-ups of the platform per file.
const READ_CHUNK_BYTES = 1 << 20

/** The file as tus-js-client's source: each request body is one read stream over [start, end). */
function fileSource(file: string, sizeBytes: number) {
  return {
    size: sizeBytes,
    slice(start: number, end: number) {
      const last = Math.min(end, sizeBytes)
      const value: ReadStream & { size?: number } = createReadStream(file, { start, end: last - 1, highWaterMark: READ_CHUNK_BYTES })
      // tus-js-client checks the slice's size against the upload's length.
      value.size = last - start
      return Promise.resolve({ value, done: last >= sizeBytes })
    },
    close() {},
  }
}

export async function uploadEvidence(client: PlatformClient, file: string, sha256: string, sizeBytes: number): Promise<UploadOutcome> {
  const url = `${client.baseUrl}${PATHS.uploads}${uploadId(client.boxId, sha256)}`
  let resumedFrom = 0
  let first = true
  await new Promise<void>((resolve, reject) => {
    // tus-js-client hands its input to the fileReader only; ours opens the file by path itself.
    const upload = new tus.Upload(file as unknown as Buffer, {
      endpoint: `${client.baseUrl}${PATHS.uploads}`,
      uploadUrl: url,
      uploadSize: sizeBytes,
      fileReader: { openFile: async () => fileSource(file, sizeBytes) },
      metadata: { sha256 },
      // Failures go back to the agent's own backoff loop.
      retryDelays: [],
      removeFingerprintOnSuccess: true,
      storeFingerprintForResuming: false,
      onBeforeRequest(req) {
        const u = new URL(req.getURL())
        for (const [k, v] of Object.entries(client.signedHeaders(req.getMethod(), u.pathname + u.search, UNSIGNED_BODY))) req.setHeader(k, v)
      },
      onAfterResponse(req, res) {
        if (first && req.getMethod() === 'HEAD' && res.getStatus() < 300) resumedFrom = Number(res.getHeader('Upload-Offset') ?? 0)
        if (req.getMethod() === 'HEAD') first = false
      },
      onError(err) {
        const res = (err as tus.DetailedError).originalResponse
        if (res) {
          let code = 'HTTP_ERROR'
          try {
            code = (JSON.parse(res.getBody()) as { code?: string }).code ?? code
          } catch { /* not our JSON */ }
          reject(new PlatformError(res.getStatus(), code))
        } else reject(err)
      },
      onSuccess: () => resolve(),
    })
    upload.start()
  })
  return { sha256, sizeBytes, resumedFrom }
}
