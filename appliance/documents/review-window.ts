// The review (复核) window, Procedure Rules Art. 71: a written application within 3 days of service.
// Counted from the recorded service time, to the millisecond; the server is the only judge. Pure.
export const REVIEW_WINDOW_MS = 3 * 24 * 3600_000

export const REVIEW_RULE =
  '依据《道路交通事故处理程序规定》第七十一条，当事人对道路交通事故认定有异议的，可以自道路交通事故认定书送达之日起三日内提出书面复核申请；逾期提出的，不予受理。'

export const reviewDeadline = (servedAt: string): string => new Date(Date.parse(servedAt) + REVIEW_WINDOW_MS).toISOString()

export const reviewWindowOpen = (servedAt: string, now: Date): boolean => now.getTime() <= Date.parse(servedAt) + REVIEW_WINDOW_MS
