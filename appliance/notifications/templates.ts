// The zh-CN SMS texts, one per kind of notification. Pure.
export type NotificationKind = 'case_received' | 'determination_served' | 'claim_filed' | 'review_received'

export type TemplateData =
  | { kind: 'case_received'; caseNo: string; link: string }
  | { kind: 'determination_served'; caseNo: string; documentNo: string; reviewDeadline: string; link: string }
  | { kind: 'claim_filed'; caseNo: string; insurer: string; reference: string }
  | { kind: 'review_received'; caseNo: string }

const SIGNATURE = '【成都交警】'

export function smsText(d: TemplateData): string {
  switch (d.kind) {
    case 'case_received':
      return `${SIGNATURE}您的事故报警已受理，案件编号${d.caseNo}。处理进度请查看：${d.link}`
    case 'determination_served':
      return `${SIGNATURE}案件${d.caseNo}的道路交通事故认定书（${d.documentNo}）已送达。查看、下载认定书，保险理赔或申请复核（${d.reviewDeadline}前）请点击：${d.link}`
    case 'claim_filed':
      return `${SIGNATURE}案件${d.caseNo}已向${d.insurer}报案，报案号${d.reference}，保险公司将与您联系。`
    case 'review_received':
      return `${SIGNATURE}案件${d.caseNo}的复核申请已收到，我们将依法转交上一级公安机关交通管理部门办理。`
  }
}
