import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { RealtimeSessions } from '../../server/realtime/sessions';
import type { AppSocket } from '../../server/realtime/types';

/**
 * A socket whose handshake or room join was under way when someone's rights changed is not in the rooms a
 * re-check looks at yet; it must notice and re-check itself. (The races themselves are in
 * tests/integration/holes.test.ts; here the mechanism, without timing.)
 */
function setup(live: { token: boolean; guest: boolean }) {
  const checks = {
    reauthenticate: async () => (live.token ? { actor: { id: 7, name: 'Amy', role: 'member' as const, branchId: 3, tokenId: 70 }, user: {} as never, expiresAt: '2099-01-01T00:00:00.000Z' } : null),
    authorizeRoom: async () => {},
    mayWatch: async () => true,
    mayStayIn: async () => true,
    guestLive: async () => live.guest,
  };
  const sessions = new RealtimeSessions(checks, { now: () => Date.now() }, createLogger('silent'));
  const socket = (data: Partial<AppSocket['data']>) => {
    const s = { disconnected: false, id: 's1', data: { joined: new Set(), watching: new Set(), rightsVersion: 0, ...data }, disconnect: () => ((s.disconnected = true), s) };
    return s as unknown as AppSocket & { disconnected: boolean };
  };
  return { sessions, socket };
}

describe('sessions: rights that changed while a socket was on its way in', () => {
  it('a socket admitted after its token was revoked during its handshake re-checks and goes', async () => {
    const { sessions, socket } = setup({ token: false, guest: true });
    const handshakeAt = Date.now();
    sessions.disconnectToken(70); // heard of while the handshake ran
    const s = socket({ actor: { id: 7, name: 'Amy', role: 'member', branchId: 3, tokenId: 70 }, party: { kind: 'user', id: 7, name: 'Amy' }, handshakeAt });
    await sessions.admit(s);
    expect(s.disconnected).toBe(true);
  });

  it('a socket whose handshake began after the change is left alone (no re-check, no cost)', async () => {
    const { sessions, socket } = setup({ token: false, guest: true });
    sessions.disconnectToken(70);
    await new Promise((r) => setTimeout(r, 2));
    const s = socket({ actor: { id: 7, name: 'Amy', role: 'member', branchId: 3, tokenId: 71 }, party: { kind: 'user', id: 7, name: 'Amy' }, handshakeAt: Date.now() });
    await sessions.admit(s);
    expect(s.disconnected).toBe(false);
  });

  it('a user re-checked during the handshake, and a guest link revoked during it, are caught too', async () => {
    const { sessions, socket } = setup({ token: false, guest: false });
    const handshakeAt = Date.now();
    await sessions.sync(7);
    sessions.disconnectGuest(5);
    const user = socket({ actor: { id: 7, name: 'Amy', role: 'member', branchId: 3, tokenId: 99 }, party: { kind: 'user', id: 7, name: 'Amy' }, handshakeAt });
    const guest = socket({ party: { kind: 'guest', inviteId: 5, memberId: 7, name: 'Mum' }, handshakeAt });
    await Promise.all([sessions.admit(user), sessions.admit(guest)]);
    expect([user.disconnected, guest.disconnected]).toEqual([true, true]);
  });

  it('a room join that began before its room was re-checked (a cancelled meeting) knows to look again', async () => {
    const { sessions } = setup({ token: true, guest: true });
    const joinStarted = Date.now();
    await sessions.syncRoom('meeting:9');
    expect(sessions.roomChangedSince('meeting:9', 7, joinStarted)).toBe(true);
    expect(sessions.roomChangedSince('meeting:8', 7, joinStarted)).toBe(false);
    await new Promise((r) => setTimeout(r, 2));
    expect(sessions.roomChangedSince('meeting:9', 7, Date.now())).toBe(false);
  });
});
