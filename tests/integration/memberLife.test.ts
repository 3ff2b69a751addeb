import { describe, expect, it } from 'vitest';
import { api, next, ok, sleep } from '../helpers/clients';
import { addMember } from '../helpers/members';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const post = (path: string, token: string, body?: unknown) => api(env.server.url, 'POST', path, { token, body: body ?? {} });
const get = (path: string, token: string) => api(env.server.url, 'GET', path, { token });
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('signs of life and reporting home', () => {
  it('lists members silent for N days under a unit, most silent first, only those under the organizer; a sign of life takes them off', async () => {
    const { admin, orgA, orgB, genOrg, alice } = env.d;
    const quiet = await addMember(env.server.url, admin, env.d.branchA.id, 'Quiet');
    const never = await addMember(env.server.url, admin, env.d.branchA.id, 'Never');
    const db = env.server.db.knex;
    await env.server.app.services.signs.flush(); // their sign-ins are written before the past is set
    // A past that happened: Quiet last seen 200 days ago; Never made 120 days ago and never seen since.
    await db('users').where({ id: quiet.user.id }).update({ last_seen_at: ago(200) });
    await db('users').where({ id: never.user.id }).update({ created_at: ago(120), last_seen_at: null });
    await db('users').where({ id: orgA.user.id }).update({ last_seen_at: ago(300) }); // a peer of nobody but silent

    const list = await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}&days=90`, orgA.token);
    expect(list.status).toBe(200);
    expect(list.body.members.map((m: { user: { name: string } }) => m.user.name)).toEqual(['Quiet', 'Never']); // never themself
    expect(list.body.members[0]).toMatchObject({ lastSeenAt: expect.any(String), daysSilent: 200 });
    expect(list.body.members[1]).toMatchObject({ lastSeenAt: null, daysSilent: 120 });
    // genOrg (above) sees orgA too; a shorter window finds no more than the silent ones.
    const above = await get(`/api/members/lost-contact?orgId=${env.d.general.id}&days=90`, genOrg.token);
    expect(above.body.members.map((m: { user: { name: string } }) => m.user.name)).toEqual(['OrgA', 'Quiet', 'Never']);
    expect((await get(`/api/members/lost-contact?orgId=${env.d.general.id}&days=150`, genOrg.token)).body.members.map((m: { user: { name: string } }) => m.user.name)).toEqual(['OrgA', 'Quiet']);
    // Paged.
    const page1 = await get(`/api/members/lost-contact?orgId=${env.d.general.id}&days=90&limit=2`, genOrg.token);
    expect(page1.body.members).toHaveLength(2);
    const page2 = await get(`/api/members/lost-contact?orgId=${env.d.general.id}&days=90&limit=2&before=${page1.body.nextCursor}`, genOrg.token);
    expect(page2.body.members.map((m: { user: { name: string } }) => m.user.name)).toEqual(['Never']);
    // Refusals.
    expect((await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}`, orgB.token)).status).toBe(403);
    expect((await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}`, alice.token)).status).toBe(403);
    expect((await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}&days=0`, orgA.token)).status).toBe(400);
    expect((await get(`/api/members/lost-contact?orgId=999999`, orgA.token)).status).toBe(404);

    // Quiet opens the app (a socket) and sends a message; Never signs in: both are seen again.
    const socket = await env.as(quiet);
    await ok(socket, 'room:join', { roomId: `org:${env.d.branchA.id}` });
    await api(env.server.url, 'POST', '/api/auth/login', { body: { email: never.user.email, password: 'correct-horse-battery' } });
    const after = await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}&days=90`, orgA.token);
    expect(after.body.members.map((m: { user: { name: string } }) => m.user.name)).toEqual([]);
    const me = (await get('/api/me', quiet.token)).body.user;
    expect(Date.now() - Date.parse(me.lastSeenAt)).toBeLessThan(60_000);
  });

  it('a member reports home: location and mobile updated, a sign of life, the branch organizers told live', async () => {
    const { admin, orgA } = env.d;
    const far = await addMember(env.server.url, admin, env.d.branchA.id, 'Far', { location: 'Shenzhen' });
    await env.server.app.services.signs.flush();
    await env.server.db.knex('users').where({ id: far.user.id }).update({ last_seen_at: ago(400) });
    const orgASocket = await env.as(orgA);
    const told = next(orgASocket, 'notification', (x) => x.kind === 'member_reported' && x.data.member.id === far.user.id);
    expect((await post('/api/me/report-in', far.token, { location: '' , mobile: true })).status).toBe(400);
    expect((await post('/api/me/report-in', far.token, { location: 'Dubai' })).status).toBe(400);
    const made = await post('/api/me/report-in', far.token, { location: '迪拜 Dubai', mobile: true, note: '在工地做技术员，一切都好' });
    expect(made.status).toBe(201);
    expect(made.body.report).toMatchObject({ id: expect.any(Number), location: '迪拜 Dubai', mobile: true, note: '在工地做技术员，一切都好', at: expect.any(String) });
    const note = await told;
    expect(note.data).toMatchObject({ reportId: made.body.report.id, location: '迪拜 Dubai', mobile: true });
    expect(note.title).toContain('Far');
    const user = (await get('/api/me', far.token)).body.user;
    expect(user).toMatchObject({ location: '迪拜 Dubai', mobile: true });
    expect(Date.now() - Date.parse(user.lastSeenAt)).toBeLessThan(60_000);
    expect((await get('/api/me/reports', far.token)).body.reports[0]).toMatchObject({ id: made.body.report.id });
    const lost = await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}&days=90`, orgA.token);
    expect(lost.body.members.map((m: { user: { id: number } }) => m.user.id)).not.toContain(far.user.id);
  });
});

