import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { ok, request } from '../helpers/clients';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const PAYLOADS = Number(process.env.RESILIENCE_PAYLOADS ?? 100_000);

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
    const attacker = await env.as(env.d.alice); // only to read which commands a member's socket listens to
    const honest = await env.as(env.d.amy);
    const room = `org:${env.d.branchA.id}`;
    await ok(honest, 'room:join', { roomId: room });
    // Every event the server listens to on a member's socket, as registered.
    const events = [...env.server.app.io.sockets.sockets.get(attacker.id!)!.eventNames()].map(String).filter((e) => e.includes(':'));
    expect(events.length).toBeGreaterThan(20);

    // The p99 of up to 1,000 sends (of 300 it is the third slowest, and one pause of the machine moves it).
    let sampled = 0;
    const honestAcks = async (count: number, going = () => true) => {
      const times: number[] = [];
      for (let i = 0; i < count && going(); i++) {
        const t = performance.now();
        await ok(honest, 'chat:send', { roomId: room, clientId: `h${Date.now()}${i}${Math.random().toString(36).slice(2, 6)}`, body: `honest ${i}` });
        times.push(performance.now() - t);
      }
      sampled = times.length;
      return times.sort((a, b) => a - b)[Math.floor(times.length * 0.99)];
    };
    await honestAcks(50); // warm: the first sends of a socket are slower
    const before = await honestAcks(1000);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    // The flood from its own process: its client work must not share the server's event loop. At the lowest CPU
    // priority: on this 2-core machine it would otherwise take CPU from the server and the honest member alike, where
    // a real attacker's client runs on a machine of its own.
    const flood = promisify(execFile)('nice', ['-n', '19', process.execPath, '--import', 'tsx', 'tests/resilience/flood.ts', JSON.stringify({ url: env.server.url, token: env.d.alice.token, events, count: PAYLOADS, inFlight: 200 })], { maxBuffer: 1 << 20, timeout: 200_000 });
    let flooding = true;
    void flood.finally(() => (flooding = false));
    await new Promise((r) => setTimeout(r, 1500)); // under way
    const during = await honestAcks(1000, () => flooding); // only while the flood lasts
    const sampledDuring = sampled;
    const { sent, errorAcks, accepted, unanswered, odd, ms } = JSON.parse((await flood).stdout.trim().split('\n').pop()!) as { sent: number; errorAcks: number; accepted: Record<string, number>; unanswered: number; odd: string[]; ms: number };

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
      `R7 malformed: ${sent} payloads on ${events.length} events in ${(ms / 1000).toFixed(1)} s: ${errorAcks} error acks, ${unanswered} unanswered; ` +
        `raw garbage on 50 sockets: ${raw.filter((r) => r === 'closed').length} closed by the server, the oversized frame ${oversized}; ` +
        `event-loop delay p99 ${delayP99.toFixed(1)} ms; honest ack p99 ${before.toFixed(1)} ms before, ${during.toFixed(1)} ms during (${sampledDuring} sends), ${after.toFixed(1)} ms after`,
    );
    // Some drawn payloads are well formed for some commands (a join of a room the attacker may use, extra
    // fields being ignored): those are answered ok. Every other one gets an error ack with a code; none is lost.
    console.info(`R7 answered ok (well-formed for that command): ${JSON.stringify(accepted)}`);
    expect(odd).toEqual([]);
    expect(unanswered).toBe(0);
    expect(errorAcks + Object.values(accepted).reduce((a, b) => a + b, 0)).toBe(sent);
    expect(errorAcks).toBeGreaterThan(sent * 0.9);
    expect(oversized).toBe('closed');
    // The server stays responsive: its event loop, and an honest member's messages next to the flood. Each socket's
    // commands are taken one per turn of the event loop (server/realtime/intake.ts) and each member's run a few at a
    // time (server/realtime/lanes.ts); before, one turn answered hundreds of the flood's commands and the honest
    // member's acks took up to 3 s.
    expect(delayP99).toBeLessThan(100);
    expect(sampledDuring).toBeGreaterThanOrEqual(300);
    expect(during).toBeLessThanOrEqual(2 * before);
  }, 240_000);
});
