import t from 'tap'
import { auditHash, GENESIS_HASH, verifyChain, type AuditContent } from './chain.ts'

function chain(n: number) {
  const out: Array<AuditContent & { prevHash: string; hash: string }> = []
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const c = { seq, at: `2026-11-26T00:00:0${seq}Z`, actorType: 'system', actorId: 's', action: 'a', caseId: null, detail: `{"n":${seq}}` }
    const hash = auditHash(prev, c)
    out.push({ ...c, prevHash: prev, hash })
    prev = hash
  }
  return out
}

t.same(verifyChain(chain(5)), { ok: true, entries: 5 })
t.same(verifyChain([]), { ok: true, entries: 0 })

t.test('an edited detail is named', async (t) => {
  const c = chain(5)
  c[2]!.detail = '{"n":99}'
  t.same(verifyChain(c).firstBroken, { seq: 3, problem: 'hash_mismatch' })
})

t.test('an edited and re-hashed entry breaks the next link', async (t) => {
  const c = chain(5)
  c[1]!.detail = '{"n":99}'
  c[1]!.hash = auditHash(c[1]!.prevHash, c[1]!)
  t.same(verifyChain(c).firstBroken, { seq: 3, problem: 'prev_hash_mismatch' })
})

t.test('a deleted entry is named by the gap it leaves', async (t) => {
  const c = chain(5)
  c.splice(1, 1)
  t.same(verifyChain(c).firstBroken, { seq: 3, problem: 'sequence_gap' })
})
