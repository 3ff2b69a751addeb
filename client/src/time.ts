import { localTimeToInstant, zoneOffsetMinutes } from '../../server/contract/time';

/**
 * A wall-clock time typed into `<input type="datetime-local">` ("2026-12-01T19:30"), read in the member's
 * own time zone (not the browser's), as an ISO UTC string. Uses the server's own conversion, so a time
 * around a daylight-saving change means the same instant on both sides.
 */
export function zonedInputToIso(local: string, timeZone: string): string {
  const [date, time] = local.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(localTimeToInstant(y, m, d, hh, mm, timeZone)).toISOString();
}

/** An instant as the `datetime-local` value ("2026-12-01T19:30") it shows as in the member's own time zone. */
export function isoToZonedInput(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  const local = new Date(instant + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return local.toISOString().slice(0, 16);
}
