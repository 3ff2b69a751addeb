import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { ok, request, type TestSocket } from '../helpers/clients';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const PAYLOADS = Number(process.env.RESILIENCE_PAYLOADS ?? 100_000);

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Payloads of every wrong shape a client could send (and a few right-looking ones with wrong values). */
function payloads(next: () => number): unknown[] {
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
    { __proto__: { admin: true } }, JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"p": 1}}}'),
    { limit: 1e9, beforeSeq: 'x' }, { messageId: 1.5, roomId: 'org:1' }, Buffer.from('binary'),
  ];
}

function ackOf(socket: TestSocket, event: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => (socket as unknown as { timeout(ms: number): { emit(e: string, p: unknown, cb: (err: unknown, ack: unknown) => void): void } }).timeout(10_000).emit(event, payload, (err, ack) => resolve(err ? { timedOut: true } : ack)));
}

/** Raw frames on a socket.io websocket: first a valid namespace connect with the token, then garbage. */
async function rawGarbage(url: string, token: string, frames: Array<string | Buffer>): Promise<'closed' | 'open'> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(`40${JSON.stringify({ token })}`);
  for (const frame of frames) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  await new Promise((r) => setTimeout(r, 100));
  const state = ws.readyState === WebSocket.OPEN ? 'open' : 'closed';
  ws.terminate();
  return state;
}

describe('R7: malformed payloads and garbage packets', () => {
  it('every command answers malformed payloads with an error ack, garbage packets never crash the server, and an honest member is served meanwhile', async () => {
    const attacker = await env.as(env.d.alice);
    const honest = await env.as(env.d.amy);
    const room = `org:${env.d.branchA.id}`;
    await ok(honest, 'room:join', { roomId: room });
    // Every event the server listens to on a member's socket, as registered.
    const events = [...env.server.app.io.sockets.sockets.get(attacker.id!)!.eventNames()].map(String).filter((e) => e.includes(':'));
    expect(events.length).toBeGreaterThan(20);

    const honestAcks = async (count: number) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        await ok(honest, 'chat:send', { roomId: room, clientId: `h${Date.now()}${i}${Math.random().toString(36).slice(2, 6)}`, body: `honest ${i}` });
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[Math.floor(times.length * 0.99)];
    };
    const before = await honestAcks(100);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const next = random(11);
    const kinds = payloads(next);
    let sent = 0;
    let errorAcks = 0;
    const wrong: string[] = [];
    const accepted = new Map<string, number>();
    const flood = (async () => {
      const inFlight = new Set<Promise<void>>();
      while (sent < PAYLOADS) {
        const event = events[sent % events.length];
        const payload = kinds[Math.floor(next() * kinds.length)];
        sent++;
        const p = ackOf(attacker, event, payload).then((ack) => {
          const a = ack as { ok?: boolean; error?: { code?: string }; timedOut?: boolean };
          if (a?.ok === false && typeof a.error?.code === 'string') errorAcks++;
          else if (a?.ok === true) accepted.set(event, (accepted.get(event) ?? 0) + 1);
          else if (wrong.length < 10) wrong.push(`${event} ${JSON.stringify(payload)?.slice(0, 80)} → ${JSON.stringify(ack)?.slice(0, 120)}`);
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= 200) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    const during = await honestAcks(100);
    await flood;

    // Garbage packets on raw websockets: unknown types, broken JSON, binary noise, an oversized frame.
    const garbage: Array<string | Buffer> = ['42[', '42["chat:send",', '4', '49', '0', '6', '42["__proto__",{}]', '42[123]', '43abc', '45-["x"]', '451-["chat:send",{"_placeholder":true,"num":9}]', Buffer.from([0xff, 0x00, 0x13]), 'x'.repeat(100)];
    const raw = [];
    for (let i = 0; i < 50; i++) raw.push(await rawGarbage(env.server.url, env.d.bob.token, [garbage[i % garbage.length], garbage[(i * 7) % garbage.length]]));
    const oversized = await rawGarbage(env.server.url, env.d.bob.token, [`42["chat:send",${JSON.stringify({ body: 'x'.repeat(200 * 1024) })}]`]);
    loop.disable();

    // Still serving: the honest member sends, a new socket connects and joins.
    const after = await honestAcks(20);
    const late = await env.as(env.d.bob);
    expect((await request(late, 'room:join', { roomId: `org:${env.d.branchB.id}` })).ok).toBe(true);

    const delayP99 = loop.percentile(99) / 1e6;
    console.info(
      `R7 malformed: ${sent} payloads on ${events.length} events: ${errorAcks} error acks, ${wrong.length} others; ` +
        `raw garbage on 50 sockets: ${raw.filter((r) => r === 'closed').length} closed by the server, the oversized frame ${oversized}; ` +
        `event-loop delay p99 ${delayP99.toFixed(1)} ms (test and server share it); honest ack p99 ${before.toFixed(1)} ms before, ${during.toFixed(1)} ms during, ${after.toFixed(1)} ms after`,
    );
    // Some drawn payloads are well formed for some commands (a join of a room the attacker may use, extra
    // fields being ignored): those are answered ok. Every other one gets an error ack with a code; none is lost.
    console.info(`R7 answered ok (well-formed for that command): ${JSON.stringify(Object.fromEntries(accepted))}`);
    expect(wrong).toEqual([]);
    expect(errorAcks + [...accepted.values()].reduce((a, b) => a + b, 0)).toBe(sent);
    expect(errorAcks).toBeGreaterThan(sent * 0.9);
    expect(oversized).toBe('closed');
    expect(delayP99).toBeLessThan(100);
    // Not asserted yet: the honest member's ack p99 within 2× during the flood. Here the flood's client runs in
    // the server's own process and event loop, so the figure is not the server's (docs/reliability.md).
  }, 240_000);
});
