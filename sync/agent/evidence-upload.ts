// Uploads one evidence file by tus. The upload's URL is fixed by (box, sha256). A new upload sends
// its bytes in the creating POST (creation-with-upload: one request per file). When the platform
// holds part of the file (an earlier attempt was cut; the missing-evidence list says so, or the
// platform refuses the POST), the agent asks for the offset (HEAD) and sends only the rest (PATCH).
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
export const READ_CHUNK_BYTES = 1 << 20

/** The file as tus-js-client's source: each request body is one read stream over [start, end). */
function fileSource(file: string, sizeBytes: number) {
  let open: ReadStream | undefined
  return {
    size: sizeBytes,
    slice(start: number, end: number) {
      const last = Math.min(end, sizeBytes)
      const value: ReadStream & { size?: number } = createReadStream(file, { start, end: last - 1, highWaterMark: READ_CHUNK_BYTES })
      // tus-js-client checks the slice's size against the upload's length.
      value.size = last - start
      open = value
      return Promise.resolve({ value, done: last >= sizeBytes })
    },
    // A request cut midway leaves its read stream paused: close the file.
    close() {
      open?.destroy()
    },
  }
}

/** One tus attempt: create with the bytes, or (with resume) HEAD for the offset, then PATCH the rest. */
function send(client: PlatformClient, file: string, sha256: string, sizeBytes: number, resume: boolean): Promise<number> {
  let resumedFrom = 0
  return new Promise<number>((resolve, reject) => {
    // tus-js-client hands its input to the fileReader only; ours opens the file by path itself.
    const upload = new tus.Upload(file as unknown as Buffer, {
      endpoint: `${client.baseUrl}${PATHS.uploads}`,
      uploadUrl: resume ? `${client.baseUrl}${PATHS.uploads}${uploadId(client.boxId, sha256)}` : null,
      uploadSize: sizeBytes,
      uploadDataDuringCreation: true,
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
        if (req.getMethod() === 'HEAD' && res.getStatus() < 300) resumedFrom = Number(res.getHeader('Upload-Offset') ?? 0)
      },
      onError(err) {
        // A refusal can come before the body is sent: stop sending it, close the file.
        void upload.abort()
        const res = (err as tus.DetailedError).originalResponse
        if (res) {
          let code = 'HTTP_ERROR'
          try {
            code = (JSON.parse(res.getBody()) as { code?: string }).code ?? code
          } catch { /* not our JSON */ }
          reject(new PlatformError(res.getStatus(), code))
        } else reject(err)
      },
      onSuccess: () => resolve(resumedFrom),
    })
    upload.start()
  })
}

export async function uploadEvidence(client: PlatformClient, file: string, sha256: string, sizeBytes: number, receivedBytes = 0): Promise<UploadOutcome> {
  const attempt = (resume: boolean) => send(client, file, sha256, sizeBytes, resume)
  // A refused creation means the platform holds part of the file after all: resume it.
  const resumedFrom = receivedBytes > 0
    ? await attempt(true)
    : await attempt(false).catch((err: unknown) => {
      if (err instanceof PlatformError && err.code === 'SYNC_UPLOAD_EXISTS') return attempt(true)
      throw err
    })
  return { sha256, sizeBytes, resumedFrom }
}
