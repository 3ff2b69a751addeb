/**
 * Chat benchmark: the real app (SQLite by default; BENCH_DB=postgres for PostgreSQL) with Redis,
 * against a bare Socket.IO server doing the same fan-out on the same machine. The load runs in a
 * separate process (scripts/bench-load.ts). Prints figures; asserts nothing.
 *
 *   npm run bench
 *   BENCH_SENDERS=400 BENCH_MESSAGES=50 BENCH_ROOM_SIZE=1000 npm run bench
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Server } from 'socket.io';
import { hashToken } from '../server/domain/auth';
import { buildDistrict } from '../tests/helpers/district';
import { createTestStore, startTestServer } from '../tests/helpers/server';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50);
const LISTENERS_PER_ROOM = Number(process.env.BENCH_LISTENERS ?? 5);
const ROOM_SIZE = Number(process.env.BENCH_ROOM_SIZE ?? 1000);

interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  sent: number;
  received: number;
}

async function runLoad(plan: Record<string, unknown>): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/bench-load.ts', JSON.stringify(plan)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function bareServer() {
  const http = createServer();
  const io = new Server(http);
  io.on('connection', (socket) => {
    socket.on('join', ({ roomId }: { roomId: string }, ack: (r: unknown) => void) => {
      socket.join(roomId);
      ack({ ok: true });
    });
    socket.on('send', (msg: { roomId: string }, ack: (r: unknown) => void) => {
      io.to(msg.roomId).emit('message', msg);
      ack({ ok: true });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => io.close() };
}

const rooms3 = ['r1', 'r2', 'r3'];
const bare = await bareServer();
const baseline = await runLoad({ url: bare.url, tokens: ['-'], senders: SENDERS, messages: MESSAGES, rooms: rooms3, listenersPerRoom: LISTENERS_PER_ROOM, mode: 'bare' });
bare.close();

const store = createTestStore((process.env.BENCH_DB as 'sqlite' | 'postgres') ?? 'sqlite');
const server = await startTestServer(store);
const d = await buildDistrict(server.url, server.db);
const rooms = [d.committee, d.general, d.branchA].map((o) => `org:${o.id}`);
const tokens = [d.alice, d.amy, d.orgA, d.genOrg].map((p) => p.token);
const chat = await runLoad({ url: server.url, tokens, senders: SENDERS, messages: MESSAGES, rooms, listenersPerRoom: LISTENERS_PER_ROOM, mode: 'kitestring' });
const batch = (await server.app.metrics.messageBatchSize.get()).values;
const batchSum = batch.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
const batchCount = batch.find((v) => v.metricName?.endsWith('_count'))?.value ?? 1;

// A room of ROOM_SIZE distinct members: accounts and tokens written directly (hashing a thousand
// passwords would only measure Argon2), then the crowd joins from the load process.
const crowdTokens: string[] = [];
const passwordHash = (await server.db.knex('users').first('password_hash')).password_hash;
for (let i = 0; i < ROOM_SIZE; i++) {
  const [row] = await server.db.knex('users').insert({ name: `Member ${i}`, email: `crowd${i}@bench.example`, password_hash: passwordHash, role: 'member', branch_id: d.branchA.id, timezone: 'Asia/Shanghai', mobile: false, active: true, created_at: new Date().toISOString() }).returning('id');
  const token = `ks_bench_${i}_${Math.random().toString(36).slice(2)}`;
  await server.db.knex('auth_tokens').insert({ user_id: typeof row === 'object' ? row.id : row, token_hash: hashToken(token), created_at: new Date().toISOString(), expires_at: new Date(Date.now() + 3600_000).toISOString() });
  crowdTokens.push(token);
}
const crowd = await runLoad({ url: server.url, tokens: crowdTokens, rooms: [rooms[2]], mode: 'crowd' }) as unknown as { joinMs: number; presenceEvents: number; typingMs: number; typists: number; typingEvents: number; lastOnline: number };
await server.close();
await store.destroy();

const f = (n: number) => n.toFixed(1);
const deliveries = (r: LoadResult) => r.received;
console.log(`${SENDERS} senders x ${MESSAGES} acknowledged messages over 3 rooms, ${LISTENERS_PER_ROOM} listeners per room; load in a separate process`);
console.log(`bare Socket.IO relay:       ${baseline.perSecond} msg/s  ack p50 ${f(baseline.p50)} ms  p99 ${f(baseline.p99)} ms  (${deliveries(baseline)} deliveries)`);
console.log(`kitestring chat:send (${store.kind}): ${chat.perSecond} msg/s stored  ack p50 ${f(chat.p50)} ms  p99 ${f(chat.p99)} ms  (${deliveries(chat)} deliveries)  mean ${f(batchSum / batchCount)} msgs per transaction`);
console.log(`kitestring / bare:          ${((chat.perSecond / baseline.perSecond) * 100).toFixed(0)} %`);
console.log(`room of ${ROOM_SIZE} members: all joined in ${f(crowd.joinMs)} ms (largest online list ${crowd.lastOnline}); one member got ${crowd.presenceEvents} presence events meanwhile`);
console.log(`  ${crowd.typists} typists at once: acked in ${f(crowd.typingMs)} ms; one member received ${crowd.typingEvents} typing events`);
process.exit(0);
