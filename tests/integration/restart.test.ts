import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ok, type TestSocket } from '../helpers/clients';
import { buildDistrict, type District } from '../helpers/district';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/server';

let store: TestStore;
let server: TestServer;
let d: District;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  store = createTestStore();
  server = await startTestServer(store);
  d = await buildDistrict(server.url, server.db);
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.close();
  await store?.destroy();
});

describe('disconnects and restarts', () => {
  it('fills the gap after a disconnect from the last seen seq', async () => {
    const room = `org:${d.branchA.id}`;
    const alice = await connect(server.url, { token: d.alice.token });
    const amy = await connect(server.url, { token: d.amy.token });
    sockets.push(alice, amy);
    await ok(alice, 'room:join', { roomId: room });
    await ok(amy, 'chat:send', { roomId: room, clientId: 'before', body: 'before' });
    const lastSeen = (await ok(alice, 'room:join', { roomId: room })).seq;
    alice.close();
    for (let i = 0; i < 3; i++) await ok(amy, 'chat:send', { roomId: room, clientId: `while-away-${i}`, body: `missed ${i}` });
    const back = await connect(server.url, { token: d.alice.token });
    sockets.push(back);
    const joined = await ok(back, 'room:join', { roomId: room, since: lastSeen });
    expect(joined.messages.map((m) => m.body)).toEqual(['missed 0', 'missed 1', 'missed 2']);
    expect(joined.seq).toBe(lastSeen + 3);
  });

  it('keeps seq, history and resend idempotency across a server restart', async () => {
    const room = `org:${d.branchB.id}`;
    const bob = await connect(server.url, { token: d.bob.token });
    const first = await ok(bob, 'chat:send', { roomId: room, clientId: 'pending-1', body: 'sent before restart' });
    bob.close();
    const port = server.port;
    await server.close();
    server = await startTestServer(store, { port });

    const again = await connect(server.url, { token: d.bob.token });
    sockets.push(again);
    // The client did not see its ack and resends: the stored message comes back, nothing new is stored.
    const resent = await ok(again, 'chat:send', { roomId: room, clientId: 'pending-1', body: 'sent before restart' });
    expect(resent.message).toEqual(first.message);
    const next = await ok(again, 'chat:send', { roomId: room, clientId: 'pending-2', body: 'after restart' });
    expect(next.message.seq).toBe(first.message.seq + 1);
    const joined = await ok(again, 'room:join', { roomId: room, since: first.message.seq - 1 });
    expect(joined.messages.map((m) => m.clientId)).toEqual(['pending-1', 'pending-2']);
  });
});