describe('training', () => {
  it('trainings per unit; organizers record (confirmed), members self-report (pending) and never confirm their own', async () => {
    const { admin, orgA, orgB, genOrg, bob } = env.d;
    const student = await addMember(env.server.url, admin, env.d.branchA.id, 'Student');
    const bad: Array<[string, unknown, number]> = [
      [student.token, { orgId: env.d.branchA.id, title: 'x', kind: 'course', hours: 2 }, 403],
      [orgB.token, { orgId: env.d.branchA.id, title: 'x', kind: 'course', hours: 2 }, 403],
      [orgA.token, { orgId: env.d.branchA.id, title: 'x', kind: 'seminar', hours: 2 }, 400],
      [orgA.token, { orgId: env.d.branchA.id, title: 'x', kind: 'course', hours: -1 }, 400],
      [orgA.token, { orgId: env.d.branchA.id, title: 'x', kind: 'course', hours: 0.3 }, 400],
      [orgA.token, { orgId: env.d.branchA.id, title: '', kind: 'course', hours: 2 }, 400],
      [orgA.token, { orgId: 999_999, title: 'x', kind: 'course', hours: 2 }, 404],
    ];
    for (const [token, body, status] of bad) expect((await post('/api/trainings', token, body)).status, JSON.stringify(body)).toBe(status);
    const course = (await post('/api/trainings', genOrg.token, { orgId: env.d.general.id, title: '党章党规学习', kind: 'course', hours: 4, description: '四个课时', startsAt: new Date().toISOString() })).body.training;
    expect(course).toMatchObject({ orgId: env.d.general.id, title: '党章党规学习', kind: 'course', hours: 4, meetingId: null });
    const local = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: 'Branch A reading', kind: 'self_study', hours: 1.5 })).body.training;

    // Who sees which: A's member sees both; B's member the general one only.
    expect((await get('/api/trainings', student.token)).body.trainings.map((t: { id: number }) => t.id)).toEqual(expect.arrayContaining([course.id, local.id]));
    expect((await get('/api/trainings', bob.token)).body.trainings.map((t: { id: number }) => t.id)).not.toContain(local.id);
    expect((await get(`/api/trainings/${local.id}`, bob.token)).status).toBe(403);
    expect((await get(`/api/trainings?orgId=${env.d.branchA.id}`, bob.token)).status).toBe(403);

    // An organizer over the member records it: confirmed, hours default to the training's.
    expect((await post(`/api/trainings/${course.id}/records`, orgB.token, { userId: student.user.id })).status).toBe(403);
    expect((await post(`/api/trainings/${course.id}/records`, student.token, { userId: student.user.id })).status).toBe(403);
    const recorded = await post(`/api/trainings/${course.id}/records`, orgA.token, { userId: student.user.id });
    expect(recorded.status).toBe(201);
    expect(recorded.body.record).toMatchObject({ trainingId: course.id, user: { id: student.user.id }, hours: 4, status: 'confirmed', confirmedBy: { id: orgA.user.id } });
    expect((await post(`/api/trainings/${course.id}/records`, orgA.token, { userId: student.user.id })).status).toBe(409);
    expect((await post(`/api/trainings/${course.id}/self-report`, student.token, { hours: 4, note: 'again' })).status).toBe(409);

    // Self-report: pending; bounded by the training's hours; for members of its unit only.
    expect((await post(`/api/trainings/${local.id}/self-report`, bob.token, { hours: 1, note: 'x' })).status).toBe(403);
    expect((await post(`/api/trainings/${local.id}/self-report`, student.token, { hours: 9, note: 'x' })).status).toBe(400);
    expect((await post(`/api/trainings/${local.id}/self-report`, student.token, { hours: 1 })).status).toBe(400);
    const pending = (await post(`/api/trainings/${local.id}/self-report`, student.token, { hours: 1.5, note: '读完了《习近平谈治国理政》第一章' })).body.record;
    expect(pending).toMatchObject({ status: 'pending', hours: 1.5, confirmedBy: null });
    // The organizer's queue holds it; nobody decides their own.
    expect((await get('/api/training-records?status=pending', orgA.token)).body.records.map((r: { id: number }) => r.id)).toContain(pending.id);
    expect((await get('/api/training-records?status=pending', orgB.token)).body.records.map((r: { id: number }) => r.id)).not.toContain(pending.id);
    expect((await post(`/api/training-records/${pending.id}/confirm`, student.token)).status).toBe(403);
    expect((await post(`/api/training-records/${pending.id}/confirm`, orgB.token)).status).toBe(403);
    expect((await post(`/api/training-records/${pending.id}/reject`, orgA.token, {})).status).toBe(400);
    const [c1, c2] = await Promise.all([post(`/api/training-records/${pending.id}/confirm`, orgA.token), post(`/api/training-records/${pending.id}/confirm`, genOrg.token)]);
    expect([c1.status, c2.status].sort()).toEqual([200, 409]);
    const confirmed = (c1.status === 200 ? c1 : c2).body.record;
    expect(confirmed).toMatchObject({ status: 'confirmed', hours: 1.5 });

    // A rejected self-report may be reported again.
    const other = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: 'Other', kind: 'lecture', hours: 2 })).body.training;
    const second = (await post(`/api/trainings/${other.id}/self-report`, student.token, { hours: 2, note: 'went' })).body.record;
    expect((await post(`/api/training-records/${second.id}/reject`, orgA.token, { note: '没有签到记录' })).body.record).toMatchObject({ status: 'rejected', note: '没有签到记录' });
    expect((await post(`/api/training-records/${second.id}/confirm`, orgA.token)).status).toBe(409);
    expect((await post(`/api/trainings/${other.id}/self-report`, student.token, { hours: 2, note: 'signed in late' })).body.record).toMatchObject({ id: second.id, status: 'pending' });

    // Records of a training: the organizer sees those under them, the member their own.
    expect((await get(`/api/trainings/${course.id}/records`, orgA.token)).body.records.map((r: { user: { id: number } }) => r.user.id)).toContain(student.user.id);
    expect((await get(`/api/trainings/${course.id}/records`, bob.token)).body.records).toEqual([]);
    expect((await get(`/api/training-records?userId=${student.user.id}`, student.token)).body.records).toHaveLength(3);
    expect((await get(`/api/training-records?userId=${student.user.id}`, bob.token)).status).toBe(403);
  });

  it('a meeting with trainingHours records attendance as confirmed training (a lecture linked to the meeting)', async () => {
    const { admin, orgA } = env.d;
    const listener = await addMember(env.server.url, admin, env.d.branchA.id, 'Listener');
    const startsAt = new Date(Date.now() + 3600_000).toISOString();
    expect((await post('/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: '专题党课', startsAt, capacity: 10, openTo: 'host', trainingHours: -2 })).status).toBe(400);
    const meeting = (await post('/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: '专题党课', startsAt, capacity: 10, openTo: 'host', trainingHours: 2 })).body.meeting;
    expect(meeting.trainingHours).toBe(2);
    const socket = await env.as(listener);
    await ok(socket, 'meeting:signup', { meetingId: meeting.id });
    const orgSocket = await env.as(orgA);
    await ok(orgSocket, 'meeting:attend', { meetingId: meeting.id, userId: listener.user.id });
    const card = (await get(`/api/members/${listener.user.id}/card`, listener.token)).body;
    expect(card.trainings).toEqual([expect.objectContaining({ training: expect.objectContaining({ title: '专题党课', kind: 'lecture' }), hours: 2, status: 'confirmed', confirmedBy: { id: orgA.user.id, name: 'OrgA' } })]);
    expect(card.trainingHours).toEqual({ year: new Date().getUTCFullYear(), hours: 2 });
    const trainings = (await get(`/api/trainings?orgId=${env.d.branchA.id}`, listener.token)).body.trainings;
    expect(trainings.find((t: { meetingId: number | null }) => t.meetingId === meeting.id)).toMatchObject({ kind: 'lecture', hours: 2 });
    // Editing the hours later changes future attendance, not the record.
    expect((await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: orgA.token, body: { trainingHours: 3 } })).body.meeting.trainingHours).toBe(3);
  });
});

describe('the audit log', () => {
  it('every organizer or admin change writes an entry in its transaction; organizers read their units, members nothing; no way to change it', async () => {
    const { admin, orgA, orgB, genOrg, alice } = env.d;
    const subject = await addMember(env.server.url, orgA, env.d.branchA.id, 'Audited');
    await api(env.server.url, 'PATCH', `/api/members/${subject.user.id}`, { token: orgA.token, body: { name: 'Audited Two', location: 'Chengdu' } });
    await api(env.server.url, 'PATCH', `/api/members/${subject.user.id}`, { token: subject.token, body: { timezone: 'Europe/Paris' } }); // their own: not audited
    await api(env.server.url, 'PUT', `/api/dues/rates/${subject.user.id}`, { token: orgA.token, body: { monthlyAmount: 500 } });
    const period = new Date().toISOString().slice(0, 7);
    await post('/api/dues/corrections', orgA.token, { userId: subject.user.id, period, amount: -100, note: '多收退回' });
    const t = (await post('/api/transfers', subject.token, { toBranchId: env.d.branchB.id, reason: 'audit' })).body.transfer;
    await post(`/api/transfers/${t.id}/approve`, orgA.token);
    // A failed change writes nothing: a refused approval, a correction for a member not under the organizer.
    expect((await post(`/api/transfers/${t.id}/approve`, orgA.token)).status).toBe(403);
    expect((await post('/api/dues/corrections', orgB.token, { userId: subject.user.id, period, amount: -1, note: 'x' })).status).toBe(403);

    const entries = (await get(`/api/audit?orgId=${env.d.branchA.id}`, orgA.token)).body.entries as Array<{ action: string; target: { type: string; id: number }; actor: { id: number }; before: any; after: any; orgId: number; at: string }>;
    const about = entries.filter((e) => (e.target.type === 'user' && e.target.id === subject.user.id) || (e.target.type === 'transfer' && e.target.id === t.id));
    expect(about.map((e) => e.action)).toEqual(['transfer.approve', 'dues.correct', 'dues.setRate', 'member.update', 'member.create']);
    expect(about.every((e) => e.actor.id === orgA.user.id && e.orgId === env.d.branchA.id)).toBe(true);
    // Targets carry their current name (a transfer is named after its member).
    expect(about.every((e) => (e as unknown as { target: { name: string } }).target.name === 'Audited Two')).toBe(true);
    const update = about.find((e) => e.action === 'member.update')!;
    expect(update.before).toEqual({ name: 'Audited', location: null });
    expect(update.after).toEqual({ name: 'Audited Two', location: 'Chengdu' });
    expect(about.find((e) => e.action === 'transfer.approve')!.after).toMatchObject({ status: 'pending_in' });
    expect(about.find((e) => e.action === 'member.create')!.after).not.toHaveProperty('email');

    // Filters and paging, newest first.
    const corrections = (await get(`/api/audit?action=dues.correct`, orgA.token)).body.entries;
    expect(corrections.every((e: { action: string }) => e.action === 'dues.correct')).toBe(true);
    expect((await get(`/api/audit?actorId=${orgA.user.id}`, genOrg.token)).body.entries.every((e: { actor: { id: number } }) => e.actor.id === orgA.user.id)).toBe(true);
    const page = await get('/api/audit?limit=2', admin.token);
    expect(page.body.entries).toHaveLength(2);
    const rest = await get(`/api/audit?limit=2&before=${page.body.nextCursor}`, admin.token);
    expect(rest.body.entries[0].id).toBeLessThan(page.body.entries[1].id);
    // Who reads what.
    expect((await get(`/api/audit?orgId=${env.d.branchA.id}`, orgB.token)).status).toBe(403);
    expect((await get('/api/audit', alice.token)).status).toBe(403);
    const orgBView = (await get('/api/audit', orgB.token)).body.entries as Array<{ orgId: number }>;
    expect(orgBView.every((e) => e.orgId === env.d.branchB.id)).toBe(true);
    // Entries about a peer or superior are not shown to an organizer (the admin's appointment of orgA).
    expect(entries.some((e) => e.action === 'org.appoint' && e.target.id === orgA.user.id)).toBe(false);
    expect((await get(`/api/audit?action=org.appoint`, admin.token)).body.entries.length).toBeGreaterThan(0);
    expect((await get('/api/audit?action=drop table', admin.token)).status).toBe(400);
    // Nothing changes or deletes an entry.
    const id = entries[0] as unknown as { id: number };
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await api(env.server.url, method, `/api/audit/${id.id}`, { token: admin.token, body: {} })).status).toBe(404);
  });
});

