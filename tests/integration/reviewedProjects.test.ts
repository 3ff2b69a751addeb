import { describe, expect, it } from 'vitest';
import { api, ok, request } from '../helpers/clients';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

/** The error code of a refused ack (undefined if it was accepted). */
const codeOf = (ack: unknown) => (ack as { error?: { code: string } }).error?.code;

/** Review of issue 12 (server side): calls for projects, the library, public meetings, statistics. */
const env = useDistrictServer();
const call = (method: string, path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>, base = env.server.url) =>
  api(base, method, path, { token, body, ...(headers ? { headers } : {}) });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const bidBody = (title: string) => ({ title, summary: `${title}：简要说明`, plan: '第一步调研，第二步座谈。', format: '座谈会' });
const project = async (token: string, title: string) =>
  (await call('POST', '/api/projects', token, { title, summary: '简介', plan: '计划', format: '座谈会', topics: ['民生'] })).body.project;
const publicMeeting = async (capacity: number, extra: Record<string, unknown> = {}) =>
  (await call('POST', '/api/meetings', env.d.orgA.token, { hostOrgId: env.d.branchA.id, title: '公开会', startsAt: inDays(1), capacity, openTo: 'public', ...extra })).body.meeting;
const register = (meetingId: number, i: number, base?: string) =>
  call('POST', `/api/public/meetings/${meetingId}/registrations`, undefined, { name: `访客${i}`, contact: `1370000${String(i).padStart(4, '0')}` }, undefined, base);

describe('reviewed: the project library', () => {
  it("a project's page does not show another unit's host-only meetings to members outside that unit", async () => {
    const { orgA, bob, alice } = env.d;
    const p = await project(orgA.token, '内部组织生活');
    const adopted = await call('POST', `/api/projects/${p.id}/adopt`, orgA.token, {
      hostOrgId: env.d.branchA.id, startsAt: inDays(3), capacity: 10, openTo: 'host', location: '支部A秘密会议室',
    });
    expect(adopted.status).toBe(201);
    const meetingId = adopted.body.meeting.id;
    // Bob (branch B) may not see the host-only meeting anywhere else…
    expect((await call('GET', `/api/meetings/${meetingId}`, bob.token)).status).toBe(403);
    // …so the project's page must not list it for him (it does for Alice, a member of branch A).
    const forAlice = (await call('GET', `/api/projects/${p.id}`, alice.token)).body.meetings.map((m: { id: number }) => m.id);
    expect(forAlice).toContain(meetingId);
    const forBob = await call('GET', `/api/projects/${p.id}`, bob.token);
    expect(forBob.status).toBe(200);
    expect(forBob.body.meetings.map((m: { id: number }) => m.id)).not.toContain(meetingId);
    expect(JSON.stringify(forBob.body)).not.toContain('支部A秘密会议室');
  });

  it('adoption only into units one manages; odd host ids answer 403/404, never 500', async () => {
    const { orgA, orgB, alice, admin } = env.d;
    const p = await project(orgA.token, '可收养项目');
    const body = (hostOrgId: number) => ({ hostOrgId, startsAt: inDays(2), capacity: 5, openTo: 'all' });
    expect((await call('POST', `/api/projects/${p.id}/adopt`, orgB.token, body(env.d.branchA.id))).status).toBe(403);
    expect((await call('POST', `/api/projects/${p.id}/adopt`, orgA.token, body(env.d.general.id))).status).toBe(403);
    expect((await call('POST', `/api/projects/${p.id}/adopt`, alice.token, body(env.d.branchA.id))).status).toBe(403);
    expect([403, 404]).toContain((await call('POST', `/api/projects/${p.id}/adopt`, orgA.token, body(987654))).status);
    expect([403, 404]).toContain((await call('POST', `/api/projects/${p.id}/adopt`, admin.token, body(987654))).status);
    expect((await call('POST', `/api/projects/${p.id}/adopt`, orgA.token, { ...body(env.d.branchA.id), startsAt: inDays(-1) })).status).toBe(400);
    expect((await call('POST', '/api/projects/987654/adopt', orgA.token, body(env.d.branchA.id))).status).toBe(404);
    // Nothing was counted by the refused attempts.
    expect((await call('GET', `/api/projects/${p.id}`, orgA.token)).body.project.adoptions).toBe(0);
    // Projects owned by a unit one does not run: refused.
    expect((await call('POST', '/api/projects', orgA.token, { ...bidBody('x'), ownerOrgId: env.d.branchB.id })).status).toBe(403);
    expect((await call('POST', '/api/projects', alice.token, bidBody('x'))).status).toBe(403);
  });
});

