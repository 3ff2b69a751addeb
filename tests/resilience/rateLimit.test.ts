import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import type { Ack } from '../../server/contract/errors';
import { connect, ok, sleep, type TestSocket } from '../helpers/clients';
import { buildDistrict, type District } from '../helpers/district';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/server';

// R8: one member flooding `chat:send` at 50 msg/s over 3 sockets spread on 2 processes gets the configured
// per-user limit (README: "per-user `chat:send` limit across all processes"), not one per socket or per process.
const OFFERED_PER_S = 50;
// The limit as a deployment configures it: the default of server/config.ts unless R8_CHAT_RATE_LIMIT says otherwise.
const limit = loadConfig({ CHAT_RATE_LIMIT: process.env.R8_CHAT_RATE_LIMIT }).chatRateLimit!;
// The flood lasts whole windows of the limit (at most ~20 s), less a margin for the last sends to arrive inside the last one.
const WINDOWS = Math.max(1, Math.min(20, Math.floor(20_000 / limit.windowMs)));
const FLOOD_MS = WINDOWS * limit.windowMs - 400;

let store: TestStore;
let one: TestServer;
let two: TestServer;
let d: District;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  store = createTestStore();
  const env = { CHAT_RATE_LIMIT: `${limit.count}/${limit.windowMs}ms` };
  one = await startTestServer(store, { env });
  two = await startTestServer(store, { env });
  d = await buildDistrict(one.url, one.db);
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await one?.close();
  await two?.close();
  await store?.destroy();
});

describe('R8: one member flooding chat over 3 sockets on 2 processes', () => {
  it('is accepted within ±5 % of the configured per-user limit', async () => {
    const roomId = `org:${d.branchA.id}`;
    // Two sockets on process one, one on process two: all the same member (alice).
    const flooders = await Promise.all([connect(one.url, { token: d.alice.token }), connect(one.url, { token: d.alice.token }), connect(two.url, { token: d.alice.token })]);
    sockets.push(...flooders);
    const listener = await connect(two.url, { token: d.amy.token });
    sockets.push(listener);
    await ok(listener, 'room:join', { roomId });
    let heard = 0;
    listener.on('chat:message', (m) => void (m.author.id === d.alice.user.id && heard++));

    const total = Math.floor((FLOOD_MS / 1000) * OFFERED_PER_S);
    const interval = 1000 / OFFERED_PER_S;
    const started = Date.now();
    const acks: Array<Promise<{ socket: number; ack: Ack<any> }>> = [];
    for (let i = 0; i < total; i++) {
      // Open loop, on schedule: the i-th message leaves at i × 20 ms whatever the earlier acks did.
      const due = started + i * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      const socket = i % 3;
      acks.push((flooders[socket].timeout(10_000) as any).emitWithAck('chat:send', { roomId, clientId: `flood-${i}`, body: `flood ${i}` }).then((ack: Ack<any>) => ({ socket, ack })));
    }
    const sentMs = Date.now() - started;
    const results = await Promise.all(acks);
    const accepted = results.filter((r) => r.ack.ok);
    const refused = results.filter((r) => !r.ack.ok);
    const codes = new Set(refused.map((r) => (r.ack.ok ? '' : r.ack.error.code)));
    const perSocket = [0, 1, 2].map((s) => accepted.filter((r) => r.socket === s).length);
    const stored = Number((await one.db.knex('messages').where({ room_id: roomId, author_id: d.alice.user.id }).count('* as n'))[0].n);
    await sleep(300);

    const allowed = limit.count * WINDOWS;
    const deviation = (accepted.length - allowed) / allowed;
    console.info(
      `R8 flood: ${total} chat:send offered by one member over 3 sockets on 2 processes in ${(sentMs / 1000).toFixed(1)} s ` +
        `(${(total / (sentMs / 1000)).toFixed(1)} msg/s); limit ${limit.count}/${limit.windowMs / 1000}s → ${allowed} allowed in ${WINDOWS} windows; ` +
        `accepted ${accepted.length} (${deviation >= 0 ? '+' : ''}${(deviation * 100).toFixed(1)} %; per socket ${perSocket.join('/')}: process one ${perSocket[0] + perSocket[1]}, process two ${perSocket[2]}); ` +
        `refused ${refused.length} (${[...codes].join(', ')}); stored ${stored}; delivered to a listener ${heard}`,
    );
    expect(Math.abs(deviation)).toBeLessThanOrEqual(0.05);
    expect([...codes]).toEqual(['rate_limited']);
    expect(stored).toBe(accepted.length);
    expect(heard).toBe(accepted.length);
    // Both processes took part (the limit is shared, not per process).
    expect(perSocket[0] + perSocket[1]).toBeGreaterThan(0);
    expect(perSocket[2]).toBeGreaterThan(0);
  }, 60_000);
});
