/**
 * When dues reminders go out, in each member's own time zone. Pure functions (no I/O), unit-tested
 * across time zones and daylight-saving changes.
 */

export type DuesStage = 'first' | 'second' | 'escalation';
export const DUES_STAGES: readonly DuesStage[] = ['first', 'second', 'escalation'];

export interface DuesLadder {
  first: number; // day of month
  second: number;
  escalation: number;
  hour: number; // local hour
}

export const DEFAULT_LADDER: DuesLadder = { first: 5, second: 15, escalation: 25, hour: 9 };

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
  const day_ = 86_400_000;
  // The zone's offsets a day before and after cover both sides of any change near this time.
  const before = wall - zoneOffsetMinutes(wall - day_, timeZone) * 60_000;
  const after = wall - zoneOffsetMinutes(wall + day_, timeZone) * 60_000;
  const real = [before, after].filter((instant) => instant + zoneOffsetMinutes(instant, timeZone) * 60_000 === wall);
  if (real.length > 0) return Math.min(...real); // a repeated time: its first occurrence
  return before; // a skipped time: read with the offset from before the gap
}

export const parsePeriod = (period: string) => {
  const [year, month] = period.split('-').map(Number);
  return { year, month };
};

export const periodOf = (instant: number, timeZone: string): string => {
  const local = new Date(instant + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
};

export function nextPeriod(period: string): string {
  const { year, month } = parsePeriod(period);
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The instant a stage of a period is due for someone living in `timeZone`. */
export function stageTime(period: string, stage: DuesStage, timeZone: string, ladder: DuesLadder = DEFAULT_LADDER): number {
  const { year, month } = parsePeriod(period);
  return localTimeToInstant(year, month, ladder[stage], ladder.hour, 0, timeZone);
}

/**
 * A stage is current from its own time until the next stage's time (the escalation until the next
 * period's first reminder). A stage missed while the system was down goes out while it is current;
 * after that it is never backfilled.
 */
export function stageWindow(period: string, stage: DuesStage, timeZone: string, ladder: DuesLadder = DEFAULT_LADDER): { from: number; until: number } {
  const from = stageTime(period, stage, timeZone, ladder);
  const until =
    stage === 'first' ? stageTime(period, 'second', timeZone, ladder) : stage === 'second' ? stageTime(period, 'escalation', timeZone, ladder) : stageTime(nextPeriod(period), 'first', timeZone, ladder);
  return { from, until };
}

/** Is the stage current at `now` for this zone? */
export const stageIsCurrent = (period: string, stage: DuesStage, timeZone: string, now: number, ladder: DuesLadder = DEFAULT_LADDER) => {
  const { from, until } = stageWindow(period, stage, timeZone, ladder);
  return now >= from && now < until;
};
