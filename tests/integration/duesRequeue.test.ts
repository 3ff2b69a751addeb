import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/contract/time';
import { enqueueStage } from '../../server/jobs/duesReminders';
import { api, sleep, waitFor } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { REDIS_URL } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

// A queued reminder keeps its member from being queued again for a while (BullMQ deduplication with a time to live),
// not for as long as some job of theirs exists in Redis: a job that was lost or gave up, or the remnant of one whose
// keys were deleted under a running worker, must not keep the member from a later scan.
describe('dues reminders queued again', () => {
  it('a member is queued once per window; a job lost from the queue is queued again by the next run after it, and sent once', async () => {
    const branch = (await api(env.server.url, 'POST', '/api/orgs', { token: env.d.admin.token, body: { name: 'Requeue', kind: 'branch', parentId: env.d.general.id } })).body.org;
    const members = await createMembersFast(env.server.db, branch.id, 3, 'requeue');
    const period = periodOf(Date.now(), 'Asia/Shanghai');
    await api(env.server.url, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: env.d.admin.token, body: { monthlyAmount: 1000, effectiveFrom: period } });
    const deps = { ...env.server.app.jobContext.dues, queue: env.server.app.jobContext.queue };
    const queue = env.server.app.queues.dues;
    const run = () => enqueueStage(deps, { period, stage: 'first', orgId: branch.id, queuedForMs: 1500 });
    const sent = async () => (await env.server.db.knex('dues_reminders_sent').where({ period, stage: 'first' }).whereIn('user_id', members.map((m) => m.user.id)).select('user_id')).map((r: { user_id: number }) => Number(r.user_id));

    await queue.pause();
    expect(await run()).toBe(3);
    const lostId = await queue.getDeduplicationJobId(`dues-first-${period}-${members[0].user.id}`);
    expect(lostId).toBeTruthy();
    // Lost: its keys gone from Redis (as when they are swept), while the member's deduplication entry is still there.
    const client = new Redis(REDIS_URL);
    await client.lrem(queue.keys.wait, 0, lostId!);
    expect(await client.del(queue.toKey(lostId!))).toBe(1);
    await client.quit();
    const waiting = await queue.getWaitingCount();
    expect(waiting).toBe(2);
    await run(); // within the window: nobody is queued twice, not even the one whose job was lost
    expect(await queue.getWaitingCount()).toBe(waiting);
    await queue.resume();
    await waitFor(async () => (await sent()).length === 2, 15_000, 'the two queued reminders');
    expect(await sent()).not.toContain(members[0].user.id);

    await sleep(1600); // the window passed: the member the database says was not reminded is queued again
    expect(await run()).toBe(1);
    await waitFor(async () => (await sent()).length === 3, 15_000, 'the third reminder');
    await run(); // already reminded: not queued at all
    await sleep(300);
    const notified = await env.server.db.knex('notifications').where({ kind: 'dues_reminder' }).whereIn('user_id', members.map((m) => m.user.id)).count('* as n');
    expect(Number(notified[0].n)).toBe(3);
  });
});
