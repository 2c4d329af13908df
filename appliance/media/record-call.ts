// Wires a call's recorder to the case: the joined recording becomes evidence when the call ends.
import { join } from 'node:path'
import type { CaseService } from '../cases/case-service.ts'
import { storeEvidenceFile } from '../evidence/file-store.ts'
import { CallRecorder } from './recorder.ts'
import type { Room } from './room.ts'

export function recordCall(room: Room, dataDir: string, cases: CaseService) {
  return new CallRecorder(room, join(dataDir, 'recordings'), async (file) => {
    const stored = await storeEvidenceFile(dataDir, room.caseId, file, 'mkv')
    cases.addEvidence(room.caseId, { type: 'system', id: 'recorder' }, {
      kind: 'recording',
      ...stored,
      capturedAt: new Date().toISOString(),
      capturedBy: 'box',
    })
  })
}
