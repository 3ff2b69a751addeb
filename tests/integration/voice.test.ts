import { describe, expect, it } from 'vitest';
import { api, collect, next, ok, request, sleep, waitFor } from '../helpers/clients';
import { addMember } from '../helpers/members';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const call = (method: string, path: string, token: string, body?: unknown) => api(env.server.url, method, path, { token, body });
const post = (path: string, token: string, body?: unknown) => call('POST', path, token, body ?? {});
const get = (path: string, token: string) => call('GET', path, token);
let n = 0;
const cid = () => `v${Date.now().toString(36)}${n++}`;

describe('announcements', () => {
  it('publishes to everyone under the unit (fixed audience), live and as a notification; reads are idempotent and counted live', async () => {
    const { orgA, orgB, alice, amy, bob, genOrg } = env.d;
    for (const [token, body, status] of [
      [alice.token, { orgId: env.d.branchA.id, title: 't', body: 'b' }, 403],
      [orgB.token, { orgId: env.d.branchA.id, title: 't', body: 'b' }, 403],
      [orgA.token, { orgId: env.d.branchA.id, title: '', body: 'b' }, 400],
      [orgA.token, { orgId: 999_999, title: 't', body: 'b' }, 404],
    ] as const) expect((await post('/api/announcements', token, body)).status).toBe(status);

    const aliceSocket = await env.as(alice);
    const bobSocket = await env.as(bob);
    const bobHears = collect(bobSocket, 'announcement');
    const live = next(aliceSocket, 'announcement');
    const noted = next(aliceSocket, 'notification', (x) => x.kind === 'announcement');
    const pinnedUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const made = await post('/api/announcements', orgA.token, { orgId: env.d.branchA.id, title: '请按时交党费', body: '本月党费请在 25 日前交纳。', pinnedUntil });
    expect(made.status).toBe(201);
    const a = made.body.announcement;
    // Branch A: OrgA, GenOrg, Alice, Amy (and members added by other tests, made before this one).
    expect(a).toMatchObject({ orgId: env.d.branchA.id, author: { id: orgA.user.id }, title: '请按时交党费', pinnedUntil, read: 0 });
    expect((await live).id).toBe(a.id);
    expect((await noted).data).toMatchObject({ announcementId: a.id, title: '请按时交党费' });
    await sleep(200);
    expect(bobHears).toEqual([]);
    // A member added after publishing is not in the audience.
    const late = await addMember(env.server.url, env.d.admin, env.d.branchA.id, 'Late');
    expect((await get(`/api/announcements/${a.id}`, late.token)).status).toBe(403);
    expect((await get(`/api/announcements/${a.id}`, bob.token)).status).toBe(403);

    // The organizer watches the count; two members read (one twice); a non-addressee's read changes nothing.
    const orgSocket = await env.as(orgA);
    const watched = await ok(orgSocket, 'announcement:watch', { announcementId: a.id });
    expect(watched).toEqual({ audience: a.audience, read: 0 });
    expect((await request(await env.as(alice), 'announcement:watch', { announcementId: a.id })).ok).toBe(false);
    const counts = collect(orgSocket, 'announcement:reads');
    expect((await post(`/api/announcements/${a.id}/read`, alice.token)).status).toBe(204);
    expect((await post(`/api/announcements/${a.id}/read`, alice.token)).status).toBe(204);
    expect((await post(`/api/announcements/${a.id}/read`, amy.token)).status).toBe(204);
    expect((await post(`/api/announcements/${a.id}/read`, bob.token)).status).toBe(403);
    await waitFor(() => counts.at(-1)?.read === 2, 4000, 'the last count is the stored one');
    expect(counts.length).toBeLessThanOrEqual(2); // coalesced: at most one a second
    const reads = (await get(`/api/announcements/${a.id}/reads`, orgA.token)).body;
    expect(reads).toMatchObject({ audience: a.audience, read: 2 });
    expect(reads.unread.map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining([orgA.user.id, genOrg.user.id]));
    expect(reads.unread.map((u: { id: number }) => u.id)).not.toContain(alice.user.id);
    expect((await get(`/api/announcements/${a.id}/reads`, alice.token)).status).toBe(403);

    // Lists: pinned first; the reader's own readAt.
    await post('/api/announcements', orgA.token, { orgId: env.d.branchA.id, title: 'newer, not pinned', body: 'x' });
    const list = (await get('/api/announcements', alice.token)).body.announcements;
    expect(list[0]).toMatchObject({ id: a.id, readAt: expect.any(String), addressed: true });
    expect(list[1]).toMatchObject({ title: 'newer, not pinned', readAt: null });
    expect((await get('/api/announcements', bob.token)).body.announcements.map((x: { id: number }) => x.id)).not.toContain(a.id);
    expect((await get(`/api/announcements?orgId=${env.d.branchA.id}`, orgA.token)).body.announcements.map((x: { id: number }) => x.id)).toContain(a.id);
    // The admin reads it as an organizer over the unit, not as an addressee.
    expect((await get(`/api/announcements/${a.id}`, env.d.admin.token)).body.announcement).toMatchObject({ addressed: false, readAt: null });
    expect(bobSocket.connected).toBe(true);
  });
});

