import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/contract/time';
import { api, sleep, waitFor } from '../helpers/clients';
import { buildDistrict, createMembersFast } from '../helpers/district';
import { createTestStore, startTestServer, type TestServer } from '../helpers/server';
import { kill, ownRedis, remindersPerMemberAndStage, sentCount, startChild, waitForOutput, type Child } from './support/h4';

const MEMBERS = Number(process.env.RESILIENCE_REMINDER_MEMBERS ?? 10_000);
const STAGES = ['first', 'second'] as const;
const TOTAL = MEMBERS * STAGES.length;

describe('R12: dues reminders under a worker kill -9 and a Redis restart', () => {
  it('10,000 members, two stages, two worker processes: one worker SIGKILLed and Redis restarted (empty) mid-run; exactly one reminder per member and stage', async () => {
    const began = Date.now();
    const redis = await ownRedis();
    const store = createTestStore();
    const env = { REDIS_URL: redis.url, KEY_PREFIX: store.keyPrefix, DATABASE_URL: store.databaseUrl, JOB_LOCK_MS: '2000', DUES_REMINDERS: 'manual' };
    let server: TestServer | null = null;
    const workers: Child[] = [];
    try {
      // The web server enqueues (WORKERS=off); two worker processes (npm run worker) send.
      server = await startTestServer(store, { env: { ...env, WORKERS: 'off' } });
      workers.push(startChild('server/worker.ts', env), startChild('server/worker.ts', env)); // they boot while the district is built
      const d = await buildDistrict(server.url, server.db);
      const branch = (await api(server.url, 'POST', '/api/orgs', { token: d.admin.token, body: { name: 'R12', kind: 'branch', parentId: d.general.id } })).body.org;
      await createMembersFast(server.db, branch.id, MEMBERS, 'r12');
      const period = periodOf(Date.now(), 'Asia/Shanghai');
      await api(server.url, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: d.admin.token, body: { monthlyAmount: 1000, effectiveFrom: period } });
      await Promise.all(workers.map((w) => waitForOutput(w, 'kitestring worker is running')));
      const run = async (stage: string) => {
        const res = await api(server!.url, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage, orgId: branch.id } });
        expect(res.status).toBe(202);
        return res.body.enqueued as number;
      };
      const sent = () => sentCount(server!.db, period);

      const setupMs = Date.now() - began;
      const started = Date.now();
      for (const stage of STAGES) expect(await run(stage)).toBe(MEMBERS);

      // kill -9 of one worker while it holds up to 100 active jobs; a replacement starts (a process manager's restart).
      await waitFor(async () => (await sent()) >= TOTAL * 0.05, 60_000, 'the workers to get going');
      kill(workers[0], 'SIGKILL');
      await workers[0].exited;
      const atKill = await sent();
      workers.push(startChild('server/worker.ts', env));

      // Redis killed and started again with nothing (README's set-up keeps nothing on disk): the queue is lost.
      await waitFor(async () => (await sent()) >= TOTAL * 0.4, 60_000, 'the run to be well under way');
      await redis.restart();
      const atRestart = await sent();
      expect(atRestart).toBeLessThan(TOTAL);
      await waitFor(async () => (await fetch(`${server!.url}/healthz`)).status === 200, 20_000, 'health to recover');
      // The next run (the scan would make it) queues only whoever has not been reminded yet.
      const requeued: number[] = [];
      for (const stage of STAGES) requeued.push(await run(stage));
      await waitFor(async () => (await sent()) === TOTAL, 90_000, 'every reminder after the restart');
      const ms = Date.now() - started;
      await sleep(1000); // anything still in flight (a retried job) would land now
      for (const stage of STAGES) expect(await run(stage)).toBe(0);

      const result = await remindersPerMemberAndStage(server.db, period);
      console.info(
        `R12 reminders: ${MEMBERS} members × ${STAGES.length} stages in ${(ms / 1000).toFixed(1)} s (set-up ${(setupMs / 1000).toFixed(1)} s): ${result.total} stored, ` +
          `${STAGES.map((s) => `${s} ${result.byStage[s] ?? 0}`).join(', ')}, ${result.doubled} doubled; ` +
          `a worker SIGKILLed at ${atKill} sent, Redis restarted empty at ${atRestart}; the next run queued ${requeued.join(' + ')} again`,
      );
      expect(result.doubled).toBe(0);
      for (const stage of STAGES) expect(result.byStage[stage]).toBe(MEMBERS);
      expect(result.total).toBe(TOTAL);
      // The surviving workers still run after the fault.
      expect(workers.slice(1).every((w) => w.proc.exitCode === null)).toBe(true);
    } finally {
      for (const w of workers) kill(w);
      await Promise.all(workers.map((w) => w.exited));
      await server?.close().catch(() => {});
      await redis.stop();
      await store.destroy().catch(() => {});
    }
  }, 120_000);
});