describe('the activity card', () => {
  it('is filled from a scripted life: transfer, meetings, calls, training, payments, reports (JSON and CSV)', async () => {
    const { admin, orgA, orgB } = env.d;
    const life = await addMember(env.server.url, admin, env.d.branchA.id, 'Life', { location: '成都', mobile: true });
    const lifeSocket = await env.as(life);
    const orgASocket = await env.as(orgA);
    // A meeting attended.
    const meeting = (await post('/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: '主题党日', startsAt: new Date(Date.now() + 3600_000).toISOString(), capacity: 5, openTo: 'all', trainingHours: 1 })).body.meeting;
    await ok(lifeSocket, 'meeting:signup', { meetingId: meeting.id });
    await ok(orgASocket, 'meeting:attend', { meetingId: meeting.id, userId: life.user.id });
    // A call.
    const ringing = next(lifeSocket, 'call:incoming');
    const { callId } = await ok(orgASocket, 'call:invite', { userId: life.user.id });
    await ringing;
    await ok(lifeSocket, 'call:accept', { callId });
    await sleep(200);
    await ok(orgASocket, 'call:hangup', { callId });
    // Training, a payment, a report home.
    const course = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: '网上党课', kind: 'course', hours: 2.5 })).body.training;
    await post(`/api/trainings/${course.id}/records`, orgA.token, { userId: life.user.id });
    await api(env.server.url, 'PUT', `/api/dues/rates/${life.user.id}`, { token: orgA.token, body: { monthlyAmount: 800 } });
    const period = (await get('/api/dues/me', life.token)).body.periods[0].period;
    await post('/api/dues/payments', life.token, { period, amount: 800, reference: `life-${Date.now()}` });
    await post('/api/me/report-in', life.token, { location: '拉萨', mobile: true, note: '援藏' });
    // A transfer.
    const t = (await post('/api/transfers', life.token, { toBranchId: env.d.branchB.id, reason: '援藏结束，回老家' })).body.transfer;
    await post(`/api/transfers/${t.id}/approve`, orgA.token);
    await post(`/api/transfers/${t.id}/approve`, orgB.token);

    const card = (await get(`/api/members/${life.user.id}/card`, orgB.token)).body;
    expect(card.member).toMatchObject({ id: life.user.id, name: 'Life', location: '拉萨', mobile: true, status: 'active', branchId: env.d.branchB.id });
    expect(card.branch).toMatchObject({ id: env.d.branchB.id });
    expect(card.branchHistory).toEqual([
      expect.objectContaining({ branchId: env.d.branchA.id, name: env.d.branchA.name, to: expect.any(String) }),
      expect.objectContaining({ branchId: env.d.branchB.id, name: env.d.branchB.name, to: null }),
    ]);
    expect(card.branchHistory[0].to).toBe(card.branchHistory[1].from);
    expect(card.transfers).toEqual([expect.objectContaining({ id: t.id, status: 'completed' })]);
    expect(card.meetings).toEqual([expect.objectContaining({ meetingId: meeting.id, status: 'attended', attendedAt: expect.any(String) })]);
    expect(card.calls[0]).toMatchObject({ id: callId, status: 'ended' });
    expect(card.trainings.map((r: { training: { title: string }; hours: number }) => [r.training.title, r.hours]).sort()).toEqual([['主题党日', 1], ['网上党课', 2.5]]);
    expect(card.trainingHours.hours).toBe(3.5);
    expect(card.dues.periods[0]).toMatchObject({ period, amount: 800, paid: 800, status: 'paid' });
    expect(card.reports).toEqual([expect.objectContaining({ location: '拉萨', note: '援藏' })]);
    expect(Date.now() - Date.parse(card.lastSeenAt)).toBeLessThan(60_000);

    const csv = await fetch(`${env.server.url}/api/members/${life.user.id}/card?format=csv`, { headers: { authorization: `Bearer ${life.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain(`activity-card-${life.user.id}.csv`);
    const text = await csv.text();
    for (const section of ['member,', 'branch,', 'transfer,', 'meeting,', 'call,', 'dues,', 'training,', 'training_hours,', 'report,']) expect(text).toContain(`\r\n${section}`);
    expect(text).toContain('网上党课');
    expect((await fetch(`${env.server.url}/api/members/${life.user.id}/card?format=csv`, { headers: { authorization: `Bearer ${orgA.token}` } })).status).toBe(403);
    expect((await get(`/api/members/${life.user.id}/card?format=pdf`, life.token)).status).toBe(400);
  });
});
