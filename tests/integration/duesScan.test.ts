import { describe, expect, it } from 'vitest';
import { scanDues } from '../../server/jobs/duesReminders';
import { api, waitFor } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

describe('the dues scan', () => {
  it('the scan queues each member at their own local time; paying stops further reminders', async () => {
    const period = '2026-12';
    const branch = (await api(env.server.url, 'POST', '/api/orgs', { token: env.d.admin.token, body: { name: 'Zones', kind: 'branch', parentId: env.d.general.id } })).body.org;
    const [shanghai, la] = await createMembersFast(env.server.db, branch.id, 2, 'zones');
    await env.server.db.knex('users').where({ id: la.user.id }).update({ timezone: 'America/Los_Angeles' });
    await api(env.server.url, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: env.d.admin.token, body: { monthlyAmount: 500, effectiveFrom: '2026-01' } });
    const deps = { ...env.server.app.jobContext.dues, queue: env.server.app.jobContext.queue };
    // 02:00 UTC on 5 December: 10:00 in Shanghai (first reminder due), still 4 December in Los Angeles.
    const now = Date.parse('2026-12-05T02:00:00Z');
    const queued = await scanDues(deps, now, 15 * 60_000);
    expect(queued).toBeGreaterThanOrEqual(1);
    const queue = env.server.app.queues.dues;
    expect(await queue.getDeduplicationJobId(`dues-first-${period}-${shanghai.user.id}`)).toBeTruthy();
    expect(await queue.getDeduplicationJobId(`dues-first-${period}-${la.user.id}`)).toBeFalsy();
    await waitFor(async () => Boolean(await env.server.db.knex('dues_reminders_sent').where({ user_id: shanghai.user.id, period, stage: 'first' }).first()), 10_000, 'the Shanghai reminder');
    // Once Los Angeles reaches its 09:00, it is its turn; a payment first means nothing is sent.
    await api(env.server.url, 'POST', '/api/dues/payments', { token: la.token, body: { period: '2026-11', amount: 500, reference: 'la-nov' } });
    await env.server.db.knex('dues_payments').insert({ user_id: la.user.id, period, amount: 500, currency: 'CNY', reference: 'la-dec', kind: 'payment', recorded_by: la.user.id, created_at: new Date().toISOString() });
    expect(await scanDues(deps, Date.parse('2026-12-05T17:00:00Z'), 15 * 60_000)).toBe(0);
  });
});
