/**
 * Load generator for scripts/bench-chat.ts, run in its own process so the clients do not share a
 * core with the server under test. Reads a JSON plan from argv[2], prints one JSON result line.
 */
import { io as connectClient, type Socket } from 'socket.io-client';

interface Plan {
  url: string;
  /** Auth per sender (cycled). */
  tokens: string[];
  senders: number;
  messages: number;
  rooms: string[];
  /** Listeners per room that join and receive everything. */
  listenersPerRoom: number;
  mode: 'kitestring' | 'bare' | 'crowd';
}

const plan = JSON.parse(process.argv[2]) as Plan;

async function open(count: number, auth: (i: number) => Record<string, string>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => {
      const s = connectClient(plan.url, { auth: auth(i + j), transports: ['websocket'], forceNew: true, reconnection: false });
      return new Promise<Socket>((resolve, reject) => {
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

const token = (i: number) => ({ token: plan.tokens[i % plan.tokens.length] });

if (plan.mode === 'crowd') {
  // Everyone (one token each) joins one room; then a fifth of them type once.
  const roomId = plan.rooms[0];
  const crowd = await open(plan.tokens.length, token);
  let presenceEvents = 0;
  let typingEvents = 0;
  crowd[0].on('presence', () => presenceEvents++);
  crowd[0].on('chat:typing', () => typingEvents++);
  const joinStart = performance.now();
  let lastOnline = 0;
  await Promise.all(crowd.map(async (s) => {
    const ack = await s.timeout(60_000).emitWithAck('room:join', { roomId });
    lastOnline = Math.max(lastOnline, ack.data.online.length);
  }));
  const joinMs = performance.now() - joinStart;
  const typists = crowd.slice(0, Math.ceil(crowd.length / 5));
  const typingStart = performance.now();
  await Promise.all(typists.map((s) => s.emitWithAck('chat:typing', { roomId })));
  const typingMs = performance.now() - typingStart;
  await new Promise((r) => setTimeout(r, 1000));
  console.log(JSON.stringify({ joinMs, presenceEvents, typingMs, typists: typists.length, typingEvents, lastOnline }));
  crowd.forEach((s) => s.close());
  process.exit(0);
}

const joinEvent = plan.mode === 'bare' ? 'join' : 'room:join';
const sendEvent = plan.mode === 'bare' ? 'send' : 'chat:send';

const listeners = await open(plan.listenersPerRoom * plan.rooms.length, token);
let received = 0;
await Promise.all(
  listeners.map((s, i) => {
    s.on(plan.mode === 'bare' ? 'message' : 'chat:message', () => received++);
    return s.emitWithAck(joinEvent, { roomId: plan.rooms[i % plan.rooms.length] });
  }),
);
const senders = await open(plan.senders, token);
const runId = Date.now().toString(36);
const latencies: number[] = [];
const started = performance.now();
await Promise.all(
  senders.map(async (socket, client) => {
    for (let n = 0; n < plan.messages; n++) {
      const t0 = performance.now();
      const roomId = plan.rooms[client % plan.rooms.length];
      const ack = await socket.timeout(60_000).emitWithAck(sendEvent, { roomId, clientId: `b${runId}_${client}_${n}`, body: `message ${n} from ${client}` });
      if (ack?.ok === false) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
      latencies.push(performance.now() - t0);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
await new Promise((r) => setTimeout(r, 300));
console.log(JSON.stringify({ perSecond: Math.round(latencies.length / seconds), p50: pct(50), p99: pct(99), sent: latencies.length, received }));
[...listeners, ...senders].forEach((s) => s.close());
process.exit(0);
