// Consistency of the liability split (Procedure Rules Art. 60–61), pure.
export const LIABILITIES = ['全部', '主要', '同等', '次要', '无'] as const
export type Liability = (typeof LIABILITIES)[number]

/**
 * One party at fault: 全部 for it and 无 for the rest. Several at fault: 主要 with 次要, or 同等 among
 * equals. Nobody at fault: 无 for all.
 */
export function liabilitySplitIsConsistent(split: Liability[]): boolean {
  const count = (l: Liability) => split.filter((x) => x === l).length
  const atFault = split.length - count('无')
  if (atFault === 0) return true
  if (count('全部') > 0) return count('全部') === 1 && atFault === 1
  if (count('同等') > 0) return count('同等') === atFault && atFault >= 2
  return count('主要') >= 1 && count('次要') >= 1 && count('主要') + count('次要') === atFault
}
