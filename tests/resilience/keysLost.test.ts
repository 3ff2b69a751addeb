import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { api, connect, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { TestClock } from '../helpers/clock';
import { buildDistrict, createMembersFast } from '../helpers/district';
import { createTestStore, deleteKeysWithPrefix, REDIS_URL, startTestServer, type TestServer } from '../helpers/server';
import { kill, remindersPerMemberAndStage, sentCount, startChild, waitForOutput, type Child } from './support/h4';

const MEMBERS = 3000;
const ONLINE = 40;
const PERIOD = '2026-12';
// 10:00 in Shanghai on 5 December: the first reminder of the month is due; the period is well under way.
const AT = '2026-12-05T02:00:00Z';

describe('R13: every key of the deployment deleted from Redis mid-period', () => {
  it('the dues scheduler is set again, presence is rebuilt, and each member still gets exactly one reminder', async () => {
    const store = createTestStore();
    const redis = new Redis(REDIS_URL);
    // Two processes of one deployment: A (here, its clock pinned, the workers and the dues scan every 5 s) and
    // B (server/main.ts as npm start runs it, WORKERS=off), which holds the online members' sockets.
    const env = { DUES_REMINDERS: 'auto', DUES_SCAN_EVERY: '5s', HISTORY_RATE_LIMIT: 'off' };
    let a: TestServer | null = null;
    let child: Child | null = null;
    const sockets: TestSocket[] = [];
    try {
      a = await startTestServer(store, { env, clock: new TestClock(AT) });
      child = startChild('server/main.ts', { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, WORKERS: 'off', PUBLIC_URL: 'http://kitestring.test' });
      const bUrl = `http://127.0.0.1:${/localhost:(\d+)/.exec(await waitForOutput(child, /localhost:\d+/))![1]}`;
      const d = await buildDistrict(a.url, a.db);
      const branch = (await api(a.url, 'POST', '/api/orgs', { token: d.admin.token, body: { name: 'R13', kind: 'branch', parentId: d.general.id } })).body.org;
      const members = await createMembersFast(a.db, branch.id, MEMBERS, 'r13');
      // The server's clock is pinned a few days ahead: the members' tokens must outlive it.
      await a.db.knex('auth_tokens').update({ expires_at: new Date(Date.parse(AT) + 30 * 86_400_000).toISOString() });
      const room = `org:${branch.id}`;

      // Presence: ONLINE members on process B; a member on process A sees them through Redis.
      for (const m of members.slice(0, ONLINE)) {
        const s = await connect(bUrl, { token: m.token });
        sockets.push(s);
        await ok(s, 'room:join', { roomId: room });
      }
      const watcher = await connect(a.url, { token: members[ONLINE].token });
      sockets.push(watcher);
      const seenFromA = async () => ((await request(watcher, 'room:join', { roomId: room }, 15_000)) as { ok: true; data: { online: Array<{ id: number; name: string }> } }).data.online.filter((u) => u.id !== members[ONLINE].user.id && u.name.startsWith('Member r13')).length;
      expect(await seenFromA()).toBe(ONLINE);

      const queue = a.app.queues.dues;
      await waitFor(async () => Boolean(await queue.getJobScheduler('dues-scan')), 10_000, 'the dues scan scheduler');
      // Dues owed from now on: the next scan queues everyone's first reminder.
      await api(a.url, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: d.admin.token, body: { monthlyAmount: 1000, effectiveFrom: PERIOD } });
      const sent = () => sentCount(a!.db, PERIOD, 'first');
      await waitFor(async () => (await sent()) > 0, 60_000, 'reminders to start going out');

      // Every key of this deployment gone (a FLUSHALL, an eviction, a Redis restarted empty): queues, schedulers, presence, locks.
      const deleted = await deleteKeysWithPrefix(redis, store.keyPrefix);
      const lostAt = Date.now();
      const atDelete = await sent();
      expect(await queue.getJobScheduler('dues-scan')).toBeUndefined();
      expect(atDelete).toBeLessThan(MEMBERS);

      // Presence: the online list seen from A comes back once B refreshes its entries (every 10 s).
      let presenceMs = -1;
      let schedulerMs = -1;
      await Promise.all([
        waitFor(async () => (await seenFromA()) === ONLINE, 20_000, 'presence to be rebuilt').then(() => (presenceMs = Date.now() - lostAt)),
        waitFor(async () => Boolean(await queue.getJobScheduler('dues-scan')), 20_000, 'the scheduler to be set again').then(() => (schedulerMs = Date.now() - lostAt)),
      ]);
      // The names came back too.
      const online = (await ok(watcher, 'room:join', { roomId: room })).online;
      expect(online.filter((u) => u.name.startsWith('Member r13')).length).toBe(ONLINE + 1);

      // The next scans queue whoever has not been reminded; nobody is reminded twice.
      await waitFor(async () => (await sent()) === MEMBERS, 60_000, 'every reminder after the keys were lost').catch(async (error) => {
        // What the ones still waiting are held by: their job's state, the queue's counts, the scheduler.
        const done = new Set((await a!.db.knex('dues_reminders_sent').where({ period: PERIOD, stage: 'first' }).select('user_id')).map((r: { user_id: number }) => Number(r.user_id)));
        const left = members.filter((m) => !done.has(m.user.id)).slice(0, 5);
        const states = await Promise.all(left.map(async (m) => `${m.user.id}:${await queue.getDeduplicationJobId(`dues-first-${PERIOD}-${m.user.id}`)}`));
        console.error(`R13 stuck: ${MEMBERS - done.size} not reminded (${states.join(', ')}); counts ${JSON.stringify(await queue.getJobCounts())}; scheduler ${JSON.stringify(await queue.getJobScheduler('dues-scan'))}`);
        throw error;
      });
      const doneMs = Date.now() - lostAt;
      await sleep(6000); // at least one more scan: it must find nothing left to send
      const result = await remindersPerMemberAndStage(a.db, PERIOD);
      const schedulers = await queue.getJobSchedulers();
      console.info(
        `R13 keys lost: ${deleted} keys of the deployment deleted with ${atDelete} of ${MEMBERS} reminders sent; ` +
          `dues scheduler back after ${(schedulerMs / 1000).toFixed(1)} s, presence of ${ONLINE} members on the other process back after ${(presenceMs / 1000).toFixed(1)} s, ` +
          `all reminders ${(doneMs / 1000).toFixed(1)} s after: ${result.total} stored, ${result.byStage.first ?? 0} members, ${result.doubled} doubled; ${schedulers.length} scheduler(s)`,
      );
      expect(result.doubled).toBe(0);
      expect(result.byStage.first).toBe(MEMBERS);
      expect(result.total).toBe(MEMBERS);
      expect(schedulers.map((s) => s.key)).toEqual(['dues-scan']);
      // Within one scan interval plus the check; within one presence refresh (10 s) plus a poll on a busy machine.
      expect(schedulerMs).toBeLessThan(12_000);
      expect(presenceMs).toBeLessThan(15_000);
    } finally {
      sockets.forEach((s) => s.close());
      kill(child, 'SIGTERM');
      await child?.exited;
      await a?.close().catch(() => {});
      await store.destroy().catch(() => {});
      await redis.quit();
    }
  }, 120_000);
});
