import { describe, expect, it } from 'vitest';
import { api, collect, connect, next, ok, request, sleep, waitFor } from '../helpers/clients';
import { login, PASSWORD } from '../helpers/district';
import { useDistrictServer } from '../helpers/setup';

/** What the client's pages needed from the server: the admin console, unread counts, mentions, and the rest. */
const env = useDistrictServer();
const url = () => env.server.url;

describe('the admin console', () => {
  it('renames and moves units (admin only), keeps the tree\'s shape, and takes people out of rooms a move cost them', async () => {
    const { admin, general, committee, branchB, bob, genOrg } = env.d;
    const second = (await api(url(), 'POST', '/api/orgs', { token: admin.token, body: { name: 'Second committee', kind: 'committee' } })).body.org;
    expect((await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: genOrg.token, body: { name: 'x' } })).status).toBe(403);
    expect((await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: admin.token, body: {} })).status).toBe(400);
    expect((await api(url(), 'PATCH', `/api/orgs/${general.id}`, { token: admin.token, body: { parentId: branchB.id } })).body.error.code).toBe('invalid'); // under its own child
    expect((await api(url(), 'PATCH', `/api/orgs/${committee.id}`, { token: admin.token, body: { parentId: general.id } })).body.error.code).toBe('invalid'); // a committee under a general branch
    expect((await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: admin.token, body: { parentId: null } })).body.error.code).toBe('invalid');
    // Two units of one name side by side cannot be told apart: refused, on create, rename and move alike.
    expect((await api(url(), 'POST', '/api/orgs', { token: admin.token, body: { name: ` ${env.d.branchA.name.toUpperCase()} `, kind: 'branch', parentId: general.id } })).status).toBe(409);
    expect((await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: admin.token, body: { name: env.d.branchA.name } })).status).toBe(409);
    const renamed = await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: admin.token, body: { name: '第二支部 Second' } });
    expect(renamed.body.org).toMatchObject({ id: branchB.id, name: '第二支部 Second', parentId: general.id });

    // Bob sits in the general branch's room; once branch B moves to the other committee he may not.
    const bobSocket = await env.as(bob);
    await ok(bobSocket, 'room:join', { roomId: `org:${general.id}` });
    const heard = collect(bobSocket, 'chat:message');
    const moved = await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: admin.token, body: { parentId: second.id } });
    expect(moved.body.org.parentId).toBe(second.id);
    const genSocket = await env.as(genOrg);
    await waitFor(async () => !(await ok(genSocket, 'room:join', { roomId: `org:${general.id}` })).online.some((u) => u.id === bob.user.id), 2000, 'bob out of the general branch room');
    await ok(genSocket, 'chat:send', { roomId: `org:${general.id}`, clientId: 'after-move', body: 'not for branch B any more' });
    await sleep(200);
    expect(heard).toHaveLength(0);
    expect((await request(bobSocket, 'room:join', { roomId: `org:${general.id}` })).ok).toBe(false);
    // Back where it was, for the other tests.
    await api(url(), 'PATCH', `/api/orgs/${branchB.id}`, { token: admin.token, body: { parentId: general.id, name: branchB.name } });
  });

  it('lists a unit\'s organizers by name', async () => {
    const res = await api(url(), 'GET', `/api/orgs/${env.d.branchA.id}/organizers`, { token: env.d.alice.token });
    expect(res.body.organizers).toEqual([{ id: env.d.orgA.user.id, name: 'OrgA' }]);
  });

  it('finds members by a part of their name or e-mail, and by being migrant members; opens one', async () => {
    const list = async (query: string) => (await api(url(), 'GET', `/api/members?orgId=${env.d.general.id}&${query}`, { token: env.d.admin.token })).body.members.map((u: { name: string }) => u.name);
    expect(await list('q=ali')).toEqual(['Alice']);
    expect(await list(`q=${encodeURIComponent(env.d.bob.user.email.toUpperCase())}`)).toEqual(['Bob']);
    expect(await list('mobile=true')).toEqual(['Alice']);
    expect(await list('q=%25')).toEqual([]); // a wildcard is a character, not a wildcard
    expect((await api(url(), 'GET', `/api/members/${env.d.alice.user.id}`, { token: env.d.orgA.token })).body.user).toMatchObject({ id: env.d.alice.user.id, name: 'Alice' });
    expect((await api(url(), 'GET', `/api/members/${env.d.alice.user.id}`, { token: env.d.bob.token })).status).toBe(403);
  });

  it('imports members from CSV with a row-by-row report and an initial password each; they can change it', async () => {
    const csv = [
      'name,email,branch,timezone,mobile,location',
      `周敏,zhou-import@test.example,${env.d.branchA.id},Europe/Paris,yes,Paris`,
      `"Li, Na",li-import@test.example,${env.d.branchB.name},,no,`,
      `No Branch,nobranch@test.example,Nowhere,,,`,
      `Bad Zone,badzone@test.example,${env.d.branchA.id},Mars/Base,,`,
      `Again,zhou-import@test.example,${env.d.branchA.id},,,`,
      `,noname@test.example,${env.d.branchA.id},,,`,
      `Other Unit,other@test.example,${env.d.branchB.id},,maybe,`,
    ].join('\n');
    const res = await api(url(), 'POST', '/api/members/import', { token: env.d.genOrg.token, body: { csv } });
    expect(res.status).toBe(200);
    expect(res.body.created.map((c: { row: number; user: { name: string } }) => [c.row, c.user.name])).toEqual([[2, '周敏'], [3, 'Li, Na']]);
    expect(res.body.created[0].user).toMatchObject({ timezone: 'Europe/Paris', mobile: true, location: 'Paris', branchId: env.d.branchA.id });
    expect(res.body.refused.map((r: { row: number; code: string; detail?: string }) => [r.row, r.code, r.detail])).toEqual([
      [4, 'branch_unknown', 'Nowhere'],
      [5, 'timezone_invalid', 'Mars/Base'],
      [6, 'email_repeated', '2'],
      [7, 'name_missing', undefined],
      [8, 'mobile_invalid', undefined],
    ]);
    expect(res.body.refused.map((r: { row: number; reason: string }) => [r.row, r.reason])).toEqual([
      [4, 'no branch called "Nowhere"'],
      [5, 'timezone "Mars/Base" is not an IANA name such as Europe/London'],
      [6, 'this e-mail is already on row 2'],
      [7, 'name is missing'],
      [8, 'mobile must be yes or no'],
    ]);
    // An organizer imports into their own units only.
    const outside = await api(url(), 'POST', '/api/members/import', { token: env.d.orgA.token, body: { csv: `name,email,branch\nX,x-import@test.example,${env.d.branchB.id}\nY,${env.d.alice.user.email},${env.d.branchA.id}` } });
    expect(outside.body.refused.map((r: { code: string }) => r.code)).toEqual(['not_under_you', 'email_taken']);
    expect((await api(url(), 'POST', '/api/members/import', { token: env.d.admin.token, body: { csv: 'who,what\n1,2' } })).body.error.code).toBe('invalid');
    // A Chinese spreadsheet's own column names work too.
    const chinese = await api(url(), 'POST', '/api/members/import', { token: env.d.admin.token, body: { csv: `姓名,邮箱,支部,流动党员,所在地\n何静,he-import@test.example,${env.d.branchA.id},是,成都` } });
    expect(chinese.body.created[0].user).toMatchObject({ name: '何静', mobile: true, location: '成都' });
    expect((await api(url(), 'POST', '/api/members/import', { token: env.d.admin.token, body: { csv: 'name,email,branch\n"unclosed,x,1' } })).body.error.code).toBe('invalid');

    const { password } = res.body.created[0];
    const token = await login(url(), 'zhou-import@test.example', password);
    const other = await login(url(), 'zhou-import@test.example', password);
    const socket = await connect(url(), { token: other });
    env.track(socket);
    const gone = new Promise((r) => socket.once('disconnect', r));
    const wrong = await api(url(), 'POST', '/api/me/password', { token, body: { current: 'wrong-one', next: 'a-new-password' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'invalid']);
    expect((await api(url(), 'POST', '/api/me/password', { token, body: { current: password, next: 'a-new-password' } })).status).toBe(204);
    await gone; // the other session ended
    expect((await api(url(), 'GET', '/api/me', { token })).status).toBe(200);
    expect((await api(url(), 'POST', '/api/auth/login', { body: { email: 'zhou-import@test.example', password: 'a-new-password' } })).status).toBe(200);
  });
});

