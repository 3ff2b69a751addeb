import { describe, expect, it } from 'vitest';
import { localTimeToInstant, periodOf } from '../../server/contract/time';
import { stageIsCurrent, stageTime, stageWindow } from '../../server/domain/duesSchedule';

const iso = (ms: number) => new Date(ms).toISOString();

describe('dues reminder times in the member\'s own time zone', () => {
  it('Asia/Shanghai: 09:00 local is 01:00 UTC, every month (no DST)', () => {
    expect(iso(stageTime('2026-11', 'first', 'Asia/Shanghai'))).toBe('2026-11-05T01:00:00.000Z');
    expect(iso(stageTime('2026-11', 'second', 'Asia/Shanghai'))).toBe('2026-11-15T01:00:00.000Z');
    expect(iso(stageTime('2026-11', 'escalation', 'Asia/Shanghai'))).toBe('2026-11-25T01:00:00.000Z');
    expect(iso(stageTime('2027-07', 'first', 'Asia/Shanghai'))).toBe('2027-07-05T01:00:00.000Z');
  });

  it('Europe/London: 09:00 GMT in winter, 09:00 BST (08:00 UTC) in summer, and the ladder spans the March change', () => {
    expect(iso(stageTime('2027-01', 'first', 'Europe/London'))).toBe('2027-01-05T09:00:00.000Z');
    expect(iso(stageTime('2027-07', 'first', 'Europe/London'))).toBe('2027-07-05T08:00:00.000Z');
    // Clocks go forward on 28 March 2027: day 15 is GMT, day 25 is still GMT, April's day 5 is BST.
    expect(iso(stageTime('2027-03', 'second', 'Europe/London'))).toBe('2027-03-15T09:00:00.000Z');
    expect(iso(stageTime('2027-03', 'escalation', 'Europe/London'))).toBe('2027-03-25T09:00:00.000Z');
    expect(iso(stageTime('2027-04', 'first', 'Europe/London'))).toBe('2027-04-05T08:00:00.000Z');
    // October 2026 (back on 25 Oct at 02:00): day 25 09:00 is already GMT.
    expect(iso(stageTime('2026-10', 'second', 'Europe/London'))).toBe('2026-10-15T08:00:00.000Z');
    expect(iso(stageTime('2026-10', 'escalation', 'Europe/London'))).toBe('2026-10-25T09:00:00.000Z');
  });

  it('America/Los_Angeles: 09:00 PST is 17:00 UTC, 09:00 PDT is 16:00 UTC', () => {
    expect(iso(stageTime('2026-12', 'first', 'America/Los_Angeles'))).toBe('2026-12-05T17:00:00.000Z');
    expect(iso(stageTime('2027-06', 'second', 'America/Los_Angeles'))).toBe('2027-06-15T16:00:00.000Z');
    // The first reminder of a month can fall on a different UTC day than the period suggests.
    expect(periodOf(stageTime('2026-12', 'first', 'America/Los_Angeles'), 'America/Los_Angeles')).toBe('2026-12');
  });

  it('never skips or doubles a wall time around a DST change', () => {
    // 01:30 on 28 March 2027 in London does not exist: shifted forward by the gap (02:30 BST), once,
    // as Temporal's "compatible" disambiguation does.
    expect(iso(localTimeToInstant(2027, 3, 28, 1, 30, 'Europe/London'))).toBe('2027-03-28T01:30:00.000Z');
    // 01:30 on 31 October 2027 happens twice: the first one.
    expect(iso(localTimeToInstant(2027, 10, 31, 1, 30, 'Europe/London'))).toBe('2027-10-31T00:30:00.000Z');
  });

  it('each stage is current from its time until the next stage, and only then', () => {
    const w = stageWindow('2026-11', 'first', 'Europe/London');
    expect(iso(w.from)).toBe('2026-11-05T09:00:00.000Z');
    expect(iso(w.until)).toBe('2026-11-15T09:00:00.000Z');
    expect(stageIsCurrent('2026-11', 'first', 'Europe/London', Date.parse('2026-11-10T00:00:00Z'))).toBe(true);
    expect(stageIsCurrent('2026-11', 'first', 'Europe/London', Date.parse('2026-11-16T00:00:00Z'))).toBe(false);
    expect(stageIsCurrent('2026-11', 'first', 'Europe/London', Date.parse('2026-11-05T08:59:00Z'))).toBe(false);
    expect(iso(stageWindow('2026-12', 'escalation', 'Asia/Shanghai').until)).toBe('2027-01-05T01:00:00.000Z');
  });
});
