// Daily service window, evaluated in the policy's time zone (never the machine's).

export interface ServicePolicy {
  serviceStart: string // 'HH:MM', inclusive
  serviceEnd: string // 'HH:MM', exclusive; '24:00' allowed
  timeZone: string // IANA name, e.g. 'Asia/Shanghai'
}

/** Minutes since midnight for 'HH:MM' (00:00–24:00). Throws RangeError otherwise. */
export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/.exec(hhmm)
  if (!m) throw new RangeError(`invalid clock time: ${JSON.stringify(hhmm)}`)
  return m[1] === undefined ? 24 * 60 : Number(m[1]) * 60 + Number(m[2])
}

/** Minutes since local midnight of `at` in `timeZone`. */
export function minutesOfDay(at: Date, timeZone: string): number {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date')
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at)
  const part = (type: 'hour' | 'minute') => Number(parts.find(p => p.type === type)?.value)
  return part('hour') * 60 + part('minute')
}

/**
 * True when `at` falls in [serviceStart, serviceEnd) local time. A start after the end wraps past
 * midnight (e.g. 22:00–06:00); equal start and end mean around the clock.
 */
export function isWithinServiceHours(at: Date, policy: ServicePolicy): boolean {
  const start = parseClock(policy.serviceStart)
  const end = parseClock(policy.serviceEnd)
  const now = minutesOfDay(at, policy.timeZone)
  if (start < end) return start <= now && now < end
  if (start > end) return now >= start || now < end
  return true
}