describe('rooms: unread counts, mentions, the first screen', () => {
  it('follows rooms: latest seq and read mark per room, activity from elsewhere live, reads shared between devices', async () => {
    const [phone, laptop, writer] = await Promise.all([env.as(env.d.amy), env.as(env.d.amy), env.as(env.d.orgA)]);
    const roomA = `org:${env.d.branchA.id}`;
    const { rooms } = await ok(phone, 'rooms:follow', { roomIds: [roomA, `org:${env.d.branchB.id}`, 'org:999999', 'nonsense'] });
    expect(rooms.map((r) => r.roomId)).toEqual([roomA]); // rooms she may not use are left out
    const before = rooms[0].lastSeq;
    await ok(laptop, 'rooms:follow', { roomIds: [roomA] });
    const activity = next(phone, 'room:activity', (a) => a.roomId === roomA);
    const { message } = await ok(writer, 'chat:send', { roomId: roomA, clientId: 'unread-1', body: 'news' });
    expect(await activity).toEqual({ roomId: roomA, seq: message.seq, authorId: env.d.orgA.user.id });
    expect(message.seq).toBe(before + 1);
    // In the room itself a socket hears the message, not the activity.
    await ok(laptop, 'room:join', { roomId: roomA });
    const laptopActivity = collect(laptop, 'room:activity');
    await ok(writer, 'chat:send', { roomId: roomA, clientId: 'unread-2', body: 'more news' });
    await sleep(200);
    expect(laptopActivity).toHaveLength(0);
    const readElsewhere = next(phone, 'room:read', (r) => r.roomId === roomA);
    expect(await ok(laptop, 'room:read', { roomId: roomA, seq: message.seq + 1 })).toEqual({ readSeq: message.seq + 1 });
    expect(await readElsewhere).toEqual({ roomId: roomA, readSeq: message.seq + 1 });
    expect(await ok(laptop, 'room:read', { roomId: roomA, seq: 1 })).toEqual({ readSeq: message.seq + 1 }); // never back
    expect(await ok(laptop, 'room:read', { roomId: roomA, seq: 999_999 })).toEqual({ readSeq: message.seq + 1 }); // not past the end
    expect((await request(laptop, 'room:read', { roomId: `org:${env.d.branchB.id}`, seq: 1 })).ok).toBe(false);
    const me = await api(url(), 'GET', '/api/me', { token: env.d.amy.token });
    expect(me.body.rooms.find((r: { id: string }) => r.id === roomA)).toMatchObject({ lastSeq: message.seq + 1, readSeq: message.seq + 1 });
  });

  it('notifies the people a message names with @, once each, not the author, only people of the room', async () => {
    const [alice, bob, orgA] = await Promise.all([env.as(env.d.alice), env.as(env.d.bob), env.as(env.d.orgA)]);
    const aliceHears = next(alice, 'notification', (n) => n.kind === 'mention');
    const bobHeard = collect(bob, 'notification');
    const roomA = `org:${env.d.branchA.id}`;
    const { message } = await ok(orgA, 'chat:send', { roomId: roomA, clientId: 'mention-1', body: '@Alice @Alice please bring the minutes; @Bob is not here; @OrgA me' });
    const note = await aliceHears;
    expect(note).toMatchObject({ kind: 'mention', data: { roomId: roomA, messageId: message.id, seq: message.seq, from: { id: env.d.orgA.user.id, name: 'OrgA' } } });
    expect(note.title).toContain('OrgA');
    await sleep(300);
    expect(bobHeard.filter((n) => n.kind === 'mention')).toHaveLength(0);
    const stored = await env.server.db.knex('notifications').where({ kind: 'mention' }).select('user_id');
    expect(stored.map((r: { user_id: number }) => r.user_id)).toEqual([env.d.alice.user.id]);
  });

  it('signs in with the first screen in the same answer: the profile, the rooms with their counts, the home room\'s latest messages', async () => {
    const res = await api(url(), 'POST', '/api/auth/login', { body: { email: env.d.alice.user.email, password: PASSWORD } });
    expect(res.body).toMatchObject({ token: expect.any(String), user: { id: env.d.alice.user.id }, organizerOf: [] });
    expect(res.body.rooms.map((r: { id: string }) => r.id)).toContain(`org:${env.d.branchA.id}`);
    expect(res.body.home.roomId).toBe(`org:${env.d.branchA.id}`);
    expect(res.body.home.messages.length).toBeGreaterThan(0);
    expect(res.body.home.seq).toBe(res.body.home.messages.at(-1).seq);
  });
});

