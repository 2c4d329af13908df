import t from 'tap'
import { isWithinServiceHours, minutesOfDay, parseClock, type ServicePolicy } from './service-hours.ts'

const shanghai: ServicePolicy = { serviceStart: '07:00', serviceEnd: '19:00', timeZone: 'Asia/Shanghai' }

t.test('parseClock', async t => {
  t.equal(parseClock('00:00'), 0)
  t.equal(parseClock('07:30'), 450)
  t.equal(parseClock('23:59'), 1439)
  t.equal(parseClock('24:00'), 1440)
  for (const bad of ['7:00', '24:01', '12:60', '1200', '', 'ab:cd']) t.throws(() => parseClock(bad), RangeError, bad)
})

t.test('minutesOfDay uses the given zone, not the machine', async t => {
  const at = new Date('2024-05-01T23:00:00Z')
  t.equal(minutesOfDay(at, 'Asia/Shanghai'), 7 * 60)
  t.equal(minutesOfDay(at, 'UTC'), 23 * 60)
  t.equal(minutesOfDay(new Date('2024-05-01T16:00:00Z'), 'Asia/Shanghai'), 0, 'midnight is 0, not 24:00')
  t.throws(() => minutesOfDay(new Date('nope'), 'Asia/Shanghai'), RangeError)
  t.throws(() => minutesOfDay(new Date(), 'Mars/Olympus'), RangeError)
})

t.test('07:00–19:00 Asia/Shanghai boundaries', async t => {
  const cases: [string, boolean, string][] = [
    ['2024-05-01T22:59:00Z', false, '06:59'],
    ['2024-05-01T23:00:00Z', true, '07:00'],
    ['2024-05-02T10:59:59Z', true, '18:59:59'],
    ['2024-05-02T11:00:00Z', false, '19:00'],
    ['2024-05-02T04:00:00Z', true, '12:00'],
    ['2024-05-02T16:00:00Z', false, '00:00'],
  ]
  for (const [iso, inside, local] of cases) t.equal(isWithinServiceHours(new Date(iso), shanghai), inside, local)
})

t.test('overnight and around-the-clock windows', async t => {
  const night: ServicePolicy = { serviceStart: '22:00', serviceEnd: '06:00', timeZone: 'UTC' }
  t.ok(isWithinServiceHours(new Date('2024-05-01T23:30:00Z'), night))
  t.ok(isWithinServiceHours(new Date('2024-05-01T05:59:00Z'), night))
  t.notOk(isWithinServiceHours(new Date('2024-05-01T06:00:00Z'), night))
  t.notOk(isWithinServiceHours(new Date('2024-05-01T21:59:00Z'), night))
  const allDay: ServicePolicy = { serviceStart: '00:00', serviceEnd: '24:00', timeZone: 'UTC' }
  t.ok(isWithinServiceHours(new Date('2024-05-01T23:59:00Z'), allDay))
  const same: ServicePolicy = { serviceStart: '08:00', serviceEnd: '08:00', timeZone: 'UTC' }
  t.ok(isWithinServiceHours(new Date('2024-05-01T03:00:00Z'), same))
  t.throws(() => isWithinServiceHours(new Date(), { ...shanghai, serviceEnd: '7pm' }), RangeError)
})
