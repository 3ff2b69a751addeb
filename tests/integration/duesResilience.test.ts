import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/contract/time';
import { api, sleep, waitFor } from '../helpers/clients';
import { buildDistrict, createMembersFast } from '../helpers/district';
import { createTestStore, REDIS_URL, startTestServer, type TestServer } from '../helpers/server';

// A worker killed mid-run, and Redis restarted mid-run: every unpaid member still gets exactly one reminder.
const MEMBERS = 3000;
const FAST_LOCKS = { JOB_LOCK_MS: '2000' };

async function prepare(server: TestServer) {
  const d = await buildDistrict(server.url, server.db);
  const branch = (await api(server.url, 'POST', '/api/orgs', { token: d.admin.token, body: { name: 'Resilient', kind: 'branch', parentId: d.general.id } })).body.org;
  const members = await createMembersFast(server.db, branch.id, MEMBERS, 'res');
  const period = periodOf(Date.now(), 'Asia/Shanghai');
  await api(server.url, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: d.admin.token, body: { monthlyAmount: 1000, effectiveFrom: period } });
  const sent = async () => Number((await server.db.knex('dues_reminders_sent').where({ period, stage: 'first' }).count('* as n'))[0].n);
  const notified = async () => {
    const rows: Array<{ user_id: number; n: string | number }> = await server.db.knex('notifications').where({ kind: 'dues_reminder' }).groupBy('user_id').select('user_id').count('* as n');
    return rows;
  };
  const run = () => api(server.url, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'first', orgId: branch.id } });
  return { d, members, period, sent, notified, run };
}

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/worker.ts'], { env: { ...process.env, LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('dues reminders under failure', () => {
  it('a worker killed mid-run leaves no reminder lost or doubled once another worker takes over', async () => {
    const store = createTestStore();
    const server = await startTestServer(store, { env: { WORKERS: 'off', ...FAST_LOCKS } });
    const workerEnv = { DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, ...FAST_LOCKS };
    let worker = startWorker(workerEnv);
    try {
      const { sent, notified, run } = await prepare(server);
      expect((await run()).body.enqueued).toBe(MEMBERS);
      await waitFor(async () => (await sent()) >= 300, 60_000, 'the worker to get going');
      worker.kill('SIGKILL');
      const atKill = await sent();
      expect(atKill).toBeLessThan(MEMBERS);
      worker = startWorker(workerEnv);
      await waitFor(async () => (await sent()) === MEMBERS, 90_000, 'the second worker to finish');
      await sleep(500);
      const rows = await notified();
      expect(rows).toHaveLength(MEMBERS);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    } finally {
      worker.kill('SIGKILL');
      await server.close();
      await store.destroy();
    }
  }, 180_000);

  it('Redis restarting mid-run is retried and reported in /healthz; the rest goes out once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitestring-redis-'));
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
    const startRedis = () => spawn('redis-server', args, { stdio: 'ignore' });
    let redis = startRedis();
    const url = `redis://127.0.0.1:${port}`;
    const store = createTestStore();
    let server: TestServer | null = null;
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}`).catch((e) => e)) instanceof Error, 5000, 'redis').catch(() => {});
      await sleep(300);
      server = await startTestServer(store, { env: { REDIS_URL: url, ...FAST_LOCKS } });
      const { sent, notified, run } = await prepare(server);
      expect((await run()).body.enqueued).toBe(MEMBERS);
      await waitFor(async () => (await sent()) >= 300, 60_000, 'reminders to start going out');
      redis.kill('SIGTERM'); // a clean shutdown: the append-only file keeps the queue
      await new Promise((r) => redis.once('exit', r));
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, redis: 'down', db: 'up' });
      await sleep(1000);
      redis = startRedis();
      await waitFor(async () => (await fetch(`${server!.url}/healthz`)).status === 200, 20_000, 'health to recover');
      await waitFor(async () => (await sent()) === MEMBERS, 90_000, 'every reminder after the restart');
      // A second run (as the next scan would make) finds nothing left to send.
      expect((await run()).body.enqueued).toBe(0);
      const rows = await notified();
      expect(rows).toHaveLength(MEMBERS);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    } finally {
      await server?.close();
      redis.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      await store.destroy().catch(() => {});
    }
  }, 180_000);
});
