// Wires a call's recorder to the case: the joined recording becomes evidence when the call ends.
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { CaseService } from '../cases/case-service.ts'
import { storeEvidenceFile } from '../evidence/file-store.ts'
import { CallRecorder, joinSegments } from './recorder.ts'
import type { Room } from './room.ts'

const recordingsDir = (dataDir: string) => join(dataDir, 'recordings')

async function keepRecording(dataDir: string, cases: CaseService, caseId: string, file: string) {
  const stored = await storeEvidenceFile(dataDir, caseId, file, 'mkv')
  cases.addEvidence(caseId, { type: 'system', id: 'recorder' }, {
    kind: 'recording',
    ...stored,
    capturedAt: new Date().toISOString(),
    capturedBy: 'box',
  })
}

export function recordCall(room: Room, dataDir: string, cases: CaseService) {
  return new CallRecorder(room, recordingsDir(dataDir), (file) => keepRecording(dataDir, cases, room.caseId, file))
}

/** Segments left by a crash (the box died mid-call) become the case's recording at the next start. */
export async function recoverRecordings(dataDir: string, cases: CaseService) {
  const root = recordingsDir(dataDir)
  if (!existsSync(root)) return 0
  let recovered = 0
  for (const caseId of readdirSync(root)) {
    const dir = join(root, caseId)
    try {
      const joined = await joinSegments(dir)
      if (joined) {
        await keepRecording(dataDir, cases, caseId, joined)
        recovered++
      }
      rmSync(dir, { recursive: true, force: true })
    } catch (err) {
      // Left in place for an operator: a recording is never deleted because it could not be joined.
      console.error(`recording of case ${caseId} not recovered:`, err)
    }
  }
  return recovered
}