describe('meetings, dues, notifications and calls for the client', () => {
  it('keeps an online meeting\'s link, tells a member live that they were checked in, and builds .ics links from the page\'s address', async () => {
    const bad = await api(url(), 'POST', '/api/meetings', {
      token: env.d.orgA.token,
      body: { hostOrgId: env.d.branchA.id, title: 'x', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 5, openTo: 'all', onlineUrl: 'javascript:alert(1)' },
    });
    expect(bad.body.error.code).toBe('invalid');
    const meeting = (await api(url(), 'POST', '/api/meetings', {
      token: env.d.orgA.token,
      body: { hostOrgId: env.d.branchA.id, title: 'Online', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 5, openTo: 'all', onlineUrl: 'https://meet.example.org/abc' },
    })).body.meeting;
    expect(meeting).toMatchObject({ online: true, onlineUrl: 'https://meet.example.org/abc' });
    const edited = await api(url(), 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.orgA.token, body: { onlineUrl: 'https://meet.example.org/xyz', title: 'Online, edited' } });
    expect(edited.body.meeting).toMatchObject({ onlineUrl: 'https://meet.example.org/xyz', title: 'Online, edited' });
    const alice = await env.as(env.d.alice);
    await ok(alice, 'meeting:signup', { meetingId: meeting.id });
    const checkedIn = next(alice, 'meeting:attended', (e) => e.meetingId === meeting.id);
    await ok(await env.as(env.d.orgA), 'meeting:attend', { meetingId: meeting.id, userId: env.d.alice.user.id });
    await checkedIn;
    // The test server sets PUBLIC_URL; one without it builds links from the address the page came from.
    const { startTestServer } = await import('../helpers/server');
    const plain = await startTestServer(env.store, { env: { PUBLIC_URL: undefined } as never });
    try {
      const ics = await (await fetch(`${plain.url}/api/meetings/${meeting.id}/calendar.ics`, { headers: { authorization: `Bearer ${env.d.alice.token}` } })).text();
      expect(ics).toContain(`URL:${plain.url}/#/meetings/${meeting.id}`);
      expect(ics).toContain(`UID:meeting-${meeting.id}@127.0.0.1:${plain.port}`);
      expect(ics).toContain('CONFERENCE;VALUE=URI:https://meet.example.org/xyz');
    } finally {
      await plain.close();
    }
  });

  it('says when a payment reference was recorded before, and lets organizers record a cash payment for a member', async () => {
    await api(url(), 'PUT', `/api/dues/rates/${env.d.amy.user.id}`, { token: env.d.orgA.token, body: { monthlyAmount: 1500, effectiveFrom: '2026-01' } });
    const body = { period: '2026-02', amount: 1500, reference: 'WX-REUSED-1' };
    const first = await api(url(), 'POST', '/api/dues/payments', { token: env.d.amy.token, body });
    const again = await api(url(), 'POST', '/api/dues/payments', { token: env.d.amy.token, body: { ...body, amount: 9 } });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ duplicate: true, payment: { id: first.body.payment.id, amount: 1500 } });
    const cash = await api(url(), 'POST', `/api/dues/members/${env.d.amy.user.id}/payments`, { token: env.d.orgA.token, body: { period: '2026-03', amount: 1500, note: 'cash at the branch meeting' } });
    expect(cash.status).toBe(201);
    expect(cash.body.payment).toMatchObject({ kind: 'payment', recordedBy: env.d.orgA.user.id, note: 'cash at the branch meeting', reference: expect.stringMatching(/^cash-/) });
    expect((await api(url(), 'POST', `/api/dues/members/${env.d.orgA.user.id}/payments`, { token: env.d.orgA.token, body: { period: '2026-03', amount: 1 } })).status).toBe(403);
    expect((await api(url(), 'POST', `/api/dues/members/${env.d.amy.user.id}/payments`, { token: env.d.bob.token, body: { period: '2026-03', amount: 1 } })).status).toBe(403);
    const ledger = (await api(url(), 'GET', `/api/dues/members/${env.d.amy.user.id}`, { token: env.d.orgA.token })).body;
    expect(ledger.periods.find((p: { period: string }) => p.period === '2026-03')).toMatchObject({ status: 'paid' });
  });

  it('marks every notification read at once', async () => {
    expect((await api(url(), 'POST', '/api/notifications/read-all', { token: env.d.alice.token })).status).toBe(204);
    expect((await api(url(), 'GET', '/api/notifications', { token: env.d.alice.token })).body.unread).toBe(0);
  });

  it('places voice-only calls, and tells the caller whether the callee is online at all', async () => {
    const amy = await env.as(env.d.amy);
    const ringing = next(amy, 'call:incoming');
    const placed = await ok(await env.as(env.d.orgA), 'call:invite', { userId: env.d.amy.user.id, audioOnly: true });
    expect(placed.online).toBe(true);
    expect(await ringing).toMatchObject({ callId: placed.callId, audioOnly: true });
    // Someone with no socket open anywhere: the call still rings out (and leaves a missed call), but the caller knows.
    const away = (await api(url(), 'POST', '/api/members', { token: env.d.admin.token, body: { name: 'Away', email: 'away@test.example', password: PASSWORD, branchId: env.d.branchA.id } })).body.user;
    const caller = await env.as(env.d.genOrg);
    const offline = await ok(caller, 'call:invite', { userId: away.id });
    expect(offline.online).toBe(false);
    await ok(caller, 'call:hangup', { callId: offline.callId });
  });
});
