import { describe, expect, it } from 'vitest';
import { api, collect, connect, next, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const call = (method: string, path: string, token: string, body?: unknown) => api(env.server.url, method, path, { token, body });
const post = (path: string, token: string, body?: unknown) => call('POST', path, token, body ?? {});
const get = (path: string, token: string) => call('GET', path, token);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const bidBody = (title: string) => ({ title, summary: `${title}：简要说明`, plan: '第一步调研，第二步座谈，第三步总结。', format: '座谈会' });

describe('calls for projects', () => {
  it('organizers open calls; members bid and back bids (idempotent) while open; the award enters the library and tells the author', async () => {
    const { orgA, orgB, alice, amy, bob } = env.d;
    for (const [token, body, status] of [
      [alice.token, { orgId: env.d.branchA.id, title: 't', description: 'd', closesAt: inDays(7) }, 403],
      [orgB.token, { orgId: env.d.branchA.id, title: 't', description: 'd', closesAt: inDays(7) }, 403],
      [orgA.token, { orgId: env.d.branchA.id, title: 't', description: 'd', closesAt: inDays(-1) }, 400],
      [orgA.token, { orgId: env.d.branchA.id, title: '', description: 'd', closesAt: inDays(7) }, 400],
    ] as const) expect((await post('/api/tenders', token, body)).status).toBe(status);
    const tender = (await post('/api/tenders', orgA.token, { orgId: env.d.branchA.id, title: '社区物价调查项目征集', description: '征集关于物价和生活的组织生活项目。', closesAt: inDays(7) })).body.tender;
    expect(tender).toMatchObject({ orgId: env.d.branchA.id, status: 'open', bids: 0, awardedBidId: null });

    // Any member of the district bids, branch B's too.
    const b1 = (await post(`/api/tenders/${tender.id}/bids`, alice.token, bidBody('菜市场物价走访'))).body.bid;
    const b2 = (await post(`/api/tenders/${tender.id}/bids`, bob.token, bidBody('在外务工人员生活成本座谈'))).body.bid;
    expect(b1).toMatchObject({ tenderId: tender.id, author: { id: alice.user.id }, supporters: 0, supportedByMe: false });
    expect((await post(`/api/tenders/${tender.id}/bids`, alice.token, { title: 'x' })).status).toBe(400);

    // Support through sockets, live to watchers; twice changes nothing; taking it back.
    const amySocket = await env.as(amy);
    const bobSocket = await env.as(bob);
    const watcher = await env.as(orgA);
    const watched = await ok(watcher, 'tender:watch', { tenderId: tender.id });
    expect(watched.bids.map((b: { id: number }) => b.id).sort()).toEqual([b1.id, b2.id].sort());
    const counts = collect(watcher, 'tender:counts');
    expect(await ok(amySocket, 'bid:support', { bidId: b1.id })).toEqual({ supporters: 1 });
    expect(await ok(amySocket, 'bid:support', { bidId: b1.id })).toEqual({ supporters: 1 });
    expect(await ok(bobSocket, 'bid:support', { bidId: b1.id })).toEqual({ supporters: 2 });
    expect(await ok(bobSocket, 'bid:unsupport', { bidId: b1.id })).toEqual({ supporters: 1 });
    expect(await ok(bobSocket, 'bid:unsupport', { bidId: b1.id })).toEqual({ supporters: 1 });
    expect((await request(bobSocket, 'bid:support', { bidId: 999_999 })).ok).toBe(false);
    await waitFor(() => counts.at(-1)?.bids.find((b) => b.id === b1.id)?.supporters === 1, 3000, 'the last count is the stored one');
    expect(counts.length).toBeLessThanOrEqual(3); // at most two a second
    const seen = (await get(`/api/tenders/${tender.id}`, amy.token)).body;
    expect(seen.bids.find((b: { id: number }) => b.id === b1.id)).toMatchObject({ supporters: 1, supportedByMe: true });
    expect(seen.tender.bids).toBe(2);

    // The award: organizers over the unit; once; the author is told; the bid becomes a project.
    expect((await post(`/api/tenders/${tender.id}/award`, alice.token, { bidId: b1.id })).status).toBe(403);
    expect((await post(`/api/tenders/${tender.id}/award`, orgB.token, { bidId: b1.id })).status).toBe(403);
    const told = next(await env.as(alice), 'notification', (x) => x.kind === 'bid_awarded');
    const [first, second] = await Promise.all([post(`/api/tenders/${tender.id}/award`, orgA.token, { bidId: b1.id }), post(`/api/tenders/${tender.id}/award`, env.d.genOrg.token, { bidId: b2.id })]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const project = (first.status === 200 ? first : second).body.project;
    const winner = first.status === 200 ? b1 : b2;
    expect(project).toMatchObject({ title: winner.title, origin: { tenderId: tender.id, bidId: winner.id }, ownerOrgId: env.d.branchA.id, adoptions: 0 });
    if (winner.id === b1.id) expect((await told).data).toMatchObject({ tenderId: tender.id, bidId: b1.id, projectId: project.id });
    expect((await get(`/api/tenders/${tender.id}`, bob.token)).body.tender).toMatchObject({ status: 'awarded', awardedBidId: winner.id });
    expect((await request(amySocket, 'bid:support', { bidId: b2.id })).ok).toBe(false); // no longer open
    expect((await get('/api/tenders?status=awarded', bob.token)).body.tenders.map((t: { id: number }) => t.id)).toContain(tender.id);
  });

  it('a call past its date is closed: no more bids or support, still awarded by its organizers', async () => {
    const { orgA, alice, amy } = env.d;
    const tender = (await post('/api/tenders', orgA.token, { orgId: env.d.branchA.id, title: 'short call', description: 'd', closesAt: new Date(Date.now() + 1500).toISOString() })).body.tender;
    const bid = (await post(`/api/tenders/${tender.id}/bids`, alice.token, bidBody('short'))).body.bid;
    await sleep(1700);
    expect((await get(`/api/tenders/${tender.id}`, alice.token)).body.tender.status).toBe('closed');
    expect((await post(`/api/tenders/${tender.id}/bids`, alice.token, bidBody('late'))).status).toBe(409);
    expect((await request(await env.as(amy), 'bid:support', { bidId: bid.id })).ok).toBe(false);
    expect((await get('/api/tenders?status=closed', alice.token)).body.tenders.map((t: { id: number }) => t.id)).toContain(tender.id);
    expect((await post(`/api/tenders/${tender.id}/award`, orgA.token, { bidId: bid.id })).status).toBe(200);
  });

  it('a support storm (hundreds of members, several sockets each, two processes) ends with exact counts', async () => {
    const { orgA, alice } = env.d;
    const second = await startTestServer(env.store);
    const sockets: TestSocket[] = [];
    try {
      const tender = (await post('/api/tenders', orgA.token, { orgId: env.d.branchA.id, title: 'storm', description: 'd', closesAt: inDays(3) })).body.tender;
      const bids = [(await post(`/api/tenders/${tender.id}/bids`, alice.token, bidBody('A'))).body.bid, (await post(`/api/tenders/${tender.id}/bids`, alice.token, bidBody('B'))).body.bid];
      const members = await createMembersFast(env.server.db, env.d.branchB.id, 240, `storm${Date.now()}`);
      // Each member on both processes, every third one with a second tab.
      const socketsOf: TestSocket[][] = [];
      for (const [i, m] of members.entries()) {
        const own = [await connect(env.server.url, { token: m.token }), await connect(second.url, { token: m.token })];
        if (i % 3 === 0) own.push(await connect(env.server.url, { token: m.token }));
        sockets.push(...own);
        socketsOf.push(own);
      }
      const watcher = await env.as(orgA, second);
      await ok(watcher, 'tender:watch', { tenderId: tender.id });
      const heard = collect(watcher, 'tender:counts');
      // Every member backs bid A from every socket at once (idempotent); one in four backs B and takes it back.
      await Promise.all(
        socketsOf.flatMap((own, i) => [
          ...own.map((s) => request(s, 'bid:support', { bidId: bids[0].id }, 20_000)),
          ...(i % 4 === 0 ? [request(own[1], 'bid:support', { bidId: bids[1].id }, 20_000).then(() => request(own[0], 'bid:unsupport', { bidId: bids[1].id }, 20_000))] : []),
        ]),
      );
      const stored = (await get(`/api/tenders/${tender.id}`, orgA.token)).body.bids;
      const supportersOf = (id: number) => stored.find((b: { id: number }) => b.id === id).supporters;
      const rows = await env.server.db.knex('bid_supports').whereIn('bid_id', bids.map((b) => b.id)).select('bid_id');
      expect(supportersOf(bids[0].id)).toBe(rows.filter((r: { bid_id: number }) => r.bid_id === bids[0].id).length);
      expect(supportersOf(bids[1].id)).toBe(rows.filter((r: { bid_id: number }) => r.bid_id === bids[1].id).length);
      expect(supportersOf(bids[0].id)).toBe(members.length);
      expect(supportersOf(bids[1].id)).toBe(0);
      await waitFor(() => {
        const last = heard.at(-1);
        return last !== undefined && last.bids.every((b) => b.supporters === supportersOf(b.id));
      }, 5000, 'the last tender:counts equals the stored counts');
    } finally {
      sockets.forEach((s) => s.close());
      await second.close();
    }
  }, 120_000);
});

describe('the project library', () => {
  it('organizers add projects; the library is searchable in Chinese and by topic; adoption makes a linked, counted meeting', async () => {
    const { orgA, orgB, alice, genOrg } = env.d;
    expect((await post('/api/projects', alice.token, { ...bidBody('x') })).status).toBe(403);
    const p = (await post('/api/projects', genOrg.token, { ...bidBody('拆迁圆桌会'), plan: '邀请住建、拆迁部门和居民代表一起座谈拆迁补偿。', topics: ['拆迁', '民生'] })).body.project;
    expect(p).toMatchObject({ title: '拆迁圆桌会', topics: ['拆迁', '民生'], origin: null, ownerOrgId: env.d.general.id, adoptions: 0 });
    expect((await get(`/api/projects?q=${encodeURIComponent('拆迁补偿')}`, alice.token)).body.projects.map((x: { id: number }) => x.id)).toEqual([p.id]);
    expect((await get(`/api/projects?q=${encodeURIComponent('补偿')}`, alice.token)).body.projects.map((x: { id: number }) => x.id)).toEqual([p.id]);
    expect((await get(`/api/projects?topic=${encodeURIComponent('民生')}`, alice.token)).body.projects.map((x: { id: number }) => x.id)).toContain(p.id);
    expect((await get(`/api/search?q=${encodeURIComponent('拆迁')}&kind=project`, env.d.bob.token)).body.results.map((x: { id: number }) => x.id)).toEqual([p.id]);

    // Adoption: an organizer over the host unit.
    const when = inDays(10);
    expect((await post(`/api/projects/${p.id}/adopt`, alice.token, { hostOrgId: env.d.branchA.id, startsAt: when, capacity: 20, openTo: 'all' })).status).toBe(403);
    expect((await post(`/api/projects/${p.id}/adopt`, orgB.token, { hostOrgId: env.d.branchA.id, startsAt: when, capacity: 20, openTo: 'all' })).status).toBe(403);
    const made = await post(`/api/projects/${p.id}/adopt`, orgA.token, { hostOrgId: env.d.branchA.id, startsAt: when, capacity: 20, openTo: 'all', location: '社区活动中心' });
    expect(made.status).toBe(201);
    expect(made.body.meeting).toMatchObject({ title: '拆迁圆桌会', topic: '拆迁', projectId: p.id, hostOrgId: env.d.branchA.id, capacity: 20, status: 'open' });
    expect(made.body.meeting.description).toContain('拆迁补偿');
    await post(`/api/projects/${p.id}/adopt`, orgB.token, { hostOrgId: env.d.branchB.id, startsAt: when, capacity: 10, openTo: 'host' });
    const back = (await get(`/api/projects/${p.id}`, alice.token)).body;
    expect(back.project.adoptions).toBe(2);
    expect(back.meetings.map((m: { id: number }) => m.id)).toContain(made.body.meeting.id);
    expect((await get(`/api/meetings/${made.body.meeting.id}`, alice.token)).body.meeting.projectId).toBe(p.id);
    expect((await get('/api/projects/999999', alice.token)).status).toBe(404);
  });
});
