import { describe, expect, it } from 'vitest';
import { sendMeetingReminders } from '../../server/jobs/meetingReminders';
import { api, collect, next, ok, request, sleep, waitFor } from '../helpers/clients';
import { buildDistrict } from '../helpers/district';
import { createTestStore, startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

async function createMeeting(token: string, body: Record<string, unknown>) {
  const res = await api(env.server.url, 'POST', '/api/meetings', {
    token,
    body: { title: 'Rising prices: a round table', topic: 'prices', startsAt: inHours(48), capacity: 2, openTo: 'all', hostOrgId: env.d.branchA.id, ...body },
  });
  if (res.status !== 201) throw new Error(`create meeting: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.meeting;
}

describe('creating and browsing meetings', () => {
  it('lets organizers over the host create meetings, with clear errors for everything else', async () => {
    const meeting = await createMeeting(env.d.orgA.token, { description: '物价圆桌会，邀请专家', location: 'Community hall', endsAt: inHours(50) });
    expect(meeting).toMatchObject({ hostOrgId: env.d.branchA.id, status: 'open', capacity: 2, confirmed: 0, waitlisted: 0, openTo: 'all', online: false, topic: 'prices' });
    await createMeeting(env.d.genOrg.token, { hostOrgId: env.d.general.id });
    const base = { title: 'x', startsAt: inHours(2), capacity: 5, openTo: 'all', hostOrgId: env.d.branchA.id };
    const cases: Array<[string, Record<string, unknown>, number]> = [
      [env.d.alice.token, base, 403],
      [env.d.orgB.token, base, 403],
      [env.d.orgA.token, { ...base, hostOrgId: env.d.general.id }, 403],
      [env.d.orgA.token, { ...base, hostOrgId: 999999 }, 404],
      [env.d.orgA.token, { ...base, startsAt: inHours(-1) }, 400],
      [env.d.orgA.token, { ...base, endsAt: inHours(1) }, 400],
      [env.d.orgA.token, { ...base, capacity: 0 }, 400],
      [env.d.orgA.token, { ...base, capacity: 100_001 }, 400],
      [env.d.orgA.token, { ...base, openTo: 'everyone' }, 400],
      [env.d.orgA.token, { ...base, startsAt: 'tomorrow' }, 400],
      [env.d.orgA.token, { ...base, title: '' }, 400],
    ];
    for (const [token, body, status] of cases) {
      expect((await api(env.server.url, 'POST', '/api/meetings', { token, body })).status, JSON.stringify(body)).toBe(status);
    }
  });

  it('shows members the meetings they may join: all-district ones and their own units\' host-only ones', async () => {
    const open = await createMeeting(env.d.orgA.token, { title: 'Open to all', topic: 'housing', startsAt: inHours(30) });
    const hostOnly = await createMeeting(env.d.orgA.token, { title: 'Branch A only', openTo: 'host', startsAt: inHours(20) });
    const asBob = await api(env.server.url, 'GET', '/api/meetings', { token: env.d.bob.token });
    const bobIds = asBob.body.meetings.map((m: { id: number }) => m.id);
    expect(bobIds).toContain(open.id);
    expect(bobIds).not.toContain(hostOnly.id);
    const asAlice = await api(env.server.url, 'GET', '/api/meetings', { token: env.d.alice.token });
    const starts = asAlice.body.meetings.map((m: { startsAt: string }) => m.startsAt);
    expect(asAlice.body.meetings.map((m: { id: number }) => m.id)).toEqual(expect.arrayContaining([open.id, hostOnly.id]));
    expect(starts).toEqual([...starts].sort()); // upcoming first, soonest first
    const byTopic = await api(env.server.url, 'GET', '/api/meetings?topic=housing', { token: env.d.alice.token });
    expect(byTopic.body.meetings.map((m: { id: number }) => m.id)).toEqual([open.id]);
    const byUnit = await api(env.server.url, 'GET', `/api/meetings?orgId=${env.d.branchB.id}`, { token: env.d.alice.token });
    expect(byUnit.body.meetings).toEqual([]);
    expect((await api(env.server.url, 'GET', `/api/meetings/${hostOnly.id}`, { token: env.d.bob.token })).status).toBe(403);
    expect((await api(env.server.url, 'GET', '/api/meetings/999999', { token: env.d.bob.token })).status).toBe(404);
    expect((await api(env.server.url, 'GET', '/api/meetings?status=maybe', { token: env.d.bob.token })).status).toBe(400);
    const detail = await api(env.server.url, 'GET', `/api/meetings/${open.id}`, { token: env.d.bob.token });
    expect(detail.body).toMatchObject({ meeting: { id: open.id }, mySignup: null, canManage: false });
  });
});

describe('the life of a meeting', () => {
  it('signs up, waitlists, promotes on cancel and on a capacity raise, pushes counts, and records attendance', async () => {
    const meeting = await createMeeting(env.d.orgA.token, { capacity: 2 });
    const [alice, amy, bob, orgB, organizer, watcher] = await Promise.all([env.d.alice, env.d.amy, env.d.bob, env.d.orgB, env.d.orgA, env.d.genOrg].map((p) => env.as(p)));
    const watched = await ok(watcher, 'meeting:watch', { meetingId: meeting.id });
    expect(watched.counts).toMatchObject({ meetingId: meeting.id, capacity: 2, confirmed: 0, waitlisted: 0, status: 'open' });
    const counts = collect(watcher, 'meeting:counts');

    expect(await ok(alice, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'confirmed', position: null });
    expect(await ok(alice, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'confirmed', position: null });
    expect(await ok(amy, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'confirmed', position: null });
    expect(await ok(bob, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'waitlisted', position: 1 });
    expect(await ok(orgB, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'waitlisted', position: 2 });
    expect(await ok(bob, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'waitlisted', position: 1 });
    await waitFor(() => counts.at(-1)?.waitlisted === 2, 3000, 'counts to reach the watcher');
    expect(counts.at(-1)).toMatchObject({ confirmed: 2, waitlisted: 2, capacity: 2, status: 'open' });

    const detail = await api(env.server.url, 'GET', `/api/meetings/${meeting.id}`, { token: env.d.orgB.token });
    expect(detail.body.mySignup).toMatchObject({ status: 'waitlisted', position: 2, checkInCode: expect.stringMatching(/^[A-Z2-9]{6}$/) });

    // Amy cancels: Bob, head of the waitlist, gets her seat at once, with an event and a notification.
    const promoted = next(bob, 'meeting:promoted');
    const notified = next(bob, 'notification', (n) => n.kind === 'meeting_promoted');
    expect(await ok(amy, 'meeting:cancel', { meetingId: meeting.id })).toEqual({ status: 'cancelled' });
    expect(await promoted).toEqual({ meetingId: meeting.id });
    expect(await notified).toMatchObject({ kind: 'meeting_promoted', data: { meetingId: meeting.id }, readAt: null });
    expect((await api(env.server.url, 'GET', `/api/meetings/${meeting.id}`, { token: env.d.orgB.token })).body.mySignup.position).toBe(1);
    expect(await ok(amy, 'meeting:cancel', { meetingId: meeting.id })).toEqual({ status: 'cancelled' });

    // Amy signs up again: at the end of the waitlist.
    expect(await ok(amy, 'meeting:signup', { meetingId: meeting.id })).toEqual({ status: 'waitlisted', position: 2 });

    // Raising the capacity to 4 promotes both waiting members, in order.
    const raised = await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.orgA.token, body: { capacity: 4 } });
    expect(raised.body.meeting).toMatchObject({ capacity: 4, confirmed: 4, waitlisted: 0 });
    expect((await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.orgA.token, body: { capacity: 3 } })).status).toBe(409);
    expect((await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.alice.token, body: { capacity: 9 } })).status).toBe(403);
    await waitFor(() => counts.at(-1)?.confirmed === 4 && counts.at(-1)?.waitlisted === 0, 3000, 'counts after the raise');

    // The organizer sees the list and marks attendance at the door, by user or by code.
    const signups = (await api(env.server.url, 'GET', `/api/meetings/${meeting.id}/signups`, { token: env.d.orgA.token })).body.signups;
    expect(signups.map((s: { user: { id: number } }) => s.user.id).sort()).toEqual([env.d.alice, env.d.amy, env.d.bob, env.d.orgB].map((p) => p.user.id).sort());
    expect((await api(env.server.url, 'GET', `/api/meetings/${meeting.id}/signups`, { token: env.d.alice.token })).status).toBe(403);
    expect(await ok(organizer, 'meeting:attend', { meetingId: meeting.id, userId: env.d.alice.user.id })).toEqual({ status: 'attended', userId: env.d.alice.user.id });
    const bobCode = signups.find((s: { user: { id: number } }) => s.user.id === env.d.bob.user.id).checkInCode;
    expect(await ok(organizer, 'meeting:attend', { meetingId: meeting.id, code: bobCode.toLowerCase() })).toEqual({ status: 'attended', userId: env.d.bob.user.id });
    expect((await request(alice, 'meeting:attend', { meetingId: meeting.id, userId: env.d.amy.user.id })).ok).toBe(false);
    expect(await request(organizer, 'meeting:attend', { meetingId: meeting.id, code: 'ZZZZZZ' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(organizer, 'meeting:attend', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await request(alice, 'meeting:cancel', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // The meeting's live room: seat holders and organizers, not others.
    const roomId = `meeting:${meeting.id}`;
    await ok(alice, 'room:join', { roomId });
    await ok(organizer, 'room:join', { roomId });
    const heard = next(organizer, 'chat:message');
    await ok(alice, 'chat:send', { roomId, clientId: 'm1', body: '我到了' });
    expect((await heard).body).toBe('我到了');
    const outsider = await env.as(env.d.admin);
    expect((await request(outsider, 'room:join', { roomId })).ok).toBe(true); // admin
    const stranger = await env.as(env.d.orgB); // signed up and confirmed
    expect((await request(stranger, 'room:join', { roomId })).ok).toBe(true);
  });

  it('closes sign-up, refuses sign-ups to closed, cancelled and started meetings, and tells everyone of a cancellation', async () => {
    const meeting = await createMeeting(env.d.orgA.token, { capacity: 1 });
    const [alice, amy, bob] = await Promise.all([env.d.alice, env.d.amy, env.d.bob].map((p) => env.as(p)));
    await ok(alice, 'meeting:signup', { meetingId: meeting.id });
    await ok(amy, 'meeting:signup', { meetingId: meeting.id });
    // A place on the waitlist is not a seat in the meeting's room.
    expect(await request(amy, 'room:join', { roomId: `meeting:${meeting.id}` })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.orgA.token, body: { status: 'closed' } })).body.meeting.status).toBe('closed');
    expect(await request(bob, 'meeting:signup', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await request(alice, 'meeting:signup', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // A waitlisted member still moves up when a seat frees on a closed meeting.
    const promoted = next(amy, 'meeting:promoted');
    await ok(alice, 'meeting:cancel', { meetingId: meeting.id });
    await promoted;

    const told = [next(amy, 'notification', (n) => n.kind === 'meeting_cancelled')];
    expect((await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.orgA.token, body: { status: 'cancelled' } })).body.meeting.status).toBe('cancelled');
    expect(await told[0]).toMatchObject({ data: { meetingId: meeting.id } });
    expect(await request(bob, 'meeting:signup', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await api(env.server.url, 'PATCH', `/api/meetings/${meeting.id}`, { token: env.d.orgA.token, body: { status: 'open' } })).status).toBe(409);

    const soon = await createMeeting(env.d.orgA.token, { capacity: 5 });
    await env.server.db.knex('meetings').where({ id: soon.id }).update({ starts_at: inHours(-0.1) });
    expect(await request(bob, 'meeting:signup', { meetingId: soon.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('keeps host-only meetings to their unit and answers bad payloads', async () => {
    const meeting = await createMeeting(env.d.orgA.token, { openTo: 'host' });
    const [bob, alice] = await Promise.all([env.as(env.d.bob), env.as(env.d.alice)]);
    expect(await request(bob, 'meeting:signup', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(bob, 'meeting:watch', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(bob, 'room:join', { roomId: `meeting:${meeting.id}` })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await ok(alice, 'meeting:signup', { meetingId: meeting.id })).status).toBe('confirmed');
    for (const payload of [{}, { meetingId: 'one' }, { meetingId: -3 }, null, 'x']) {
      expect(await request(alice, 'meeting:signup', payload as any)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
    expect(await request(alice, 'meeting:signup', { meetingId: 987654 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(alice, 'meeting:cancel', { meetingId: 987654 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const noSignup = await createMeeting(env.d.orgA.token, {});
    expect(await request(alice, 'meeting:cancel', { meetingId: noSignup.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('offers the meeting as an .ics calendar file', async () => {
    const meeting = await createMeeting(env.d.orgA.token, { title: 'Rehousing plan; questions, answers', location: 'Hall 2', startsAt: '2027-03-01T01:30:00.000Z' });
    const res = await fetch(`${env.server.url}/api/meetings/${meeting.id}/calendar.ics`, { headers: { authorization: `Bearer ${env.d.bob.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await res.text();
    expect(text).toContain('BEGIN:VEVENT\r\n');
    expect(text).toContain('DTSTART:20270301T013000Z');
    expect(text).toContain('SUMMARY:Rehousing plan\\; questions\\, answers');
    expect(text).toContain('LOCATION:Hall 2');
  });
});

