// The case workflow as one explicit table (pure). The video path ends in `closed`; a case found
// ineligible leaves it for local officers and ends in `handed_over`.
export const CASE_STATES = [
  'reported', // case exists (citizen reported, or a 122 call created it); citizen not yet waiting
  'queued', // citizen on the waiting screen
  'in_call', // a seat officer answered
  'evidence_collected', // parties may leave the scene
  'verified', // licence, registration, insurance checked
  'eligible',
  'determined',
  'served',
  'closed',
  'ineligible',
  'dispatched',
  'handed_over',
  'cancelled',
] as const
export type CaseState = (typeof CASE_STATES)[number]

export const CASE_EVENTS = {
  enqueue: { from: ['reported'], to: 'queued' },
  cancel: { from: ['reported', 'queued'], to: 'cancelled' },
  answer: { from: ['queued'], to: 'in_call' },
  complete_evidence: { from: ['in_call'], to: 'evidence_collected' },
  verify: { from: ['evidence_collected', 'verified'], to: 'verified' },
  // Changing parties after a check sends the case back to collection: checks must be re-run.
  reopen_evidence: { from: ['verified', 'eligible'], to: 'evidence_collected' },
  assess_eligible: { from: ['verified'], to: 'eligible' },
  // Injury, drink or a fled party can be seen long before the checks: ineligible from any call stage.
  assess_ineligible: { from: ['in_call', 'evidence_collected', 'verified'], to: 'ineligible' },
  determine: { from: ['eligible'], to: 'determined' },
  serve: { from: ['determined'], to: 'served' },
  close: { from: ['served'], to: 'closed' },
  dispatch: { from: ['ineligible'], to: 'dispatched' },
  hand_over: { from: ['dispatched'], to: 'handed_over' },
} as const satisfies Record<string, { from: readonly CaseState[]; to: CaseState }>
export type CaseEvent = keyof typeof CASE_EVENTS

export const STATE_TEXT: Record<CaseState, string> = {
  reported: '已报警，等待接入',
  queued: '排队等待民警接听',
  in_call: '民警视频处理中',
  evidence_collected: '证据已固定，当事人可撤离现场',
  verified: '证件信息已核验',
  eligible: '符合视频快处条件',
  determined: '责任已认定',
  served: '认定书已送达',
  closed: '已结案',
  ineligible: '不符合视频快处条件',
  dispatched: '已派警前往现场',
  handed_over: '已移交现场民警处理',
  cancelled: '已撤销',
}

export type TransitionResult =
  | { ok: true; to: CaseState }
  | { ok: false; code: 'TRANSITION_NOT_ALLOWED'; from: CaseState; event: CaseEvent }

export function transition(from: CaseState, event: CaseEvent): TransitionResult {
  const rule = CASE_EVENTS[event]
  return (rule.from as readonly CaseState[]).includes(from)
    ? { ok: true, to: rule.to }
    : { ok: false, code: 'TRANSITION_NOT_ALLOWED', from, event }
}

export function isCaseState(s: string): s is CaseState {
  return (CASE_STATES as readonly string[]).includes(s)
}

/** States in which the citizen's video call belongs to the case (resume is possible). */
export const CALL_STATES: readonly CaseState[] = ['queued', 'in_call', 'evidence_collected', 'verified', 'eligible']

/** Seconds between the timestamps behind the service targets; null while not reached. */
export function caseMetrics(c: {
  reportedAt: string
  answeredAt: string | null
  partiesReleasedAt: string | null
  finishedAt: string | null
}) {
  const secs = (to: string | null) =>
    to === null ? null : Math.round((Date.parse(to) - Date.parse(c.reportedAt)) / 1000)
  return {
    answerSeconds: secs(c.answeredAt),
    untilPartiesMayLeaveSeconds: secs(c.partiesReleasedAt),
    totalHandlingSeconds: secs(c.finishedAt),
  }
}
