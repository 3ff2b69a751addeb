/**
 * Times and periods, defined once for the server and the client. Pure functions (no I/O), unit-tested
 * across time zones and daylight-saving changes. Times are instants in ms or ISO strings in UTC; a period
 * of dues is `YYYY-MM` in some zone's calendar.
 */

/** Minutes east of UTC of `timeZone` at `instant` (ms). */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Math.round((Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant) / 60_000);
}

/**
 * The instant of a local wall-clock time in a zone. A time skipped by a spring-forward change is shifted
 * forward by the gap (so it happens once; Temporal's "compatible"); a time repeated by a fall-back change
 * is its first occurrence.
 */
export function localTimeToInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const dayMs = 86_400_000;
  // The zone's offsets a day before and after cover both sides of any change near this time.
  const before = wall - zoneOffsetMinutes(wall - dayMs, timeZone) * 60_000;
  const after = wall - zoneOffsetMinutes(wall + dayMs, timeZone) * 60_000;
  const real = [before, after].filter((instant) => instant + zoneOffsetMinutes(instant, timeZone) * 60_000 === wall);
  if (real.length > 0) return Math.min(...real); // a repeated time: its first occurrence
  return before; // a skipped time: read with the offset from before the gap
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
export const isPeriod = (p: string) => PERIOD.test(p);

export const parsePeriod = (period: string) => {
  const [year, month] = period.split('-').map(Number);
  return { year, month };
};

const formatPeriod = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** The month `instant` falls in, in the calendar of `timeZone`. */
export const periodOf = (instant: number, timeZone: string): string => {
  const local = new Date(instant + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return formatPeriod(local.getUTCFullYear(), local.getUTCMonth() + 1);
};

/** The period `months` after (or before, when negative) `period`. */
export function shiftPeriod(period: string, months: number): string {
  const { year, month } = parsePeriod(period);
  const index = year * 12 + (month - 1) + months;
  return formatPeriod(Math.floor(index / 12), (index % 12) + 1);
}

export const nextPeriod = (period: string) => shiftPeriod(period, 1);

/** Every period from `from` to `to`, both included (at most `max`). */
export function periodsBetween(from: string, to: string, max = 240): string[] {
  const out: string[] = [];
  for (let p = from; p <= to && out.length < max; p = nextPeriod(p)) out.push(p);
  return out;
}

/** Is `zone` an IANA time zone name this runtime knows (e.g. Europe/London)? */
export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}
