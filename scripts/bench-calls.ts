/**
 * Signal relay benchmark: pairs of members in accepted calls on two servers (one Redis, one database),
 * each caller sending signals as fast as acks come back; measures relays per second and the time from
 * emit to arrival on the other side. Prints figures; asserts nothing.
 *
 *   npm run bench:calls          BENCH_PAIRS=50 BENCH_SIGNALS=200 npm run bench:calls
 */
import type { Socket } from 'socket.io-client';
import { connect } from '../tests/helpers/clients';
import { buildDistrict, createMembersFast } from '../tests/helpers/district';
import { createTestStore, startTestServer } from '../tests/helpers/server';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 50);
const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 200);

const store = createTestStore((process.env.BENCH_DB as 'sqlite' | 'postgres') ?? 'sqlite');
const one = await startTestServer(store);
const two = await startTestServer(store);
const d = await buildDistrict(one.url, one.db);
const members = await createMembersFast(one.db, d.branchA.id, PAIRS * 2, 'calls');

const candidate = { candidate: { candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0 generation 0', sdpMid: '0', sdpMLineIndex: 0 } };
const latencies: number[] = [];
const pairs: Array<{ caller: Socket; callee: Socket; callId: string }> = [];
for (let i = 0; i < PAIRS; i++) {
  const caller = await connect(one.url, { token: members[2 * i].token });
  const callee = await connect(two.url, { token: members[2 * i + 1].token });
  const ringing = new Promise((r) => callee.once('call:incoming', r));
  const invited = (await caller.emitWithAck('call:invite', { userId: members[2 * i + 1].user.id })) as { ok: true; data: { callId: string } };
  await ringing;
  const accepted = new Promise((r) => caller.once('call:accepted', r));
  await callee.emitWithAck('call:accept', { callId: invited.data.callId });
  await accepted;
  callee.on('call:signal', (e) => latencies.push(performance.now() - (e.signal as { sentAt: number }).sentAt));
  pairs.push({ caller, callee, callId: invited.data.callId });
}

const started = performance.now();
await Promise.all(
  pairs.map(async ({ caller, callId }) => {
    for (let n = 0; n < SIGNALS; n++) {
      const ack = await caller.emitWithAck('call:signal', { callId, signal: { ...candidate, sentAt: performance.now() } });
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    }
  }),
);
await new Promise((r) => setTimeout(r, 300));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
console.log(`${PAIRS} calls across two servers, ${SIGNALS} ICE-candidate signals each, sender waits for each ack`);
console.log(`relayed ${latencies.length} of ${PAIRS * SIGNALS} signals: ${Math.round(latencies.length / seconds)} relays/s; emit-to-arrival p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
for (const { caller, callee } of pairs) {
  caller.close();
  callee.close();
}
await one.close();
await two.close();
await store.destroy();
process.exit(0);
