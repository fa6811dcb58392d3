/**
 * Wall-clock times in a named time zone (IANA, such as `America/Chicago`), for sessions planned as
 * "Tuesdays at 17:00" where the organization is: the same local time each week, across daylight
 * saving changes.
 */

/** Whether `zone` is a time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at the instant `utcMs`, in minutes (Chicago in winter: -360). */
function offsetMinutes(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  }).formatToParts(new Date(utcMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the clocks of `zone` read `date` (YYYY-MM-DD) at `time` (HH:MM). A time that
 * does not exist that day (skipped when clocks spring forward) is taken as the same wall time with
 * the offset from before the change, i.e. an hour later; a time that happens twice takes the first.
 */
export function zonedToUtc(date: string, time: string, zone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The offset a few hours before and after the wall time bracket any change that day.
  const before = offsetMinutes(zone, wall - 12 * 3_600_000);
  const after = offsetMinutes(zone, wall + 12 * 3_600_000);
  const first = wall - before * 60_000;
  if (offsetMinutes(zone, first) === before) return new Date(first);
  // Past a change earlier that day: the offset after it holds.
  const later = wall - after * 60_000;
  if (offsetMinutes(zone, later) === after) return new Date(later);
  // In the gap the clocks skipped: the wall time read with the offset from before the change.
  return new Date(first);
}

/** The calendar date `days` after `date` (YYYY-MM-DD), by the calendar rather than by 24-hour steps. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
