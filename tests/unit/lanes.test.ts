import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors';
import { CommandLanes } from '../../server/realtime/lanes';

describe('CommandLanes', () => {
  it('runs a member’s commands a few at a time, in order, without holding up another member', async () => {
    const lanes = new CommandLanes(2, 10);
    const started: string[] = [];
    const leaves: Array<() => void> = [];
    const enter = (key: string, name: string) => lanes.enter(key).then((leave) => (started.push(name), leaves.push(leave), leave));
    await Promise.all([enter('u1', 'a1'), enter('u1', 'a2')]);
    const third = enter('u1', 'a3');
    const fourth = enter('u1', 'a4');
    await enter('u2', 'b1'); // another member is not behind u1's queue
    expect(started).toEqual(['a1', 'a2', 'b1']);

    leaves[0]();
    leaves[0](); // a second call gives nothing back twice
    await third;
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    leaves[1]();
    await fourth;
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
    for (const leave of leaves) leave();
    expect(lanes.size).toBe(0); // empty lanes are forgotten
  });

  it('answers rate_limited once too many wait, and takes new ones again when the queue drains', async () => {
    const lanes = new CommandLanes(1, 2);
    const first = await lanes.enter('u1');
    const queued = [lanes.enter('u1'), lanes.enter('u1')];
    const refused = await lanes.enter('u1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('rate_limited');
    first();
    (await queued[0])();
    (await queued[1])();
    (await lanes.enter('u1'))();
    expect(lanes.size).toBe(0);
  });
});
