import { describe, expect, it } from 'vitest';
import { collect, connect, next, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const as = (person: { token: string }) => env.as(person);

const room = (org: { id: number }) => `org:${org.id}`;
let clientSeq = 0;
const cid = () => `c${Date.now().toString(36)}${clientSeq++}`;

describe('chat happy paths', () => {
  it('joins a branch room with history, seq and who is online, and chats live', async () => {
    const alice = await as(env.d.alice);
    const amy = await as(env.d.amy);
    const joinedA = await ok(alice, 'room:join', { roomId: room(env.d.branchA) });
    expect(joinedA).toMatchObject({ roomId: room(env.d.branchA), seq: 0, messages: [] });
    expect(joinedA.online.map((u) => u.id)).toContain(env.d.alice.user.id);

    const presenceSeen = next(alice, 'presence', (p) => p.online.some((u) => u.id === env.d.amy.user.id));
    const joinedB = await ok(amy, 'room:join', { roomId: room(env.d.branchA) });
    expect(joinedB.online.map((u) => u.id).sort()).toEqual([env.d.alice.user.id, env.d.amy.user.id].sort());
    await presenceSeen;

    const arriving = next(amy, 'chat:message');
    const clientId = cid();
    const { message } = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId, body: '  你好 from London  ' });
    expect(message).toMatchObject({ roomId: room(env.d.branchA), seq: 1, body: '你好 from London', clientId, deleted: false, author: { id: env.d.alice.user.id, name: 'Alice' } });
    expect(new Date(message.createdAt).toISOString()).toBe(message.createdAt);
    expect(await arriving).toEqual(message);

    const second = await ok(amy, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'welcome back' });
    expect(second.message.seq).toBe(2);

    const rejoin = await ok(amy, 'room:join', { roomId: room(env.d.branchA) });
    expect(rejoin.seq).toBe(2);
    expect(rejoin.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('returns the stored message for a resend and broadcasts nothing', async () => {
    const alice = await as(env.d.alice);
    const amy = await as(env.d.amy);
    await ok(amy, 'room:join', { roomId: room(env.d.branchA) });
    const seen = collect(amy, 'chat:message');
    const clientId = cid();
    const first = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId, body: 'once' });
    const again = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId, body: 'once (resent)' });
    const [third, fourth] = await Promise.all([
      ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId, body: 'concurrent' }),
      ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId, body: 'concurrent' }),
    ]);
    expect(again.message).toEqual(first.message);
    expect(third.message).toEqual(first.message);
    expect(fourth.message).toEqual(first.message);
    await sleep(200);
    expect(seen.filter((m) => m.clientId === clientId)).toHaveLength(1);
    // Another author may use the same clientId: it is scoped per author.
    const other = await ok(amy, 'chat:send', { roomId: room(env.d.branchA), clientId, body: 'mine' });
    expect(other.message.id).not.toBe(first.message.id);
  });

  it('fills a gap with since, and pages history both ways', async () => {
    const orgA = await as(env.d.orgA);
    const start = (await ok(orgA, 'room:join', { roomId: room(env.d.branchA) })).seq;
    for (let i = 0; i < 7; i++) await ok(orgA, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: `m${i}` });
    const since = await ok(orgA, 'room:join', { roomId: room(env.d.branchA), since: start + 3 });
    expect(since.messages.map((m) => m.seq)).toEqual([start + 4, start + 5, start + 6, start + 7]);
    expect(since.more).toBeUndefined();
    const before = await ok(orgA, 'chat:history', { roomId: room(env.d.branchA), beforeSeq: start + 5, limit: 2 });
    expect(before.messages.map((m) => m.seq)).toEqual([start + 3, start + 4]);
    const after = await ok(orgA, 'chat:history', { roomId: room(env.d.branchA), afterSeq: start + 5 });
    expect(after.messages.map((m) => m.seq)).toEqual([start + 6, start + 7]);
  });

  it('caps catch-up at 500 messages and says there is more', async () => {
    const committeeRoom = room(env.d.committee);
    const admin = await as(env.d.admin);
    await Promise.all(Array.from({ length: 520 }, (_, i) => ok(admin, 'chat:send', { roomId: committeeRoom, clientId: `bulk${i}`, body: `bulk ${i}` })));
    const joined = await ok(admin, 'room:join', { roomId: committeeRoom, since: 0 });
    expect(joined.messages).toHaveLength(500);
    expect(joined.more).toBe(true);
    expect(joined.messages[0].seq).toBe(1);
    expect(joined.messages.map((m) => m.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const rest = await ok(admin, 'chat:history', { roomId: committeeRoom, afterSeq: 500, limit: 200 });
    expect(rest.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 501 + i));
  });

  it('relays typing to the room, not to the typist, and throttles repeats', async () => {
    const alice = await as(env.d.alice);
    const amy = await as(env.d.amy);
    await ok(alice, 'room:join', { roomId: room(env.d.branchA) });
    await ok(amy, 'room:join', { roomId: room(env.d.branchA) });
    const mine = collect(alice, 'chat:typing');
    const theirs = collect(amy, 'chat:typing');
    expect(await ok(alice, 'chat:typing', { roomId: room(env.d.branchA) })).toEqual({});
    expect(await ok(alice, 'chat:typing', { roomId: room(env.d.branchA) })).toEqual({});
    await waitFor(() => theirs.length === 1);
    await sleep(100);
    expect(theirs).toEqual([{ roomId: room(env.d.branchA), user: { id: env.d.alice.user.id, name: 'Alice' } }]);
    expect(mine).toHaveLength(0);
  });

  it('lets the author and the room organizer delete; history shows it deleted', async () => {
    const alice = await as(env.d.alice);
    const amy = await as(env.d.amy);
    const orgA = await as(env.d.orgA);
    await ok(amy, 'room:join', { roomId: room(env.d.branchA) });
    const { message } = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'oops' });
    const denied = await request(amy, 'chat:delete', { roomId: room(env.d.branchA), messageId: message.id });
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const deleted = next(amy, 'chat:deleted');
    expect(await ok(orgA, 'chat:delete', { roomId: room(env.d.branchA), messageId: message.id })).toEqual({});
    expect(await deleted).toEqual({ roomId: room(env.d.branchA), messageId: message.id });
    const history = await ok(amy, 'chat:history', { roomId: room(env.d.branchA), afterSeq: message.seq - 1, limit: 1 });
    expect(history.messages[0]).toMatchObject({ id: message.id, deleted: true, body: '' });

    const own = await ok(amy, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'mine to delete' });
    expect(await ok(amy, 'chat:delete', { roomId: room(env.d.branchA), messageId: own.message.id })).toEqual({});
  });

  it('updates presence when a socket leaves or disconnects, and counts several tabs once', async () => {
    const bob = await as(env.d.bob);
    const bobTab2 = await as(env.d.bob);
    const orgB = await as(env.d.orgB);
    await ok(orgB, 'room:join', { roomId: room(env.d.branchB) });
    await ok(bob, 'room:join', { roomId: room(env.d.branchB) });
    const both = await ok(bobTab2, 'room:join', { roomId: room(env.d.branchB) });
    expect(both.online.filter((u) => u.id === env.d.bob.user.id)).toHaveLength(1);
    await ok(bob, 'room:leave', { roomId: room(env.d.branchB) });
    await sleep(300);
    expect((await ok(orgB, 'room:join', { roomId: room(env.d.branchB) })).online.map((u) => u.id)).toContain(env.d.bob.user.id);
    const gone = next(orgB, 'presence', (p) => !p.online.some((u) => u.id === env.d.bob.user.id));
    bobTab2.close();
    await gone;
  });
});

