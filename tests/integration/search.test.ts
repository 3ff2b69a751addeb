import { describe, expect, it } from 'vitest';
import { api, ok } from '../helpers/clients';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const call = (method: string, path: string, token: string, body?: unknown) => api(env.server.url, method, path, { token, body });
let n = 0;
const cid = () => `s${Date.now().toString(36)}${n++}`;
const room = (org: { id: number }) => `org:${org.id}`;

async function search(token: string, q: string, kind?: string) {
  const res = await call('GET', `/api/search?q=${encodeURIComponent(q)}${kind ? `&kind=${kind}` : ''}`, token);
  expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body.results as Array<{ kind: string; id: number; title: string; snippet: string; roomId?: string; seq?: number; discussionId?: number; createdAt: string }>;
}

describe('search that works in Chinese', () => {
  it('finds two-character words, phrases, Latin words and numbers inside Chinese, newest first and exact phrases first; only what the searcher may read', async () => {
    const { alice, amy, bob, orgA } = env.d;
    const aliceSocket = await env.as(alice);
    const bobSocket = await env.as(bob);
    await ok(aliceSocket, 'room:join', { roomId: room(env.d.branchA) });
    await ok(bobSocket, 'room:join', { roomId: room(env.d.branchB) });
    const say = async (socket: typeof aliceSocket, org: { id: number }, body: string) => (await ok(socket, 'chat:send', { roomId: room(org), clientId: cid(), body })).message;
    const dues = await say(aliceSocket, env.d.branchA, '请按时交党费，本月截止到25号。');
    const wechat = await say(aliceSocket, env.d.branchA, '可以用WeChat交党费吗？2026年开始可以线上交。');
    const phrase = await say(aliceSocket, env.d.branchA, '流动 党员 座谈会下周举行');
    const scattered = await say(aliceSocket, env.d.branchA, '党员们关心人员的流动情况');
    const other = await say(bobSocket, env.d.branchB, '第二支部的党费也请按时交。');
    const gone = await say(aliceSocket, env.d.branchA, '这条消息里的党费会被删除');
    await ok(aliceSocket, 'chat:delete', { roomId: room(env.d.branchA), messageId: gone.id });
    await env.server.app.services.indexer.run();

    // A two-character word finds the texts that contain it, newest first; a deleted message never.
    const found = await search(alice.token, '党费');
    expect(found.filter((r) => r.kind === 'message').map((r) => r.id)).toEqual([wechat.id, dues.id]);
    expect(found[0]).toMatchObject({ kind: 'message', roomId: room(env.d.branchA), roomName: env.d.branchA.name, seq: wechat.seq, title: 'Alice' });
    expect(found[0].snippet).toContain('党费');
    // Bob reads only his branch's room.
    expect((await search(bob.token, '党费')).filter((r) => r.kind === 'message').map((r) => r.id)).toEqual([other.id]);
    // A phrase is a substring, in order.
    expect((await search(alice.token, '按时交党费')).map((r) => r.id)).toEqual([dues.id]);
    expect(await search(alice.token, '交党费按时')).toEqual([]);
    // Latin words and numbers inside Chinese, any case; a word start finds the word.
    expect((await search(alice.token, 'wechat')).map((r) => r.id)).toEqual([wechat.id]);
    expect((await search(alice.token, 'WeCh')).map((r) => r.id)).toEqual([wechat.id]);
    expect((await search(alice.token, '2026')).map((r) => r.id)).toEqual([wechat.id]);
    expect((await search(alice.token, '25号')).map((r) => r.id)).toEqual([dues.id]);
    // One character finds every text holding it.
    expect((await search(alice.token, '费')).map((r) => r.id)).toEqual(expect.arrayContaining([dues.id, wechat.id]));
    // Several words: the text holding them as typed first (though older), then those holding every word.
    expect((await search(alice.token, '流动 党员')).map((r) => r.id)).toEqual([phrase.id, scattered.id]);
    // Kind filter.
    expect(await search(alice.token, '党费', 'post')).toEqual([]);
    expect(amy.user.id).toBeGreaterThan(0);
    expect(orgA.user.id).toBeGreaterThan(0);
  });

  it('finds discussions, replies, published posts and announcements addressed to the searcher; never hidden, draft or removed ones', async () => {
    const { alice, bob, orgA, orgB } = env.d;
    const d = (await call('POST', '/api/discussions', alice.token, { orgId: env.d.branchA.id, title: '线上组织生活怎么过', body: '流动党员如何参加三会一课？' })).body.discussion;
    const r = (await call('POST', `/api/discussions/${d.id}/replies`, bob.token, { body: 'x', clientId: cid() }));
    expect(r.status).toBe(403);
    const reply = (await call('POST', `/api/discussions/${d.id}/replies`, orgA.token, { body: '每月第一个周六线上学习三会一课。', clientId: cid() })).body.reply;
    const hiddenReply = (await call('POST', `/api/discussions/${d.id}/replies`, alice.token, { body: '三会一课的通知在哪里看？', clientId: cid() })).body.reply;
    await call('PATCH', `/api/replies/${hiddenReply.id}`, orgA.token, { hidden: true });

    const lesson = await search(alice.token, '三会一课');
    expect(lesson.map((x) => `${x.kind}:${x.id}`)).toEqual([`reply:${reply.id}`, `discussion:${d.id}`]);
    expect(lesson[0]).toMatchObject({ discussionId: d.id, title: '线上组织生活怎么过' });
    expect(await search(bob.token, '三会一课')).toEqual([]);
    // Hiding the discussion takes it and its replies out; showing it brings back what is not hidden.
    await call('PATCH', `/api/discussions/${d.id}`, orgA.token, { hidden: true });
    expect(await search(alice.token, '三会一课')).toEqual([]);
    expect(await search(orgA.token, '三会一课')).toEqual([]);
    await call('PATCH', `/api/discussions/${d.id}`, orgA.token, { hidden: false });
    expect((await search(alice.token, '三会一课')).map((x) => x.id).sort()).toEqual([d.id, reply.id].sort());

    // Posts: drafts and removed posts are never found; published ones by everyone.
    const draft = (await call('POST', '/api/posts', alice.token, { title: '海外学习体会', body: '在伦敦参加读书会的体会。', status: 'draft' })).body.post;
    expect(await search(bob.token, '读书会')).toEqual([]);
    expect(await search(alice.token, '读书会')).toEqual([]);
    await call('PATCH', `/api/posts/${draft.id}`, alice.token, { status: 'published' });
    expect((await search(bob.token, '读书会')).map((x) => `${x.kind}:${x.id}`)).toEqual([`post:${draft.id}`]);
    await call('DELETE', `/api/posts/${draft.id}`, alice.token);
    expect(await search(bob.token, '读书会')).toEqual([]);

    // Announcements: the addressees and the organizers over the unit.
    const a = (await call('POST', '/api/announcements', orgA.token, { orgId: env.d.branchA.id, title: '关于换届选举的通知', body: '下月进行支部换届选举。' })).body.announcement;
    expect((await search(alice.token, '换届选举')).map((x) => `${x.kind}:${x.id}`)).toEqual([`announcement:${a.id}`]);
    expect((await search(orgA.token, '换届选举')).map((x) => x.id)).toEqual([a.id]);
    expect(await search(bob.token, '换届选举')).toEqual([]);
    expect(await search(orgB.token, '换届选举')).toEqual([]);
    expect((await search(env.d.admin.token, '换届选举')).map((x) => x.id)).toEqual([a.id]);
  });

  it('hostile queries never fail: quotes, stars, OR, operators, 2,000 characters, nothing but signs', async () => {
    const { alice } = env.d;
    for (const q of ['"', '*', 'OR', '党费" OR 1=1 --', 'NEAR(党费', '党费*', "'; DROP TABLE messages; --", '(((', '^党费', '党费 AND OR NOT', 'a:b', '&|!<->', '党费'.repeat(1000), 'x'.repeat(2000), '\u0000党费']) {
      const res = await call('GET', `/api/search?q=${encodeURIComponent(q)}`, alice.token);
      expect(res.status, q.slice(0, 40)).toBe(200);
      expect(Array.isArray(res.body.results)).toBe(true);
    }
    expect((await call('GET', `/api/search?q=${'x'.repeat(2001)}`, alice.token)).status).toBe(413);
    expect((await call('GET', '/api/search?q=', alice.token)).status).toBe(400);
    expect((await call('GET', '/api/search?q=x&kind=everything', alice.token)).status).toBe(400);
    expect((await call('GET', '/api/search?q=x&limit=500', alice.token)).status).toBe(400);
    expect((await api(env.server.url, 'GET', '/api/search?q=x')).status).toBe(401);
  });

  it('a meeting room\'s messages are found by those holding a seat and the organizers over the host, not by others', async () => {
    const { orgA, alice, bob } = env.d;
    const meeting = (await call('POST', '/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: '读书会', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 5, openTo: 'all' })).body.meeting;
    const bobSocket = await env.as(bob);
    await ok(bobSocket, 'meeting:signup', { meetingId: meeting.id });
    await ok(bobSocket, 'room:join', { roomId: `meeting:${meeting.id}` });
    const said = (await ok(bobSocket, 'chat:send', { roomId: `meeting:${meeting.id}`, clientId: cid(), body: '会上讨论乡村振兴的案例' })).message;
    await env.server.app.services.indexer.run();
    expect((await search(bob.token, '乡村振兴')).map((x) => x.id)).toEqual([said.id]);
    expect((await search(orgA.token, '乡村振兴')).map((x) => x.id)).toEqual([said.id]);
    expect(await search(alice.token, '乡村振兴')).toEqual([]);
  });
});