describe('notifications and reminders', () => {
  it('lists notifications with the unread count and marks them read', async () => {
    const list = await api(env.server.url, 'GET', '/api/notifications', { token: env.d.bob.token });
    expect(list.body.notifications.length).toBeGreaterThan(0);
    const first = list.body.notifications[0];
    const unread = (await api(env.server.url, 'GET', '/api/notifications?unread=1', { token: env.d.bob.token })).body;
    expect(unread.unread).toBe(unread.notifications.length);
    expect((await api(env.server.url, 'POST', `/api/notifications/${first.id}/read`, { token: env.d.bob.token })).status).toBe(204);
    expect((await api(env.server.url, 'POST', `/api/notifications/${first.id}/read`, { token: env.d.alice.token })).status).toBe(404);
    const after = (await api(env.server.url, 'GET', '/api/notifications?unread=1', { token: env.d.bob.token })).body;
    expect(after.notifications.map((n: { id: number }) => n.id)).not.toContain(first.id);
  });

  it('reminds each seat holder once, however often the job runs', async () => {
    const meeting = await createMeeting(env.d.orgA.token, { capacity: 1 });
    const [alice, amy] = await Promise.all([env.as(env.d.alice), env.as(env.d.amy)]);
    await ok(alice, 'meeting:signup', { meetingId: meeting.id });
    await ok(amy, 'meeting:signup', { meetingId: meeting.id }); // waitlisted: no reminder
    const pushed = collect(alice, 'notification');
    const deps = env.server.app.jobContext;
    const job = { meetingId: meeting.id, startsAt: meeting.startsAt };
    const runs = await Promise.all([sendMeetingReminders(deps, job), sendMeetingReminders(deps, job), sendMeetingReminders(deps, job)]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect((await sendMeetingReminders(deps, job)).sent).toBe(0);
    expect((await sendMeetingReminders(deps, { ...job, startsAt: inHours(99) })).sent).toBe(0); // a moved meeting's old job
    const stored = await env.server.db.knex('notifications').where({ kind: 'meeting_reminder' }).select('user_id', 'data');
    expect(stored.filter((n: { data: string }) => JSON.parse(n.data).meetingId === meeting.id).map((n: { user_id: number }) => n.user_id)).toEqual([env.d.alice.user.id]);
    await waitFor(() => pushed.length > 0, 5000, 'the live reminder');
    await sleep(200);
    expect(pushed.map((n) => n.kind)).toEqual(['meeting_reminder']); // pushed once, after its commit
  });

  it('sends the reminder through BullMQ when the lead time comes, live to the open page', async () => {
    const server = await startTestServer(env.store, { env: { MEETING_REMINDER_LEAD: '3600s' } });
    try {
      const res = await api(server.url, 'POST', '/api/meetings', {
        token: env.d.orgA.token,
        body: { title: 'Soon', startsAt: new Date(Date.now() + 3600_000 + 2500).toISOString(), capacity: 3, openTo: 'all', hostOrgId: env.d.branchA.id },
      });
      const alice = await env.as(env.d.alice, server);
      await ok(alice, 'meeting:signup', { meetingId: res.body.meeting.id });
      const reminder = await next(alice, 'notification', (n) => n.kind === 'meeting_reminder', 15_000);
      expect(reminder.data).toMatchObject({ meetingId: res.body.meeting.id });
      await sleep(200);
    } finally {
      await server.close();
    }
  });
});

describe('the standalone worker', () => {
  it('`server/worker.ts` processes reminders for servers running with WORKERS=off and pushes them live', async () => {
    const { spawn } = await import('node:child_process');
    // A store of its own: no in-process worker anywhere may pick the job up instead.
    const store = createTestStore();
    const server = await startTestServer(store, { env: { MEETING_REMINDER_LEAD: '3600s', WORKERS: 'off' } });
    const d = await buildDistrict(server.url, server.db);
    const worker = spawn(process.execPath, ['--import', 'tsx', 'server/worker.ts'], {
      env: { ...process.env, DATABASE_URL: store.databaseUrl, KEY_PREFIX: store.keyPrefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.stdout!.on('data', (chunk) => String(chunk).includes('worker is running') && resolve());
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
      const res = await api(server.url, 'POST', '/api/meetings', {
        token: d.orgA.token,
        body: { title: 'Via the worker', startsAt: new Date(Date.now() + 3600_000 + 2500).toISOString(), capacity: 3, openTo: 'all', hostOrgId: d.branchA.id },
      });
      const amy = await env.as(d.amy, server);
      await ok(amy, 'meeting:signup', { meetingId: res.body.meeting.id });
      const reminder = await next(amy, 'notification', (n) => n.kind === 'meeting_reminder' && n.data.meetingId === res.body.meeting.id, 15_000);
      expect(reminder.title).toContain('Via the worker');
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      worker.kill('SIGKILL');
      await server.close();
      await store.destroy();
    }
  });
});
