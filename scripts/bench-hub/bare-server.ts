/**
 * The baseline of `npm run bench:hub`, run as its own process: a bare Socket.IO 4 server, websocket only,
 * no storage, no authorization, in-memory rooms, with the same fan-out as kitestring's hot path and the
 * same event names (so the load generator is byte-for-byte the same):
 *   room:join {roomId}        → join the room, ack { roomId, seq }
 *   chat:send {roomId, …}     → emit chat:message {…, seq} to the room (sender included), then ack
 *   meeting:signup {meetingId} → an in-memory seat counter per meeting (capacity BARE_SEATS), idempotent per token
 * With BARE_ADAPTER=redis the same server runs on @socket.io/redis-adapter (key BARE_KEY_PREFIX:socket.io),
 * which separates the adapter's share of kitestring's cost. GET /healthz answers 200 once listening.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const seats = Number(process.env.BARE_SEATS ?? 100);
const withAdapter = process.env.BARE_ADAPTER === 'redis';

const http = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  res.writeHead(404).end();
});

let pub: Redis | null = null;
let sub: Redis | null = null;
if (withAdapter) {
  pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  sub = pub.duplicate();
}

// The same transport settings as kitestring's server (server/realtime/io.ts).
const io = new Server(http, {
  transports: ['websocket'],
  maxHttpBufferSize: 128 * 1024,
  pingInterval: 20_000,
  pingTimeout: 20_000,
  ...(pub && sub ? { adapter: createAdapter(pub, sub, { key: `${process.env.BARE_KEY_PREFIX}:socket.io` }) } : {}),
});

type Ack = (response: unknown) => void;
const seqs = new Map<string, number>();
const meetings = new Map<number, { confirmed: number; waitlisted: number; who: Map<string, { status: string; position: number | null }> }>();

io.on('connection', (socket) => {
  const token = String((socket.handshake.auth as { token?: unknown })?.token ?? socket.id);
  socket.on('room:join', (payload: { roomId?: unknown }, ack: Ack) => {
    if (typeof ack !== 'function') return;
    const roomId = String(payload?.roomId);
    socket.join(roomId);
    ack({ ok: true, data: { roomId, seq: seqs.get(roomId) ?? 0 } });
  });
  socket.on('chat:send', (payload: { roomId?: unknown; clientId?: unknown; body?: unknown }, ack: Ack) => {
    if (typeof ack !== 'function') return;
    const roomId = String(payload?.roomId);
    const seq = (seqs.get(roomId) ?? 0) + 1;
    seqs.set(roomId, seq);
    const message = { roomId, seq, clientId: payload?.clientId, body: payload?.body };
    io.to(roomId).emit('chat:message', message);
    ack({ ok: true, data: { message } });
  });
  socket.on('meeting:signup', (payload: { meetingId?: unknown }, ack: Ack) => {
    if (typeof ack !== 'function') return;
    const id = Number(payload?.meetingId);
    let meeting = meetings.get(id);
    if (!meeting) meetings.set(id, (meeting = { confirmed: 0, waitlisted: 0, who: new Map() }));
    let mine = meeting.who.get(token);
    if (!mine) {
      mine = meeting.confirmed < seats ? (meeting.confirmed++, { status: 'confirmed', position: null }) : { status: 'waitlisted', position: ++meeting.waitlisted };
      meeting.who.set(token, mine);
    }
    ack({ ok: true, data: mine });
  });
});

http.listen(port, '127.0.0.1');

const stop = () => {
  io.close();
  pub?.disconnect();
  sub?.disconnect();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