describe('reviewed: calls for projects', () => {
  it('awards by the wrong people, twice, or with another call’s bid are refused; support only while open, once', async () => {
    const { orgA, orgB, genOrg, alice, bob, amy } = env.d;
    const t1 = (await call('POST', '/api/tenders', orgA.token, { orgId: env.d.branchA.id, title: '征集一', description: 'd', closesAt: inDays(5) })).body.tender;
    const t2 = (await call('POST', '/api/tenders', orgB.token, { orgId: env.d.branchB.id, title: '征集二', description: 'd', closesAt: inDays(5) })).body.tender;
    const b1 = (await call('POST', `/api/tenders/${t1.id}/bids`, alice.token, bidBody('一号'))).body.bid;
    const b2 = (await call('POST', `/api/tenders/${t2.id}/bids`, bob.token, bidBody('二号'))).body.bid;
    expect((await call('POST', `/api/tenders/${t1.id}/award`, orgB.token, { bidId: b1.id })).status).toBe(403);
    expect((await call('POST', `/api/tenders/${t1.id}/award`, alice.token, { bidId: b1.id })).status).toBe(403);
    expect((await call('POST', `/api/tenders/${t1.id}/award`, orgA.token, { bidId: b2.id })).status).toBe(404);
    expect((await call('POST', `/api/tenders/${t1.id}/award`, orgA.token, { bidId: '1' })).status).toBe(400);

    const amyS = await env.as(amy);
    for (const payload of [null, {}, { bidId: '1' }, { bidId: -1 }, { bidId: 1e30 }, { bidId: b1.id, extra: 'x'.repeat(10_000) }, 'x', [b1.id]]) {
      const r = await request(amyS, 'bid:support', payload as never);
      expect(typeof r.ok).toBe('boolean');
    }
    expect(await ok(amyS, 'bid:support', { bidId: b1.id })).toEqual({ supporters: 1 });
    // Racing awards by two organizers over the unit: exactly one wins.
    const [r1, r2] = await Promise.all([
      call('POST', `/api/tenders/${t1.id}/award`, orgA.token, { bidId: b1.id }),
      call('POST', `/api/tenders/${t1.id}/award`, genOrg.token, { bidId: b1.id }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    // Support after the award, and bids after it: refused, and the count stays.
    expect(codeOf(await request(amyS, 'bid:unsupport', { bidId: b1.id }))).toBe('conflict');
    expect((await call('POST', `/api/tenders/${t1.id}/bids`, bob.token, bidBody('迟到'))).status).toBe(409);
    expect((await call('GET', `/api/tenders/${t1.id}`, amy.token)).body.bids[0]).toMatchObject({ id: b1.id, supporters: 1, supportedByMe: true });
    // An unknown bid: 404 in the ack, no crash.
    expect(codeOf(await request(amyS, 'bid:support', { bidId: 987654 }))).toBe('not_found');
  });
});

describe('reviewed: meetings open to the public', () => {
  it('check-ins racing public cancellations never leave more seats held than the capacity', async () => {
    const orgSocket = await env.as(env.d.orgA);
    for (let round = 0; round < 3; round++) {
      const capacity = 15;
      const m = await publicMeeting(capacity);
      const regs = [];
      for (let i = 0; i < capacity * 2; i++) regs.push((await register(m.id, round * 100 + i)).body);
      const seated = regs.filter((r) => r.status === 'confirmed');
      expect(seated).toHaveLength(capacity);
      // For each seat, the door checks the person in while they cancel from their phone.
      await Promise.all(
        seated.flatMap((r) => [
          request(orgSocket, 'meeting:attend', { meetingId: m.id, code: r.code }),
          call('DELETE', `/api/public/registrations/${r.code}`, undefined),
        ]),
      );
      const rows: Array<{ status: string }> = await env.server.db.knex('meeting_signups').where({ meeting_id: m.id }).select('status');
      const holding = rows.filter((r) => r.status === 'confirmed' || r.status === 'attended').length;
      const stored = await env.server.db.knex('meetings').where({ id: m.id }).first('confirmed', 'waitlisted');
      expect(holding).toBeLessThanOrEqual(capacity);
      expect(Number(stored.confirmed)).toBe(holding);
      expect(Number(stored.waitlisted)).toBe(rows.filter((r) => r.status === 'waitlisted').length);
    }
  }, 60_000);

  it('no registration for host-only, members-only, cancelled, closed or started meetings; codes do not check in elsewhere', async () => {
    const { orgA, orgB } = env.d;
    const hostOnly = (await call('POST', '/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: 'h', startsAt: inDays(1), capacity: 5, openTo: 'host' })).body.meeting;
    expect((await register(hostOnly.id, 1)).status).toBe(404);
    expect((await call('GET', `/api/public/meetings/${hostOnly.id}`, undefined)).status).toBe(404);
    const cancelled = await publicMeeting(5);
    const early = (await register(cancelled.id, 2)).body;
    await call('PATCH', `/api/meetings/${cancelled.id}`, orgA.token, { status: 'cancelled' });
    expect((await register(cancelled.id, 3)).status).toBe(409);
    // The cancelled meeting's registrant no longer gets a live seat to check in with.
    expect((await request(await env.as(orgA), 'meeting:attend', { meetingId: cancelled.id, code: early.code })).ok).toBe(false);
    const closed = await publicMeeting(5);
    await call('PATCH', `/api/meetings/${closed.id}`, orgA.token, { status: 'closed' });
    expect((await register(closed.id, 4)).status).toBe(409);
    expect((await register(987654, 5)).status).toBe(404);
    // Organizers of another unit cannot check a registrant in, nor read the contacts.
    const m = await publicMeeting(5);
    const reg = (await register(m.id, 6)).body;
    expect(codeOf(await request(await env.as(orgB), 'meeting:attend', { meetingId: m.id, code: reg.code }))).toBe('forbidden');
    expect((await call('GET', `/api/meetings/${m.id}/signups`, orgB.token)).status).toBe(403);
    // Its 6-character door code does not work on another meeting of the same host.
    const other = await publicMeeting(5);
    expect((await request(await env.as(orgA), 'meeting:attend', { meetingId: other.id, code: reg.checkInCode })).ok).toBe(false);
    expect((await request(await env.as(orgA), 'meeting:attend', { meetingId: other.id, code: reg.code })).ok).toBe(false);
    // Odd codes: 400, never 500.
    for (const code of ['%00%00%00%00%00%00%00%00', 'a'.repeat(41), '..%2F..%2Fadmin', 'AAAAAAAAAAAAAAAA%20']) {
      expect([400, 404]).toContain((await call('GET', `/api/public/registrations/${code}`, undefined)).status);
    }
  });

  it('the per-address limit follows the address the proxy saw, not one the client made up', async () => {
    const server = await startTestServer(env.store, { env: { PUBLIC_RATE_LIMIT: '3/10m' } });
    try {
      const m = await publicMeeting(50);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        // The client puts a fresh address first; the proxy (on loopback) appends the one it saw.
        statuses.push((await call('POST', `/api/public/meetings/${m.id}/registrations`, undefined, { name: `x${i}`, contact: `1360000000${i}` }, { 'X-Forwarded-For': `10.9.8.${i}, 203.0.113.77` }, server.url)).status);
      }
      expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
      expect(statuses.slice(3)).toEqual([429, 429, 429]);
    } finally {
      await server.close();
    }
  });

  it('a member and a public registrant never share a sign-up row; the database still refuses a member twice', async () => {
    const m = await publicMeeting(5);
    await ok(await env.as(env.d.alice), 'meeting:signup', { meetingId: m.id });
    const row = await env.server.db.knex('meeting_signups').where({ meeting_id: m.id, user_id: env.d.alice.user.id }).first();
    await expect(
      env.server.db.knex('meeting_signups').insert({ meeting_id: m.id, user_id: env.d.alice.user.id, status: 'waitlisted', waitlist_seq: 99, check_in_code: 'ZZZZZZ', created_at: row.created_at }),
    ).rejects.toThrow();
    await expect(env.server.db.knex('meeting_signups').insert({ meeting_id: m.id, user_id: 987654, status: 'waitlisted', waitlist_seq: 98, check_in_code: 'YYYYYY', created_at: row.created_at })).rejects.toThrow();
  });
});

describe('reviewed: statistics', () => {
  it('only organizers over the unit and the admin; odd queries are 400', async () => {
    const { orgA, orgB, alice, genOrg, admin } = env.d;
    expect((await call('GET', `/api/stats?orgId=${env.d.branchB.id}`, orgA.token)).status).toBe(403);
    expect((await call('GET', `/api/stats?orgId=${env.d.general.id}`, orgA.token)).status).toBe(403);
    expect((await call('GET', `/api/stats?orgId=${env.d.committee.id}`, genOrg.token)).status).toBe(403);
    expect((await call('GET', '/api/stats', alice.token)).status).toBe(403);
    expect((await call('GET', `/api/stats?orgId=${env.d.branchA.id}`, alice.token)).status).toBe(403);
    expect((await call('GET', '/api/stats', orgB.token)).status).toBe(200);
    const odd: Record<string, number> = {};
    for (const q of ['orgId=abc', 'orgId=', 'orgId=-1', 'orgId=1e400']) odd[q] = (await call('GET', `/api/stats?${q}`, admin.token)).status;
    expect(odd).toEqual({ 'orgId=abc': 400, 'orgId=': 400, 'orgId=-1': 400, 'orgId=1e400': 400 });
    // A bracketed key is not `orgId` (simple query parser): the district's figures, not a crash.
    expect([200, 400]).toContain((await call('GET', '/api/stats?orgId[a]=1', admin.token)).status);
    // orgB's own figures do not include branch A's members.
    const b = (await call('GET', '/api/stats', orgB.token)).body;
    expect(b.members.active).toBe(2);
  });
});
