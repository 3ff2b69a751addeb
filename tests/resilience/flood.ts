/**
 * The flood of R7 in its own process (so the attack's client work never shares the server's event loop): sends
 * `count` payloads, drawn from a fixed set of wrong shapes, round-robin over `events`, at most `inFlight` waiting
 * for their acks, and prints one JSON line: how each was answered.
 *   node --import tsx tests/resilience/flood.ts '{"url":…,"token":…,"events":[…],"count":100000,"inFlight":200}'
 */
import { io } from 'socket.io-client';

const plan = JSON.parse(process.argv[2]) as { url: string; token: string; events: string[]; count: number; inFlight: number; seed?: number };
let seed = plan.seed ?? 11;
const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

function payloads(): unknown[] {
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 60; i++) cursor = (cursor.a = {}) as Record<string, unknown>;
  const n = () => Math.floor(next() * 1e9);
  return [
    undefined, null, 0, -1, 1.5, 2 ** 53, 'text', '', 'x'.repeat(20_000), true, [], [1, 2, 3], {}, deep,
    { roomId: n() }, { roomId: 'org:' + '9'.repeat(30) }, { roomId: '../../etc' }, { roomId: 'org:1', since: -5 },
    { roomId: 'org:1', clientId: 'ok', body: { nested: true } }, { roomId: 'org:1', clientId: '💥'.repeat(80), body: 'hi' },
    { roomId: 'org:1', clientId: 'a', body: 'x'.repeat(17_000) }, { meetingId: 'one' }, { meetingId: -1 }, { meetingId: n() },
    { callId: n(), signal: 'x'.repeat(40_000) }, { to: { id: 'x' } }, { roomIds: Array.from({ length: 500 }, () => 'org:1') },
    JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"p": 1}}}'),
    { limit: 1e9, beforeSeq: 'x' }, { messageId: 1.5, roomId: 'org:1' }, Buffer.from('binary'),
  ];
}

const socket = io(plan.url, { auth: { token: plan.token }, transports: ['websocket'], reconnection: false, forceNew: true });
await new Promise<void>((resolve, reject) => {
  socket.once('connect', () => resolve());
  socket.once('connect_error', reject);
});
const kinds = payloads();
const result = { sent: 0, errorAcks: 0, accepted: {} as Record<string, number>, unanswered: 0, odd: [] as string[], ms: 0 };
const started = performance.now();
const waiting = new Set<Promise<void>>();
while (result.sent < plan.count) {
  const event = plan.events[result.sent % plan.events.length];
  const payload = kinds[Math.floor(next() * kinds.length)];
  result.sent++;
  const answered = new Promise<void>((resolve) =>
    socket.timeout(20_000).emit(event, payload, (err: unknown, ack: { ok?: boolean; error?: { code?: unknown } }) => {
      if (err) result.unanswered++;
      else if (ack?.ok === false && typeof ack.error?.code === 'string') result.errorAcks++;
      else if (ack?.ok === true) result.accepted[event] = (result.accepted[event] ?? 0) + 1;
      else if (result.odd.length < 10) result.odd.push(`${event} → ${JSON.stringify(ack)?.slice(0, 120)}`);
      resolve();
    }),
  );
  waiting.add(answered);
  void answered.then(() => waiting.delete(answered));
  if (waiting.size >= plan.inFlight) await Promise.race(waiting);
}
await Promise.all(waiting);
result.ms = performance.now() - started;
socket.close();
console.log(JSON.stringify(result));
process.exit(0);
