import { describe, expect, it } from 'vitest';
import { connect, ok, request } from '../helpers/clients';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

describe('disconnects and restarts', () => {
  it('fills the gap after a disconnect from the last seen seq', async () => {
    const room = `org:${env.d.branchA.id}`;
    const alice = await connect(env.server.url, { token: env.d.alice.token });
    const amy = await connect(env.server.url, { token: env.d.amy.token });
    env.track(alice, amy);
    await ok(alice, 'room:join', { roomId: room });
    await ok(amy, 'chat:send', { roomId: room, clientId: 'before', body: 'before' });
    const lastSeen = (await ok(alice, 'room:join', { roomId: room })).seq;
    alice.close();
    for (let i = 0; i < 3; i++) await ok(amy, 'chat:send', { roomId: room, clientId: `while-away-${i}`, body: `missed ${i}` });
    const back = await connect(env.server.url, { token: env.d.alice.token });
    env.track(back);
    const joined = await ok(back, 'room:join', { roomId: room, since: lastSeen });
    expect(joined.messages.map((m) => m.body)).toEqual(['missed 0', 'missed 1', 'missed 2']);
    expect(joined.seq).toBe(lastSeen + 3);
  });

  it('keeps seq, history and resend idempotency across a server restart', async () => {
    const room = `org:${env.d.branchB.id}`;
    const bob = await connect(env.server.url, { token: env.d.bob.token });
    const first = await ok(bob, 'chat:send', { roomId: room, clientId: 'pending-1', body: 'sent before restart' });
    bob.close();
    const port = env.server.port;
    await env.server.close();
    env.server = await startTestServer(env.store, { port });

    const again = await connect(env.server.url, { token: env.d.bob.token });
    env.track(again);
    // The client did not see its ack and resends: the stored message comes back, nothing new is stored.
    const resent = await ok(again, 'chat:send', { roomId: room, clientId: 'pending-1', body: 'sent before restart' });
    expect(resent.message).toEqual(first.message);
    const next = await ok(again, 'chat:send', { roomId: room, clientId: 'pending-2', body: 'after restart' });
    expect(next.message.seq).toBe(first.message.seq + 1);
    const joined = await ok(again, 'room:join', { roomId: room, since: first.message.seq - 1 });
    expect(joined.messages.map((m) => m.clientId)).toEqual(['pending-1', 'pending-2']);
  });

  it('shuts down without losing an acknowledged message: every ok ack is stored', async () => {
    const room = `org:${env.d.branchA.id}`;
    const amy = await env.as(env.d.amy);
    await ok(amy, 'room:join', { roomId: room });
    const sends = Array.from({ length: 60 }, (_, i) => request(amy, 'chat:send', { roomId: room, clientId: `shutdown-${i}`, body: `s${i}` }, 8000).catch(() => null));
    await Promise.race(sends); // the server is answering: close it while the rest are under way
    const port = env.server.port;
    await env.server.close();
    const results = await Promise.all(sends);
    const acked = results.filter((a): a is Extract<typeof a, { ok: true }> => Boolean(a?.ok));
    env.server = await startTestServer(env.store, { port });
    const stored = await env.server.db.knex('messages').where('client_id', 'like', 'shutdown-%').select('id', 'client_id');
    const storedIds = new Set(stored.map((r: { id: number }) => r.id));
    for (const ack of acked) expect(storedIds.has(ack.data.message.id)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
  });
});
