// Insurers with one-tap claim reports (中国人保, 中国太平洋, 中国平安) and the guidance for the rest. Pure.
export const ONE_TAP_INSURERS = {
  PICC: { name: '中国人保', hotline: '95518' },
  CPIC: { name: '中国太平洋', hotline: '95500' },
  PINGAN: { name: '中国平安', hotline: '95511' },
} as const
export type OneTapInsurer = keyof typeof ONE_TAP_INSURERS

export const isOneTapInsurer = (code: string | null | undefined): code is OneTapInsurer =>
  code !== null && code !== undefined && Object.hasOwn(ONE_TAP_INSURERS, code)

export function otherInsurerGuidance(insurer: string | null, documentNo: string): string {
  const who = insurer ?? '您的保险公司'
  return `${who}暂不支持一键理赔。请拨打${who}的客服电话报案，并提供认定书编号${documentNo}；认定书可在本页下载后提交给保险公司。`
}
