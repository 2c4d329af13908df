// Small text helpers shared by the format validators.

const FULL_WIDTH_FIRST = 0xff01 // '！'
const FULL_WIDTH_LAST = 0xff5e // '～'
const FULL_TO_HALF_OFFSET = 0xfee0

/** Maps full-width ASCII variants (U+FF01–U+FF5E) to their half-width forms; U+3000 becomes a space. */
export function toHalfWidth(raw: string): string {
  let out = ''
  for (const ch of raw) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp >= FULL_WIDTH_FIRST && cp <= FULL_WIDTH_LAST) out += String.fromCodePoint(cp - FULL_TO_HALF_OFFSET)
    else if (cp === 0x3000) out += ' '
    else out += ch
  }
  return out
}
