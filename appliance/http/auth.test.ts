// Officer login: sessions, lockout after repeated failures, disabling, expiry, rate limits.
import t from 'tap'
import { verifyPassword, hashPassword } from '../auth/passwords.ts'
import { Caller, officer, startTestBox } from '../test-support/test-box.ts'

t.test('scrypt hashes verify only the right password', async (t) => {
  const h = await hashPassword('correct horse')
  t.match(h, /^scrypt\$16384\$8\$1\$/)
  t.equal(await verifyPassword('correct horse', h), true)
  t.equal(await verifyPassword('correct horsE', h), false)
  t.not(await hashPassword('correct horse'), h, 'salted')
})

t.test('login sets an httpOnly cookie; logout ends the session', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const c = new Caller(box.url)
  const res = await fetch(`${box.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'seat01', password: box.accounts.seat01!.password }),
  })
  const cookie = res.headers.get('set-cookie') ?? ''
  t.match(cookie, /kc_session=/)
  t.match(cookie, /HttpOnly/)
  t.match(cookie, /SameSite=Strict/)
  c.cookie = cookie.split(';')[0]!
  const me = await c.get('/api/auth/me')
  t.equal(me.body.username, 'seat01')
  t.equal(me.body.roleText, '坐席民警')
  t.notOk('passwordHash' in me.body)
  await c.post('/api/auth/logout')
  const again = new Caller(box.url)
  again.cookie = cookie.split(';')[0]!
  t.equal((await again.get('/api/auth/me')).body.code, 'AUTH_REQUIRED')
})

t.test('repeated failures lock the account, even against the right password', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const c = new Caller(box.url)
  const max = box.config.auth.maxFailedLogins
  for (let i = 1; i < max; i++) {
    t.equal((await c.post('/api/auth/login', { username: 'seat01', password: 'wrong' })).body.code, 'AUTH_INVALID_CREDENTIALS')
  }
  t.equal((await c.post('/api/auth/login', { username: 'seat01', password: 'wrong' })).body.code, 'AUTH_LOCKED')
  const right = { username: 'seat01', password: box.accounts.seat01!.password }
  const r = await c.post('/api/auth/login', right)
  t.same([r.status, r.body.code], [423, 'AUTH_LOCKED'])
  box.clock.now = new Date(box.clock.now.getTime() + (box.config.auth.lockoutMinutes + 1) * 60_000)
  t.equal((await c.post('/api/auth/login', right)).status, 200, 'unlocked once the lockout has passed')
  t.equal((await c.post('/api/auth/login', { username: 'nobody', password: 'x' })).body.code, 'AUTH_INVALID_CREDENTIALS')
})

t.test('an admin unlocks, disables (ending sessions) and creates accounts', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const admin = await officer(box, 'admin01')
  const seat = await officer(box, 'seat02')
  const list = (await admin.get('/api/officers')).body
  const seat02 = list.find((o: any) => o.username === 'seat02')
  t.notOk('passwordHash' in seat02, 'hashes never leave the box')
  let r = await admin.patch(`/api/officers/${seat02.id}`, { disabled: true })
  t.equal(r.body.disabled, true)
  t.equal((await seat.get('/api/queue')).body.code, 'AUTH_REQUIRED', 'open sessions end')
  r = await new Caller(box.url).post('/api/auth/login', { username: 'seat02', password: box.accounts.seat02!.password })
  t.equal(r.body.code, 'AUTH_DISABLED')

  r = await admin.post('/api/officers', { username: 'seat03', displayName: '赵警官', badgeNo: '510104003', role: 'seat', password: 'a-long-password' })
  t.equal(r.status, 201)
  t.equal(r.body.districtId, box.config.district.id)
  r = await admin.post('/api/officers', { username: 'seat03', displayName: '赵警官', badgeNo: '510104003', role: 'seat', password: 'a-long-password' })
  t.equal(r.body.code, 'USERNAME_TAKEN')
  const seat3 = new Caller(box.url)
  t.equal((await seat3.post('/api/auth/login', { username: 'seat03', password: 'a-long-password' })).status, 200)
})

t.test('sessions expire', async (t) => {
  const box = await startTestBox()
  t.teardown(box.close)
  const seat = await officer(box, 'seat01')
  box.clock.now = new Date(box.clock.now.getTime() + (box.config.auth.sessionTtlMinutes + 1) * 60_000)
  t.equal((await seat.get('/api/queue')).body.code, 'AUTH_REQUIRED')
})

t.test('public routes are rate limited per client', async (t) => {
  const box = await startTestBox({ rateLimits: { reportsPerMinute: 3, loginsPerMinute: 2 } })
  t.teardown(box.close)
  const c = new Caller(box.url)
  const report = { location: { lat: 30.65, lng: 104.08 }, phone: '13800138000' }
  const codes = []
  for (let i = 0; i < 4; i++) codes.push((await c.post('/api/citizen/reports', report)).status)
  t.same(codes, [201, 201, 201, 429])
  const r = await c.post('/api/citizen/reports', report)
  t.equal(r.body.code, 'RATE_LIMITED')
  await c.post('/api/auth/login', { username: 'x', password: 'y' })
  await c.post('/api/auth/login', { username: 'x', password: 'y' })
  t.equal((await c.post('/api/auth/login', { username: 'x', password: 'y' })).body.code, 'RATE_LIMITED')
})
