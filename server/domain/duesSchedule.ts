/**
 * When dues reminders go out, in each member's own time zone. Pure functions (no I/O), unit-tested
 * across time zones and daylight-saving changes.
 */
import { localTimeToInstant, nextPeriod, parsePeriod } from '../contract/time';

export type DuesStage = 'first' | 'second' | 'escalation';
export const DUES_STAGES: readonly DuesStage[] = ['first', 'second', 'escalation'];

export interface DuesLadder {
  first: number; // day of month
  second: number;
  escalation: number;
  hour: number; // local hour
}

export const DEFAULT_LADDER: DuesLadder = { first: 5, second: 15, escalation: 25, hour: 9 };

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