describe('losing a right ends a watch at once', () => {
  it('an organizer removed from the unit stops hearing read counts; a hidden discussion stops reaching members', async () => {
    const { admin, alice, amy, orgA } = env.d;
    const helper = await addMember(env.server.url, admin, env.d.branchA.id, 'Helper');
    expect((await post(`/api/orgs/${env.d.branchA.id}/organizers`, admin.token, { userId: helper.user.id })).status).toBe(204);
    const a = (await post('/api/announcements', orgA.token, { orgId: env.d.branchA.id, title: 'watch me', body: 'x' })).body.announcement;
    const helperSocket = await env.as(helper);
    await ok(helperSocket, 'announcement:watch', { announcementId: a.id });
    const heard = collect(helperSocket, 'announcement:reads');
    expect((await call('DELETE', `/api/orgs/${env.d.branchA.id}/organizers/${helper.user.id}`, admin.token)).status).toBe(204);
    await sleep(500);
    await post(`/api/announcements/${a.id}/read`, alice.token);
    await sleep(1500);
    expect(heard).toEqual([]);

    const d = (await post('/api/discussions', orgA.token, { orgId: env.d.branchA.id, title: 'to hide', body: 'x' })).body.discussion;
    const amySocket = await env.as(amy);
    await ok(amySocket, 'discussion:watch', { discussionId: d.id });
    const replies = collect(amySocket, 'discussion:reply');
    await call('PATCH', `/api/discussions/${d.id}`, orgA.token, { hidden: true });
    await sleep(500);
    expect((await get(`/api/discussions/${d.id}`, amy.token)).status).toBe(404);
    const orgSocket = await env.as(orgA);
    await ok(orgSocket, 'discussion:watch', { discussionId: d.id });
    const orgHears = next(orgSocket, 'discussion:reply');
    await post(`/api/discussions/${d.id}/replies`, orgA.token, { body: 'for organizers only', clientId: cid() });
    await orgHears;
    await sleep(200);
    expect(replies).toEqual([]);
  });
});

describe('discussions', () => {
  it('open to the unit\'s room; replies idempotent by clientId and live to watchers; lock and hide by organizers', async () => {
    const { orgA, orgB, alice, amy, bob } = env.d;
    expect((await post('/api/discussions', bob.token, { orgId: env.d.branchA.id, title: 'x', body: 'y' })).status).toBe(403);
    const made = await post('/api/discussions', alice.token, { orgId: env.d.branchA.id, title: '在外地怎么参加组织生活？', body: '大家在外地是怎么参加支部活动的？' });
    expect(made.status).toBe(201);
    const d = made.body.discussion;
    expect(d).toMatchObject({ orgId: env.d.branchA.id, author: { id: alice.user.id }, replies: 0, locked: false, hidden: false, lastReplyAt: null });
    expect((await get(`/api/discussions/${d.id}`, bob.token)).status).toBe(403);

    const amySocket = await env.as(amy);
    await ok(amySocket, 'discussion:watch', { discussionId: d.id });
    expect((await request(await env.as(bob), 'discussion:watch', { discussionId: d.id })).ok).toBe(false);
    const heard = next(amySocket, 'discussion:reply');
    const clientId = cid();
    const first = await post(`/api/discussions/${d.id}/replies`, alice.token, { body: '我每月线上参加一次。', clientId });
    expect(first.status).toBe(201);
    const again = await post(`/api/discussions/${d.id}/replies`, alice.token, { body: '我每月线上参加一次。', clientId });
    expect(again.status).toBe(200);
    expect(again.body.reply.id).toBe(first.body.reply.id);
    expect((await heard).id).toBe(first.body.reply.id);
    const second = (await post(`/api/discussions/${d.id}/replies`, amy.token, { body: '同意', clientId: cid() })).body.reply;
    const page = (await get(`/api/discussions/${d.id}?limit=1`, alice.token)).body;
    expect(page.discussion).toMatchObject({ replies: 2, lastReplyAt: expect.any(String) });
    expect(page.replies.map((r: { id: number }) => r.id)).toEqual([first.body.reply.id]);
    expect((await get(`/api/discussions/${d.id}?after=${page.nextCursor}`, alice.token)).body.replies.map((r: { id: number }) => r.id)).toEqual([second.id]);
    expect((await post(`/api/discussions/${d.id}/replies`, alice.token, { body: '', clientId: cid() })).status).toBe(400);

    // Moderation: only organizers over the unit.
    expect((await call('PATCH', `/api/discussions/${d.id}`, alice.token, { locked: true })).status).toBe(403);
    expect((await call('PATCH', `/api/discussions/${d.id}`, orgB.token, { locked: true })).status).toBe(403);
    expect((await call('PATCH', `/api/discussions/${d.id}`, orgA.token, {})).status).toBe(400);
    const changed = next(amySocket, 'discussion:changed');
    expect((await call('PATCH', `/api/discussions/${d.id}`, orgA.token, { locked: true })).body.discussion.locked).toBe(true);
    expect(await changed).toMatchObject({ id: d.id, locked: true });
    expect((await post(`/api/discussions/${d.id}/replies`, amy.token, { body: 'late', clientId: cid() })).status).toBe(409);
    expect((await call('PATCH', `/api/replies/${second.id}`, orgA.token, { hidden: true })).body.reply.hidden).toBe(true);
    expect((await get(`/api/discussions/${d.id}`, alice.token)).body.replies.map((r: { id: number }) => r.id)).toEqual([first.body.reply.id]);
    expect((await get(`/api/discussions/${d.id}`, orgA.token)).body.replies.map((r: { id: number }) => r.id)).toEqual([first.body.reply.id, second.id]);
    await call('PATCH', `/api/discussions/${d.id}`, orgA.token, { hidden: true });
    expect((await get(`/api/discussions/${d.id}`, alice.token)).status).toBe(404);
    expect((await get(`/api/discussions?orgId=${env.d.branchA.id}`, alice.token)).body.discussions.map((x: { id: number }) => x.id)).not.toContain(d.id);
    expect((await get(`/api/discussions?orgId=${env.d.branchA.id}`, orgA.token)).body.discussions.map((x: { id: number }) => x.id)).toContain(d.id);
  });
});

