// What a claim report tells the insurer: the case facts, every party's plate and liability, the
// claimant's policy, and the signed document's number and sha256 (the insurer can verify it). Pure.
import type { DocumentContent } from '../documents/document-content.ts'

export interface ClaimReport {
  caseNo: string
  documentNo: string
  documentSha256: string
  accidentTime: string
  place: string
  accidentType: string
  impactPoints: string
  facts: string
  claimant: { label: string; name: string; phone: string; plate: string; policyNumber: string; liability: string }
  parties: Array<{ label: string; plate: string; insurer: string; liability: string }>
}

export function claimReport(doc: DocumentContent, pdfSha256: string, claimantLabel: string): ClaimReport {
  const me = doc.parties.find((p) => p.label === claimantLabel)
  if (!me) throw new Error(`claimReport: no party ${claimantLabel} in ${doc.documentNo}`)
  return {
    caseNo: doc.caseNo,
    documentNo: doc.documentNo,
    documentSha256: pdfSha256,
    accidentTime: doc.accidentTime,
    place: doc.place,
    accidentType: doc.accidentType,
    impactPoints: doc.impactPoints,
    facts: doc.facts,
    claimant: { label: me.label, name: me.name, phone: me.phone, plate: me.plate, policyNumber: me.policyNumber, liability: me.liability },
    parties: doc.parties.map((p) => ({ label: p.label, plate: p.plate, insurer: p.insurer, liability: p.liability })),
  }
}
