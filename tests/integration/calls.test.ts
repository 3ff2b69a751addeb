import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, collect, connect, next, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const fast = { CALL_RING_TIMEOUT_MS: '1500', CALL_GONE_TIMEOUT_MS: '1200' };

/** Alice calls Amy (same branch) and Amy answers on `answerOn`. */
async function activeCall(caller: TestSocket, callee: TestSocket, calleeId: number) {
  const ringing = next(callee, 'call:incoming');
  const { callId } = await ok(caller, 'call:invite', { userId: calleeId });
  await ringing;
  const accepted = next(caller, 'call:accepted');
  await ok(callee, 'call:accept', { callId });
  await accepted;
  return callId;
}

describe('the life of a call', () => {
  it('rings every tab, answers on one, relays signals between the call sockets only, and logs the hang-up', async () => {
    const alice = await env.as(env.d.alice);
    const [amyTab1, amyTab2] = [await env.as(env.d.amy), await env.as(env.d.amy)];
    const rings = [next(amyTab1, 'call:incoming'), next(amyTab2, 'call:incoming')];
    const { callId } = await ok(alice, 'call:invite', { userId: env.d.amy.user.id });
    for (const ring of rings) expect(await ring).toEqual({ callId, from: { id: env.d.alice.user.id, name: 'Alice' } });

    const accepted = next(alice, 'call:accepted');
    const elsewhere = next(amyTab2, 'call:ended');
    expect(await ok(amyTab1, 'call:accept', { callId })).toEqual({});
    expect(await accepted).toEqual({ callId });
    expect(await elsewhere).toEqual({ callId, reason: 'answered_elsewhere' });
    expect(await request(amyTab2, 'call:accept', { callId })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    const atAmy = next(amyTab1, 'call:signal');
    await ok(alice, 'call:signal', { callId, signal: offer });
    expect(await atAmy).toEqual({ callId, signal: offer });
    const candidate = { candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    const atAlice = next(alice, 'call:signal');
    await ok(amyTab1, 'call:signal', { callId, signal: candidate });
    expect(await atAlice).toEqual({ callId, signal: candidate });
    // Amy's other tab is not in the call.
    const heardByTab2 = collect(amyTab2, 'call:signal');
    expect(await request(amyTab2, 'call:signal', { callId, signal: offer })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await sleep(1100);
    const ended = next(amyTab1, 'call:ended');
    expect(await ok(alice, 'call:hangup', { callId })).toEqual({});
    expect(await ended).toEqual({ callId, reason: 'hangup' });
    expect(heardByTab2).toHaveLength(0);
    expect(await request(alice, 'call:signal', { callId, signal: offer })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const log = await api(env.server.url, 'GET', '/api/calls', { token: env.d.amy.token });
    const entry = log.body.calls.find((c: { id: string }) => c.id === callId);
    expect(entry).toMatchObject({ caller: { id: env.d.alice.user.id, name: 'Alice' }, callee: { id: env.d.amy.user.id }, status: 'ended', endReason: 'hangup' });
    expect(entry.durationS).toBeGreaterThanOrEqual(1);
    // The organizer of the branch sees it too; the other branch's organizer does not.
    expect((await api(env.server.url, 'GET', '/api/calls', { token: env.d.orgA.token })).body.calls.map((c: { id: string }) => c.id)).toContain(callId);
    expect((await api(env.server.url, 'GET', '/api/calls', { token: env.d.orgB.token })).body.calls.map((c: { id: string }) => c.id)).not.toContain(callId);
    // Amy closes both tabs (a later test needs her to have no socket left anywhere).
    amyTab1.close();
    amyTab2.close();
  });

  it('ends with declined, and with missed after the ring timeout (leaving a missed-call notification)', async () => {
    const server = await startTestServer(env.store, { env: fast });
    try {
      const alice = await env.as(env.d.alice, server);
      const amy = await env.as(env.d.amy, server);
      const declined = next(alice, 'call:ended');
      const declinedAmy = next(amy, 'call:ended');
      const { callId } = await ok(alice, 'call:invite', { userId: env.d.amy.user.id });
      await ok(amy, 'call:decline', { callId });
      expect(await declined).toEqual({ callId, reason: 'declined' });
      // Her own answer's ack may come before the event that ends the call on her tabs: wait for both.
      expect(await declinedAmy).toEqual({ callId, reason: 'declined' });

      const missedNote = next(amy, 'notification', (n) => n.kind === 'missed_call');
      const missedAlice = next(alice, 'call:ended');
      const missedAmy = next(amy, 'call:ended');
      const second = await ok(alice, 'call:invite', { userId: env.d.amy.user.id });
      expect(await missedAlice).toEqual({ callId: second.callId, reason: 'missed' });
      expect(await missedAmy).toEqual({ callId: second.callId, reason: 'missed' });
      expect((await missedNote).data).toMatchObject({ callId: second.callId, from: { id: env.d.alice.user.id } });
    } finally {
      await server.close();
    }
  });

  it('survives a short drop (rejoin on a new socket), and ends as disconnected when a party stays gone', async () => {
    const server = await startTestServer(env.store, { env: fast });
    try {
      const alice = await env.as(env.d.alice, server);
      let amy = await connect(server.url, { token: env.d.amy.token });
      let callId = await activeCall(alice, amy, env.d.amy.user.id);
      const reconnecting = next(alice, 'call:peer');
      amy.close();
      expect(await reconnecting).toEqual({ callId, state: 'reconnecting' });
      amy = await env.as(env.d.amy, server);
      const reconnected = next(alice, 'call:peer');
      expect(await ok(amy, 'call:rejoin', { callId })).toEqual({ status: 'active', role: 'callee' });
      expect(await reconnected).toEqual({ callId, state: 'reconnected' });
      const relayed = next(amy, 'call:signal');
      await ok(alice, 'call:signal', { callId, signal: { renegotiate: true } });
      expect((await relayed).signal).toEqual({ renegotiate: true });
      await sleep(1500); // past the gone timeout: still up, Amy came back
      expect((await request(alice, 'call:signal', { callId, signal: { still: 'here' } })).ok).toBe(true);

      // Now Amy leaves for good.
      const ended = next(alice, 'call:ended', undefined, 5000);
      amy.close();
      expect(await ended).toEqual({ callId, reason: 'disconnected' });
      const row = await server.db.knex('calls').where({ id: callId }).first();
      expect(row).toMatchObject({ status: 'ended', end_reason: 'disconnected' });
      callId = '';
    } finally {
      await server.close();
    }
  });
});

describe('who may call whom', () => {
  it('allows branch mates, organizers over the member, and the admin; refuses everyone else', async () => {
    const [alice, bob, orgA, orgB, genOrg, admin] = await Promise.all([env.d.alice, env.d.bob, env.d.orgA, env.d.orgB, env.d.genOrg, env.d.admin].map((p) => env.as(p)));
    const tryCall = async (from: TestSocket, userId: number) => {
      const ack = await request(from, 'call:invite', { userId });
      if (ack.ok) await ok(from, 'call:hangup', { callId: ack.data.callId });
      return ack.ok ? 'ok' : ack.error.code;
    };
    expect(await tryCall(alice, env.d.amy.user.id)).toBe('ok');
    expect(await tryCall(orgA, env.d.alice.user.id)).toBe('ok');
    expect(await tryCall(alice, env.d.orgA.user.id)).toBe('ok');
    expect(await tryCall(genOrg, env.d.bob.user.id)).toBe('ok');
    expect(await tryCall(bob, env.d.genOrg.user.id)).toBe('ok');
    expect(await tryCall(admin, env.d.bob.user.id)).toBe('ok');
    expect(await tryCall(bob, env.d.alice.user.id)).toBe('forbidden');
    expect(await tryCall(orgB, env.d.alice.user.id)).toBe('forbidden');
    expect(await tryCall(alice, env.d.orgB.user.id)).toBe('forbidden');
    expect(await tryCall(alice, env.d.alice.user.id)).toBe('forbidden');
    expect(await tryCall(alice, 999_999)).toBe('not_found');
    for (const payload of [{}, { userId: 'x' }, { userId: 1, guestInviteId: 2 }, null]) {
      expect(await request(alice, 'call:invite', payload as any)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
  });

  it('relays nothing for a third party, the caller\'s other socket, a call not yet answered, or an oversized signal', async () => {
    const alice = await env.as(env.d.alice);
    const aliceOther = await env.as(env.d.alice);
    const amy = await env.as(env.d.amy);
    const orgA = await env.as(env.d.orgA);
    const heard = [collect(alice, 'call:signal'), collect(amy, 'call:signal'), collect(aliceOther, 'call:signal')];
    const ringing = next(amy, 'call:incoming');
    const { callId } = await ok(alice, 'call:invite', { userId: env.d.amy.user.id });
    await ringing;
    expect(await request(alice, 'call:signal', { callId, signal: { early: true } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await request(alice, 'call:accept', { callId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(orgA, 'call:accept', { callId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await ok(amy, 'call:accept', { callId });
    expect(await request(orgA, 'call:signal', { callId, signal: { sneaky: true } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(orgA, 'call:hangup', { callId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(aliceOther, 'call:signal', { callId, signal: { other: 'tab' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(alice, 'call:signal', { callId, signal: { sdp: 'x'.repeat(17 * 1024) } })).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(await request(alice, 'call:signal', { callId: 'no-such-call', signal: {} })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(alice, 'call:signal', { callId, signal: 42 } as any)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    // Another member's guest cannot reach into this call either.
    const link = await api(env.server.url, 'POST', '/api/guest-invites', { token: env.d.orgA.token, body: { label: 'uncle' } });
    const strangerGuest = await connect(env.server.url, { guestToken: link.body.token });
    env.track(strangerGuest);
    expect(await request(strangerGuest, 'call:signal', { callId, signal: { from: 'guest' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(strangerGuest, 'call:hangup', { callId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(strangerGuest, 'call:accept', { callId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await sleep(200);
    expect(heard.map((list) => list.length)).toEqual([0, 0, 0]);
    await ok(alice, 'call:hangup', { callId });
  });
});

describe('guest links', () => {
  it('lets a family member call the inviting member, and only that', async () => {
    const created = await api(env.server.url, 'POST', '/api/guest-invites', { token: env.d.alice.token, body: { label: '妈妈 Mum', ttlMinutes: 60 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), token: expect.stringMatching(/^kg_/), url: expect.stringContaining(`/#/guest/${created.body.token}`) });
    const me = await api(env.server.url, 'GET', '/api/guest/me', { token: created.body.token });
    expect(me.body).toMatchObject({ guest: { label: '妈妈 Mum' }, member: { id: env.d.alice.user.id, name: 'Alice' } });
    expect((await api(env.server.url, 'GET', '/api/me', { token: created.body.token })).status).toBe(401);

    const guest = await connect(env.server.url, { guestToken: created.body.token });
    env.track(guest);
    await expect(connect(env.server.url, { guestToken: created.body.token })).rejects.toThrow('conflict');
    const alice = await env.as(env.d.alice);
    const ringing = next(alice, 'call:incoming');
    const { callId } = await ok(guest, 'call:invite', { userId: env.d.alice.user.id });
    expect(await ringing).toEqual({ callId, from: { id: null, name: '妈妈 Mum', guest: true } });
    expect(await request(guest, 'call:invite', { userId: env.d.amy.user.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    for (const [event, payload] of [['chat:send', { roomId: `org:${env.d.branchA.id}`, clientId: 'g', body: 'hi' }], ['room:join', { roomId: `org:${env.d.branchA.id}` }], ['meeting:signup', { meetingId: 1 }]] as const) {
      expect(await request(guest, event as any, payload as any)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const accepted = next(guest, 'call:accepted');
    await ok(alice, 'call:accept', { callId });
    await accepted;
    const atGuest = next(guest, 'call:signal');
    await ok(alice, 'call:signal', { callId, signal: { type: 'offer', sdp: 'x' } });
    await atGuest;
    await ok(guest, 'call:hangup', { callId });

    // The member can call the guest back through the link.
    const guestRings = next(guest, 'call:incoming');
    const back = await ok(alice, 'call:invite', { guestInviteId: created.body.id });
    expect((await guestRings).callId).toBe(back.callId);
    await ok(guest, 'call:accept', { callId: back.callId });

    // Revoking ends the guest's call and disconnects it at once; the link stops working.
    const ended = next(alice, 'call:ended');
    const gone = new Promise((r) => guest.once('disconnect', r));
    expect((await api(env.server.url, 'DELETE', `/api/guest-invites/${created.body.id}`, { token: env.d.amy.token })).status).toBe(403);
    expect((await api(env.server.url, 'DELETE', `/api/guest-invites/${created.body.id}`, { token: env.d.alice.token })).status).toBe(204);
    expect(await ended).toEqual({ callId: back.callId, reason: 'revoked' });
    await gone;
    await expect(connect(env.server.url, { guestToken: created.body.token })).rejects.toThrow('unauthorized');
    expect((await api(env.server.url, 'GET', '/api/guest/me', { token: created.body.token })).status).toBe(401);
  });

  it('frees the link when the guest leaves, and refuses expired links', async () => {
    const created = await api(env.server.url, 'POST', '/api/guest-invites', { token: env.d.amy.token, body: { label: 'son' } });
    const first = await connect(env.server.url, { guestToken: created.body.token });
    first.close();
    await waitFor(async () => {
      try {
        env.track(await connect(env.server.url, { guestToken: created.body.token }));
        return true;
      } catch {
        return false;
      }
    }, 3000, 'the link to be free again');
    await env.server.db.knex('guest_invites').where({ id: created.body.id }).update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    await expect(connect(env.server.url, { guestToken: created.body.token })).rejects.toThrow('unauthorized');
    expect((await api(env.server.url, 'GET', '/api/ice-servers', { token: created.body.token })).status).toBe(401);
    expect((await api(env.server.url, 'POST', '/api/guest-invites', { token: env.d.amy.token, body: { label: '' } })).status).toBe(400);
    expect((await api(env.server.url, 'POST', '/api/guest-invites', { token: env.d.amy.token, body: { label: 'x', ttlMinutes: 1 } })).status).toBe(400);
    const list = await api(env.server.url, 'GET', '/api/guest-invites', { token: env.d.amy.token });
    expect(list.body.invites[0]).toMatchObject({ id: created.body.id, label: 'son', revoked: false });
  });
});

describe('ICE servers', () => {
  it('hands out STUN and short-lived TURN REST credentials to users and guests only', async () => {
    const secret = 'turn-shared-secret';
    const server = await startTestServer(env.store, { env: { STUN_URLS: 'stun:stun.kite.example:3478', TURN_URLS: 'turn:turn.kite.example:3478?transport=udp,turns:turn.kite.example:5349', TURN_SECRET: secret } });
    try {
      expect((await api(server.url, 'GET', '/api/ice-servers')).status).toBe(401);
      const before = Math.floor(Date.now() / 1000);
      const res = await api(server.url, 'GET', '/api/ice-servers', { token: env.d.alice.token });
      expect(res.status).toBe(200);
      expect(res.body.ttl).toBe(3600);
      const [stun, turn] = res.body.iceServers;
      expect(stun).toEqual({ urls: ['stun:stun.kite.example:3478'] });
      expect(turn.urls).toEqual(['turn:turn.kite.example:3478?transport=udp', 'turns:turn.kite.example:5349']);
      const [expiry, who] = turn.username.split(':');
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + 3600);
      expect(Number(expiry)).toBeLessThanOrEqual(before + 3602);
      expect(who).toBe(`u${env.d.alice.user.id}`);
      expect(turn.credential).toBe(createHmac('sha1', secret).update(turn.username).digest('base64'));
      const invite = await api(server.url, 'POST', '/api/guest-invites', { token: env.d.alice.token, body: { label: 'dad' } });
      const asGuest = await api(server.url, 'GET', '/api/ice-servers', { token: invite.body.token });
      expect(asGuest.body.iceServers[1].username).toMatch(new RegExp(`:g${invite.body.id}$`));
      // Without TURN configured: STUN only (or nothing).
      expect((await api(env.server.url, 'GET', '/api/ice-servers', { token: env.d.alice.token })).body).toEqual({ iceServers: [], ttl: 3600 });
    } finally {
      await server.close();
    }
  });
});

describe('two servers', () => {
  it('connects a caller on one server with a callee on the other', async () => {
    const other = await startTestServer(env.store);
    try {
      const alice = await env.as(env.d.alice);
      const amy = await env.as(env.d.amy, other);
      const callId = await activeCall(alice, amy, env.d.amy.user.id);
      const there = next(amy, 'call:signal');
      await ok(alice, 'call:signal', { callId, signal: { type: 'offer', sdp: 'a' } });
      expect((await there).signal).toEqual({ type: 'offer', sdp: 'a' });
      const back = next(alice, 'call:signal');
      await ok(amy, 'call:signal', { callId, signal: { type: 'answer', sdp: 'b' } });
      expect((await back).signal).toEqual({ type: 'answer', sdp: 'b' });
      const ended = next(alice, 'call:ended');
      await ok(amy, 'call:hangup', { callId });
      expect(await ended).toEqual({ callId, reason: 'hangup' });
    } finally {
      await other.close();
    }
  });

  it('lists whom I may call, with who is online', async () => {
    const res = await api(env.server.url, 'GET', '/api/contacts', { token: env.d.amy.token });
    const byId = new Map(res.body.contacts.map((c: { id: number }) => [c.id, c]));
    expect(byId.get(env.d.orgA.user.id)).toMatchObject({ organizer: true });
    expect(byId.has(env.d.alice.user.id)).toBe(true);
    expect(byId.has(env.d.bob.user.id)).toBe(false);
    expect(byId.has(env.d.amy.user.id)).toBe(false);
    const alice = await env.as(env.d.alice);
    await waitFor(async () => {
      const again = await api(env.server.url, 'GET', '/api/contacts', { token: env.d.amy.token });
      return again.body.contacts.find((c: { id: number }) => c.id === env.d.alice.user.id)?.online === true;
    }, 3000, 'alice to show online');
    alice.close();
  });
});
