import { describe, expect, it } from 'vitest';
import { api, next, ok, sleep } from '../helpers/clients';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

describe('scheduled check-ins and the member card', () => {
  it('schedules a check-in, reminds both sides, links the call, and shows it all on the member\'s card', async () => {
    const server = await startTestServer(env.store, { env: { CHECKIN_REMINDER_LEAD: '3600s' } });
    try {
      const alice = await env.as(env.d.alice, server);
      const orgA = await env.as(env.d.orgA, server);
      const at = new Date(Date.now() + 3600_000 + 2000).toISOString();
      const bad = [
        [env.d.bob.token, { memberId: env.d.alice.user.id, scheduledAt: at }, 403],
        [env.d.orgB.token, { memberId: env.d.alice.user.id, scheduledAt: at }, 403],
        [env.d.orgA.token, { memberId: env.d.alice.user.id, scheduledAt: new Date(Date.now() - 60_000).toISOString() }, 400],
        [env.d.orgA.token, { memberId: 999_999, scheduledAt: at }, 404],
        [env.d.orgA.token, { memberId: env.d.alice.user.id, scheduledAt: 'soon' }, 400],
      ] as const;
      for (const [token, body, status] of bad) expect((await api(server.url, 'POST', '/api/checkins', { token, body })).status).toBe(status);

      const remindAlice = next(alice, 'notification', (n) => n.kind === 'checkin_reminder', 15_000);
      const remindOrgA = next(orgA, 'notification', (n) => n.kind === 'checkin_reminder', 15_000);
      const made = await api(server.url, 'POST', '/api/checkins', { token: env.d.orgA.token, body: { memberId: env.d.alice.user.id, scheduledAt: at, note: '学习情况' } });
      expect(made.status).toBe(201);
      expect(made.body.checkin).toMatchObject({ member: { id: env.d.alice.user.id }, organizer: { id: env.d.orgA.user.id }, scheduledAt: at, status: 'scheduled' });
      expect((await remindAlice).data).toMatchObject({ checkinId: made.body.checkin.id, with: { id: env.d.orgA.user.id } });
      expect((await remindOrgA).data).toMatchObject({ checkinId: made.body.checkin.id, with: { id: env.d.alice.user.id } });

      // The organizer calls for the check-in; the call is linked and counted.
      expect((await (await env.as(env.d.amy, server)).timeout(5000).emitWithAck('call:invite', { userId: env.d.alice.user.id, checkinId: made.body.checkin.id })).ok).toBe(false);
      const ringing = next(alice, 'call:incoming');
      const { callId } = await ok(orgA, 'call:invite', { userId: env.d.alice.user.id, checkinId: made.body.checkin.id });
      await ringing;
      await ok(alice, 'call:accept', { callId });
      await sleep(1100);
      await ok(orgA, 'call:hangup', { callId });
      const list = await api(server.url, 'GET', '/api/checkins', { token: env.d.alice.token });
      expect(list.body.checkins[0]).toMatchObject({ id: made.body.checkin.id, status: 'done', callId });

      const card = await api(server.url, 'GET', `/api/members/${env.d.alice.user.id}/card`, { token: env.d.genOrg.token });
      expect(card.status).toBe(200);
      expect(card.body.member).toMatchObject({ id: env.d.alice.user.id, name: 'Alice', timezone: 'Europe/London', mobile: true });
      expect(card.body.branch).toMatchObject({ id: env.d.branchA.id });
      expect(card.body.calls[0]).toMatchObject({ id: callId, status: 'ended', endReason: 'hangup' });
      expect(card.body.calls[0].durationS).toBeGreaterThanOrEqual(1);
      expect(card.body.checkins[0]).toMatchObject({ status: 'done', callId });
      expect(card.body).toMatchObject({ dues: { periods: [], balanceDue: 0 }, trainings: [] });
      expect((await api(server.url, 'GET', `/api/members/${env.d.alice.user.id}/card`, { token: env.d.alice.token })).status).toBe(200);
      expect((await api(server.url, 'GET', `/api/members/${env.d.alice.user.id}/card`, { token: env.d.bob.token })).status).toBe(403);
      expect((await api(server.url, 'GET', `/api/members/${env.d.alice.user.id}/card`, { token: env.d.orgB.token })).status).toBe(403);
      expect((await api(server.url, 'GET', '/api/members/999999/card', { token: env.d.admin.token })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('shows attended meetings on the card', async () => {
    const meeting = await api(env.server.url, 'POST', '/api/meetings', {
      token: env.d.orgA.token,
      body: { title: 'Study session', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 5, openTo: 'all', hostOrgId: env.d.branchA.id },
    });
    const amy = await env.as(env.d.amy);
    const orgA = await env.as(env.d.orgA);
    await ok(amy, 'meeting:signup', { meetingId: meeting.body.meeting.id });
    await ok(orgA, 'meeting:attend', { meetingId: meeting.body.meeting.id, userId: env.d.amy.user.id });
    const card = await api(env.server.url, 'GET', `/api/members/${env.d.amy.user.id}/card`, { token: env.d.orgA.token });
    expect(card.body.meetings).toContainEqual(expect.objectContaining({ meetingId: meeting.body.meeting.id, title: 'Study session', status: 'attended' }));
  });
});