describe('access between branches', () => {
  it('keeps branch B out of branch A: no join, send, history, typing, delete or presence', async () => {
    const bob = await as(env.d.bob);
    const alice = await as(env.d.alice);
    await ok(alice, 'room:join', { roomId: room(env.d.branchA) });
    const { message } = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'private to A' });
    const heard = collect(bob, 'chat:message');
    const presences = collect(bob, 'presence');
    for (const [event, payload] of [
      ['room:join', { roomId: room(env.d.branchA) }],
      ['chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'let me in' }],
      ['chat:history', { roomId: room(env.d.branchA) }],
      ['chat:typing', { roomId: room(env.d.branchA) }],
      ['chat:delete', { roomId: room(env.d.branchA), messageId: message.id }],
    ] as const) {
      expect(await request(bob, event as any, payload as any)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // An organizer of B is no organizer of A either.
    const orgB = await as(env.d.orgB);
    expect(await request(orgB, 'room:join', { roomId: room(env.d.branchA) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'still private' });
    await sleep(300);
    expect(heard).toHaveLength(0);
    expect(presences.filter((p) => p.roomId === room(env.d.branchA))).toHaveLength(0);
  });

  it('opens committee and general-branch rooms to everyone below them, and not the other way', async () => {
    const bob = await as(env.d.bob);
    const alice = await as(env.d.alice);
    const genOrg = await as(env.d.genOrg);
    for (const s of [bob, alice]) {
      await ok(s, 'room:join', { roomId: room(env.d.general) });
      await ok(s, 'room:join', { roomId: room(env.d.committee) });
    }
    const heard = next(bob, 'chat:message', (m) => m.roomId === room(env.d.general));
    await ok(alice, 'chat:send', { roomId: room(env.d.general), clientId: cid(), body: 'hello all branches' });
    expect((await heard).body).toBe('hello all branches');
    // The general branch's organizer may use both branch rooms below it and moderate them.
    await ok(genOrg, 'room:join', { roomId: room(env.d.branchA) });
    await ok(genOrg, 'room:join', { roomId: room(env.d.branchB) });
    const { message } = await ok(bob, 'chat:send', { roomId: room(env.d.branchB), clientId: cid(), body: 'hi' });
    await ok(genOrg, 'chat:delete', { roomId: room(env.d.branchB), messageId: message.id });
    // ...but not the committee room's moderation.
    const top = await ok(alice, 'chat:send', { roomId: room(env.d.committee), clientId: cid(), body: 'top' });
    expect(await request(genOrg, 'chat:delete', { roomId: room(env.d.committee), messageId: top.message.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('bad input', () => {
  it('answers every malformed command with invalid, not_found or too_large and keeps serving', async () => {
    const alice = await as(env.d.alice);
    const cases: Array<[string, unknown, string]> = [
      ['room:join', { roomId: 'branch:1' }, 'invalid'],
      ['room:join', { roomId: 42 }, 'invalid'],
      ['room:join', {}, 'invalid'],
      ['room:join', null, 'invalid'],
      ['room:join', 'org:1', 'invalid'],
      ['room:join', [room(env.d.branchA)], 'invalid'],
      ['room:join', { roomId: room(env.d.branchA), since: -1 }, 'invalid'],
      ['room:join', { roomId: room(env.d.branchA), since: '3' }, 'invalid'],
      ['room:join', { roomId: 'org:999999' }, 'not_found'],
      ['room:join', { roomId: 'meeting:12' }, 'not_found'],
      ['room:join', { roomId: 'org:0' }, 'invalid'],
      ['room:join', { roomId: 'x'.repeat(5000) }, 'too_large'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'has space', body: 'x' }, 'invalid'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'a'.repeat(65), body: 'x' }, 'invalid'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: '', body: 'x' }, 'invalid'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'ok1', body: '   ' }, 'invalid'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'ok2', body: 12 }, 'invalid'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'ok3' }, 'invalid'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'ok4', body: 'x'.repeat(4001) }, 'too_large'],
      ['chat:send', { roomId: room(env.d.branchA), clientId: 'ok5', body: 'x'.repeat(50_000) }, 'too_large'],
      ['chat:send', { roomId: 'org:999999', clientId: 'ok6', body: 'x' }, 'not_found'],
      ['chat:history', { roomId: room(env.d.branchA), limit: 201 }, 'invalid'],
      ['chat:history', { roomId: room(env.d.branchA), limit: 0 }, 'invalid'],
      ['chat:history', { roomId: room(env.d.branchA), beforeSeq: 1.5 }, 'invalid'],
      ['chat:delete', { roomId: room(env.d.branchA), messageId: 99_999_999 }, 'not_found'],
      ['chat:delete', { roomId: room(env.d.branchA), messageId: 'one' }, 'invalid'],
      ['chat:typing', { roomId: room(env.d.branchB) }, 'forbidden'],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await request(alice, event as any, payload as any);
      expect(ack, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({ ok: false, error: { code } });
      expect(typeof (ack as any).error.message).toBe('string');
    }
    // A 4,000-character body is fine.
    const long = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'y'.repeat(4000) });
    expect(long.message.body).toHaveLength(4000);
  });

  it('survives commands without an ack, unknown events, oversized frames and garbage packets', async () => {
    const alice = await as(env.d.alice);
    alice.emit('chat:send' as any, { roomId: room(env.d.branchA), clientId: 'noack', body: 'no ack' });
    alice.emit('no:such:event' as any, { x: 1 }, () => {});
    (alice as any).emit('room:join');
    await sleep(100);
    expect(alice.connected).toBe(true);

    // A frame past the transport limit closes that one connection.
    const big = await as(env.d.alice);
    const closed = new Promise((r) => big.once('disconnect', r));
    big.emit('chat:send', { roomId: room(env.d.branchA), clientId: 'huge', body: 'z'.repeat(300_000) }, () => {});
    await closed;

    // Raw garbage over the websocket: the parser rejects it and drops that connection only.
    const raw = await as(env.d.alice);
    const dropped = new Promise((r) => raw.once('disconnect', r));
    (raw.io.engine as any).write('42["chat:send",{"roomId":');
    (raw.io.engine as any).write('9zzz');
    await dropped;

    // Everyone else is unaffected.
    const result = await ok(alice, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'still here' });
    expect(result.message.body).toBe('still here');
  });

  it('refuses a handshake without a valid token', async () => {
    await expect(connect(env.server.url, {})).rejects.toThrow('unauthorized');
    await expect(connect(env.server.url, { token: 'ks_nope' })).rejects.toThrow('unauthorized');
    await expect(connect(env.server.url, { token: 'x'.repeat(10_000) })).rejects.toThrow('unauthorized');
  });
});

describe('rate limit', () => {
  it('answers rate_limited past CHAT_RATE_LIMIT, across the user\'s sockets', async () => {
    const limited = await startTestServer(env.store, { env: { CHAT_RATE_LIMIT: '3/10s' } });
    try {
      const a = await env.as(env.d.amy, limited);
      const b = await env.as(env.d.amy, limited);
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await request(i % 2 ? a : b, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: `r${i}` }));
      expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
      // Others are not affected.
      const alice = await env.as(env.d.alice, limited);
      expect((await request(alice, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'fine' })).ok).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
