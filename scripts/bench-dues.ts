/**
 * Dues reminder benchmark: BENCH_MEMBERS members (default 100,000) owing this month, one stage run by
 * hand: how long the enqueue takes (bulk adds) and how long until every reminder is stored, with the
 * workers in BENCH_WORKERS separate `server/worker.ts` processes. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { periodOf } from '../server/contract/time';
import { api, connect, sleep } from '../tests/helpers/clients';
import { buildDistrict, createMembersFast } from '../tests/helpers/district';
import { createTestStore, REDIS_URL, startTestServer } from '../tests/helpers/server';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

const store = createTestStore((process.env.BENCH_DB as 'sqlite' | 'postgres') ?? 'sqlite');
const server = await startTestServer(store, { env: { WORKERS: 'off' } });
const d = await buildDistrict(server.url, server.db);
const branch = (await api(server.url, 'POST', '/api/orgs', { token: d.admin.token, body: { name: 'Bench', kind: 'branch', parentId: d.general.id } })).body.org;
let t = Date.now();
await createMembersFast(server.db, branch.id, MEMBERS, 'bench');
console.log(`created ${MEMBERS} members in ${Date.now() - t} ms`);
const period = periodOf(Date.now(), 'Asia/Shanghai');
await api(server.url, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: d.admin.token, body: { monthlyAmount: 2000, effectiveFrom: period } });

const workers = Array.from({ length: WORKERS }, () =>
  spawn(process.execPath, ['--import', 'tsx', 'server/worker.ts'], { env: { ...process.env, DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, LOG_LEVEL: 'error' }, stdio: 'ignore' }),
);
await sleep(3000);

// Live chat while the reminders go out: ack latency of a member chatting, before and during the run.
const chatter = await connect(server.url, { token: d.alice.token });
const room = `org:${d.branchA.id}`;
async function chatLatency(count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await chatter.emitWithAck('chat:send', { roomId: room, clientId: `probe${Date.now()}${i}`, body: 'still here' });
    out.push(performance.now() - t0);
    await sleep(50);
  }
  return out.sort((a, b) => a - b);
}
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)].toFixed(1);
const quiet = await chatLatency(40);
t = Date.now();
const run = await api(server.url, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'first', orgId: branch.id } });
const enqueueMs = Date.now() - t;
console.log(`enqueued ${run.body.enqueued} reminder jobs in ${enqueueMs} ms`);
const sent = async () => Number((await server.db.knex('dues_reminders_sent').where({ period, stage: 'first' }).count('* as n'))[0].n);
const busy = await chatLatency(40);
let done = 0;
while ((done = await sent()) < run.body.enqueued) {
  await sleep(1000);
  if (Date.now() - t > 600_000) break;
}
console.log(`${done} reminders stored (with their notifications) ${Date.now() - t} ms after the run started, ${WORKERS} worker processes (${store.kind})`);
console.log(`chat:send ack while idle p50 ${median(quiet)} ms, while the reminders go out p50 ${median(busy)} ms`);
chatter.close();
workers.forEach((w) => w.kill('SIGTERM'));
await sleep(1000);
await server.close();
await store.destroy();
process.exit(0);
