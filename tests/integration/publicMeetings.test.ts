import { describe, expect, it } from 'vitest';
import { api, connect, ok, request, type TestSocket } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const call = (method: string, path: string, token: string | undefined, body?: unknown, base = env.server.url) => api(base, method, path, { token, body });
const soon = () => new Date(Date.now() + 86_400_000).toISOString();
const publicMeeting = async (capacity: number, extra: Record<string, unknown> = {}) =>
  (await call('POST', '/api/meetings', env.d.orgA.token, { hostOrgId: env.d.branchA.id, title: '拆迁圆桌会', startsAt: soon(), capacity, openTo: 'public', onlineUrl: 'https://meet.example/secret', ...extra })).body.meeting;

describe('meetings open to the public', () => {
  it('a public page without member data; registration without an account; see and cancel by code; a cancelled seat promotes the waitlist', async () => {
    const { orgA, alice, amy } = env.d;
    const members = (await call('POST', '/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: 'members only', startsAt: soon(), capacity: 5, openTo: 'all' })).body.meeting;
    expect((await call('GET', `/api/public/meetings/${members.id}`, undefined)).status).toBe(404);
    expect((await call('POST', `/api/public/meetings/${members.id}/registrations`, undefined, { name: 'x', contact: '13800000000' })).status).toBe(404);

    const m = await publicMeeting(2);
    // A member signs up first; the public page shows counts, never who.
    await ok(await env.as(alice), 'meeting:signup', { meetingId: m.id });
    const page = await call('GET', `/api/public/meetings/${m.id}`, undefined);
    expect(page.status).toBe(200);
    expect(page.body.meeting).toMatchObject({ id: m.id, openTo: 'public', confirmed: 1, capacity: 2, onlineUrl: null });
    const text = JSON.stringify(page.body);
    for (const secret of ['Alice', alice.user.email, 'meet.example']) expect(text).not.toContain(secret);

    for (const body of [{ name: '', contact: '138' }, { name: 'x' }, { name: 'x'.repeat(101), contact: '13800000000' }, { name: '王', contact: '1' }]) {
      expect([400, 413]).toContain((await call('POST', `/api/public/meetings/${m.id}/registrations`, undefined, body)).status);
    }
    const seat = await call('POST', `/api/public/meetings/${m.id}/registrations`, undefined, { name: '居民张大爷', contact: '13800000001' });
    expect(seat.status).toBe(201);
    expect(seat.body).toMatchObject({ status: 'confirmed', position: null, code: expect.stringMatching(/^[A-Z0-9]{16}$/) });
    const waiting = (await call('POST', `/api/public/meetings/${m.id}/registrations`, undefined, { name: '居民李阿姨', contact: 'li@example.org' })).body;
    expect(waiting).toMatchObject({ status: 'waitlisted', position: 1 });
    // A member after them waits behind them (one waitlist).
    expect(await ok(await env.as(amy), 'meeting:signup', { meetingId: m.id })).toEqual({ status: 'waitlisted', position: 2 });

    const seen = (await call('GET', `/api/public/registrations/${seat.body.code}`, undefined)).body;
    expect(seen).toMatchObject({ status: 'confirmed', position: null, meeting: { id: m.id, onlineUrl: 'https://meet.example/secret' } });
    expect((await call('GET', `/api/public/registrations/${waiting.code}`, undefined)).body).toMatchObject({ status: 'waitlisted', position: 1, meeting: { onlineUrl: null } });
    expect((await call('GET', '/api/public/registrations/AAAAAAAAAAAAAAAA', undefined)).status).toBe(404);
    expect((await call('GET', '/api/public/registrations/short', undefined)).status).toBe(400);

    // Cancelling the seat promotes the head of the waitlist (the public registrant).
    expect((await call('DELETE', `/api/public/registrations/${seat.body.code}`, undefined)).status).toBe(204);
    expect((await call('DELETE', `/api/public/registrations/${seat.body.code}`, undefined)).status).toBe(204);
    expect((await call('GET', `/api/public/registrations/${waiting.code}`, undefined)).body).toMatchObject({ status: 'confirmed' });
    const counts = (await call('GET', `/api/meetings/${m.id}`, alice.token)).body.meeting;
    expect(counts).toMatchObject({ confirmed: 2, waitlisted: 1 });

    // The host's organizers see the registrants' contacts; members do not; check-in by the registration code.
    const list = (await call('GET', `/api/meetings/${m.id}/signups`, orgA.token)).body.signups;
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ guest: { name: '居民李阿姨', contact: 'li@example.org' }, status: 'confirmed' })]));
    expect((await call('GET', `/api/meetings/${m.id}/signups`, alice.token)).status).toBe(403);
    const orgSocket = await env.as(orgA);
    expect(await ok(orgSocket, 'meeting:attend', { meetingId: m.id, code: waiting.code })).toEqual({ status: 'attended', userId: null });
    expect((await request(orgSocket, 'meeting:attend', { meetingId: members.id, code: waiting.code })).ok).toBe(false);
    // Contacts are never searchable.
    expect((await call('GET', `/api/search?q=${encodeURIComponent('李阿姨')}`, env.d.admin.token)).body.results).toEqual([]);
    // Statistics count them.
    expect((await call('GET', `/api/stats?orgId=${env.d.branchA.id}`, orgA.token)).body.meetings.publicRegistrations).toBeGreaterThanOrEqual(1);
  });

  it('a mixed storm of public registrations and member sign-ups on two processes never oversells', async () => {
    const { admin } = env.d;
    const second = await startTestServer(env.store);
    const sockets: TestSocket[] = [];
    try {
      for (let round = 0; round < 2; round++) {
        const capacity = 25;
        const m = await publicMeeting(capacity);
        const members = await createMembersFast(env.server.db, env.d.branchA.id, 40, `pub${round}${Date.now()}`);
        for (const [i, p] of members.entries()) sockets.push(await connect(i % 2 ? second.url : env.server.url, { token: p.token }));
        const results = await Promise.all([
          ...sockets.slice(-members.length).map((s) => request(s, 'meeting:signup', { meetingId: m.id }, 20_000).then((r) => (r.ok ? r.data.status : 'error'))),
          ...Array.from({ length: 40 }, (_, i) => call('POST', `/api/public/meetings/${m.id}/registrations`, undefined, { name: `访客${i}`, contact: `1390000${String(i).padStart(4, '0')}` }, i % 2 ? second.url : env.server.url).then((r) => (r.status === 201 ? r.body.status : `http${r.status}`))),
        ]);
        expect(results.filter((r) => r === 'confirmed')).toHaveLength(capacity);
        expect(results.filter((r) => r === 'waitlisted')).toHaveLength(80 - capacity);
        const rows = await env.server.db.knex('meeting_signups').where({ meeting_id: m.id }).select('status');
        expect(rows.filter((r: { status: string }) => r.status === 'confirmed')).toHaveLength(capacity);
        expect((await call('GET', `/api/meetings/${m.id}`, admin.token)).body.meeting).toMatchObject({ confirmed: capacity, waitlisted: 80 - capacity });
      }
    } finally {
      sockets.forEach((s) => s.close());
      await second.close();
    }
  }, 120_000);

  it('registrations, looks and cancellations are limited per address', async () => {
    const limited = await startTestServer(env.store, { env: { PUBLIC_RATE_LIMIT: '3/1m' } });
    try {
      const m = await publicMeeting(10);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call('POST', `/api/public/meetings/${m.id}/registrations`, undefined, { name: `v${i}`, contact: '13800000000' }, limited.url)).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      // Reading the public page is not limited.
      expect((await call('GET', `/api/public/meetings/${m.id}`, undefined, undefined, limited.url)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