describe('member blogs', () => {
  it('drafts for their author only; published for the district; comments; featuring by organizers over the author; removal', async () => {
    const { orgA, orgB, alice, bob } = env.d;
    const draft = (await post('/api/posts', alice.token, { title: '伦敦见闻', body: '这里的社区很有意思。', status: 'draft' })).body.post;
    expect(draft).toMatchObject({ status: 'draft', publishedAt: null, featured: false, comments: 0 });
    expect((await get(`/api/posts/${draft.id}`, bob.token)).status).toBe(404);
    expect((await get(`/api/posts?authorId=${alice.user.id}`, alice.token)).body.posts.map((p: { id: number }) => p.id)).toContain(draft.id);
    expect((await get(`/api/posts?authorId=${alice.user.id}`, bob.token)).body.posts.map((p: { id: number }) => p.id)).not.toContain(draft.id);
    expect((await call('PATCH', `/api/posts/${draft.id}`, bob.token, { title: 'x' })).status).toBe(404);
    const published = (await call('PATCH', `/api/posts/${draft.id}`, alice.token, { status: 'published' })).body.post;
    expect(published).toMatchObject({ status: 'published', publishedAt: expect.any(String), may: { edit: true, feature: false, remove: true } });
    expect((await get(`/api/posts/${draft.id}`, orgA.token)).body.post.may).toEqual({ edit: false, feature: true, remove: true });
    expect((await get(`/api/posts/${draft.id}`, bob.token)).body.post.may).toEqual({ edit: false, feature: false, remove: false });
    expect((await get(`/api/posts/${draft.id}`, bob.token)).status).toBe(200);
    expect((await post(`/api/posts/${draft.id}/comments`, bob.token, { body: '写得好！' })).status).toBe(201);
    expect((await get(`/api/posts/${draft.id}`, alice.token)).body).toMatchObject({ post: { comments: 1 }, comments: [expect.objectContaining({ body: '写得好！', author: { id: bob.user.id, name: 'Bob' } })] });
    expect((await post(`/api/posts/${draft.id}/feature`, alice.token)).status).toBe(403);
    expect((await post(`/api/posts/${draft.id}/feature`, orgB.token)).status).toBe(403);
    expect((await post(`/api/posts/${draft.id}/feature`, orgA.token)).body.post.featured).toBe(true);
    expect((await get('/api/posts?featured=1', bob.token)).body.posts.map((p: { id: number }) => p.id)).toContain(draft.id);
    expect((await call('DELETE', `/api/posts/${draft.id}/feature`, orgA.token)).body.post.featured).toBe(false);
    expect((await call('DELETE', `/api/posts/${draft.id}`, bob.token)).status).toBe(403);
    expect((await call('DELETE', `/api/posts/${draft.id}`, orgA.token)).status).toBe(204);
    expect((await get(`/api/posts/${draft.id}`, alice.token)).status).toBe(404);
    const audit = (await get('/api/audit?action=post.remove', orgA.token)).body.entries;
    expect(audit[0]).toMatchObject({ target: { type: 'post', id: draft.id } });
  });
});
