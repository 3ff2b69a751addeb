import { describe, expect, it } from 'vitest';
import { api, ok } from '../helpers/clients';
import { addMember } from '../helpers/members';
import { useDistrictServer } from '../helpers/setup';
import { HOME_ZONES } from '../../server/domain/stats';

const env = useDistrictServer();
const call = (method: string, path: string, token: string, body?: unknown) => api(env.server.url, method, path, { token, body });
const n = (rows: unknown) => Number((rows as Array<{ n: string | number }>)[0].n);

describe('district statistics', () => {
  it('every figure equals the count taken directly from the records, for the district and for a unit; organizers their units only', async () => {
    const { admin, orgA, orgB, alice, amy, bob } = env.d;
    // Some life to count.
    const abroad = await addMember(env.server.url, admin, env.d.branchA.id, 'Abroad', { timezone: 'Europe/Paris', mobile: true });
    await call('POST', '/api/discussions', alice.token, { orgId: env.d.branchA.id, title: '讨论', body: '内容' });
    await call('POST', '/api/discussions', bob.token, { orgId: env.d.branchB.id, title: '讨论', body: '内容' });
    await call('POST', '/api/posts', alice.token, { title: '博客', body: '内容', status: 'published' });
    await call('POST', '/api/posts', bob.token, { title: '草稿', body: '内容', status: 'draft' });
    await call('POST', '/api/announcements', orgA.token, { orgId: env.d.branchA.id, title: '通知', body: '内容' });
    const t = (await call('POST', '/api/transfers', abroad.token, { toBranchId: env.d.branchB.id, reason: 'x' })).body.transfer;
    expect(t.status).toBe('pending_out');
    const meeting = (await call('POST', '/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: '会', startsAt: new Date(Date.now() + 3600_000).toISOString(), capacity: 5, openTo: 'all' })).body.meeting;
    const amySocket = await env.as(amy);
    await ok(amySocket, 'meeting:signup', { meetingId: meeting.id });
    await ok(await env.as(orgA), 'meeting:attend', { meetingId: meeting.id, userId: amy.user.id });
    await env.server.db.knex('meetings').where({ id: meeting.id }).update({ starts_at: new Date(Date.now() - 3600_000).toISOString() }); // it took place
    await env.server.db.knex('users').where({ id: bob.user.id }).update({ last_seen_at: new Date(Date.now() - 200 * 86_400_000).toISOString() });
    await call('PUT', `/api/dues/unit-rates/${env.d.general.id}`, admin.token, { monthlyAmount: 1000 });
    const period = (await call('GET', '/api/dues/me', alice.token)).body.periods[0].period;
    await call('POST', '/api/dues/payments', alice.token, { period, amount: 1000, reference: `s-${Date.now()}` });

    const db = env.server.db.knex;
    const direct = async (branchIds: number[], orgIds: number[]) => {
      const active = () => db('users').whereIn('branch_id', branchIds).andWhere('active', true);
      return {
        members: {
          active: n(await active().count('* as n')),
          mobile: n(await active().andWhere('mobile', true).count('* as n')),
          abroad: n(await active().whereNotIn('timezone', HOME_ZONES).count('* as n')),
          inTransit: n(await active().andWhere('in_transit', true).count('* as n')),
          lostContact: n(await active().andWhere(db.raw('coalesce(last_seen_at, created_at)'), '<', new Date(Date.now() - 90 * 86_400_000).toISOString()).count('* as n')),
        },
        discussions: n(await db('discussions').whereIn('org_id', orgIds).count('* as n')),
        posts: n(await db('posts as p').join('users as u', 'u.id', 'p.author_id').whereIn('u.branch_id', branchIds).where('p.status', 'published').whereNull('p.removed_at').count('* as n')),
        announcements: n(await db('announcements').whereIn('org_id', orgIds).count('* as n')),
        transfers: {
          completed: n(await db('transfers').where('status', 'completed').andWhere((w) => w.whereIn('from_branch_id', branchIds).orWhereIn('to_branch_id', branchIds)).count('* as n')),
          pending: n(await db('transfers').whereIn('status', ['pending_out', 'pending_in']).andWhere((w) => w.whereIn('from_branch_id', branchIds).orWhereIn('to_branch_id', branchIds)).count('* as n')),
        },
      };
    };
    const district = (await call('GET', `/api/stats?orgId=${env.d.committee.id}`, admin.token)).body;
    expect(district.units).toEqual({ committee: 1, general_branch: 1, branch: 2 });
    expect(district).toMatchObject(await direct([env.d.branchA.id, env.d.branchB.id], [env.d.committee.id, env.d.general.id, env.d.branchA.id, env.d.branchB.id]));
    expect(district.members.abroad).toBeGreaterThanOrEqual(2); // Alice in London, the new member in Paris
    expect(district.members.inTransit).toBeGreaterThanOrEqual(1);
    expect(district.members.lostContact).toBeGreaterThanOrEqual(1);
    expect(district.meetings).toMatchObject({ held: 1, attendance: 1, publicRegistrations: 0 });
    const month = district.dues.find((d: { period: string }) => d.period === period);
    const members = n(await db('users').whereIn('branch_id', [env.d.branchA.id, env.d.branchB.id]).andWhere('active', true).count('* as n'));
    expect(month).toEqual({ period, due: members * 1000, paid: 1000 });
    expect(district.dues).toHaveLength(12);

    const unitA = (await call('GET', `/api/stats?orgId=${env.d.branchA.id}`, orgA.token)).body;
    expect(unitA.units).toEqual({ committee: 0, general_branch: 0, branch: 1 });
    expect(unitA).toMatchObject(await direct([env.d.branchA.id], [env.d.branchA.id]));
    // An organizer's default scope is their units; another unit, or a member, is refused.
    expect((await call('GET', '/api/stats', orgA.token)).body.units).toEqual({ committee: 0, general_branch: 0, branch: 1 });
    expect((await call('GET', `/api/stats?orgId=${env.d.branchA.id}`, orgB.token)).status).toBe(403);
    expect((await call('GET', '/api/stats', alice.token)).status).toBe(403);
    expect((await call('GET', '/api/stats?orgId=999999', admin.token)).status).toBe(404);
    expect((await call('GET', '/api/stats', admin.token)).body.units).toEqual(district.units);
  });
});
