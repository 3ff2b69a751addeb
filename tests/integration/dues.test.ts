import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/contract/time';
import { api, next, sleep, waitFor } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

async function countReminders(period: string, stage: string, userIds?: number[]) {
  const query = env.server.db.knex('notifications').where({ kind: 'dues_reminder' }).andWhere('data', 'like', `%"period":"${period}"%`).andWhere('data', 'like', `%"stage":"${stage}"%`);
  if (userIds) query.whereIn('user_id', userIds);
  const rows: Array<{ user_id: number }> = await query.select('user_id');
  return rows;
}

describe('dues reminders', () => {
  it('reminds 10,000 members exactly once each (two workers), skips the paid, and a rerun sends nothing', async () => {
    const second = await (await import('../helpers/server')).startTestServer(env.store); // a second process with its own workers
    try {
      const tree = await api(env.server.url, 'POST', '/api/orgs', { token: env.d.admin.token, body: { name: 'Big branch', kind: 'branch', parentId: env.d.general.id } });
      const branchId = tree.body.org.id;
      const members = await createMembersFast(env.server.db, branchId, 10_000, 'dues');
      const period = periodOf(Date.now(), 'Asia/Shanghai');
      await api(env.server.url, 'PUT', `/api/dues/unit-rates/${branchId}`, { token: env.d.admin.token, body: { monthlyAmount: 3000, effectiveFrom: period } });
      const payers = members.slice(0, 100);
      for (const p of payers) await env.server.db.knex('dues_payments').insert({ user_id: p.user.id, period, amount: 3000, currency: 'CNY', reference: `r${p.user.id}`, kind: 'payment', recorded_by: p.user.id, created_at: new Date().toISOString() });

      const live = await env.as(members[500]);
      const pushed = next(live, 'notification', (n) => n.kind === 'dues_reminder', 60_000);
      expect((await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.orgA.token, body: { period, stage: 'first' } })).status).toBe(403);
      const started = Date.now();
      const run = await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.admin.token, body: { period, stage: 'first', orgId: branchId } });
      expect(run.status).toBe(202);
      expect(run.body.enqueued).toBe(9_900);
      const enqueueMs = Date.now() - started;
      await waitFor(async () => (await countReminders(period, 'first', members.map((m) => m.user.id))).length >= 9_900, 120_000, 'all reminders');
      const doneMs = Date.now() - started;
      expect((await pushed).data).toMatchObject({ stage: 'first', period, amountDue: 3000 });
      console.info(`dues stage for 9,900 members: enqueued in ${enqueueMs} ms, all sent in ${doneMs} ms (${env.store.kind})`);

      const rows = await countReminders(period, 'first', members.map((m) => m.user.id));
      expect(rows).toHaveLength(9_900);
      expect(new Set(rows.map((r) => r.user_id)).size).toBe(9_900);
      const payerIds = new Set(payers.map((p) => p.user.id));
      expect(rows.some((r) => payerIds.has(r.user_id))).toBe(false);

      const rerun = await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.admin.token, body: { period, stage: 'first', orgId: branchId } });
      expect(rerun.body.enqueued).toBe(0);
      await sleep(500);
      expect(await countReminders(period, 'first', members.map((m) => m.user.id))).toHaveLength(9_900);
    } finally {
      await second.close();
    }
  }, 240_000);

  it('escalates to the branch organizers once, listing exactly the unpaid', async () => {
    const period = periodOf(Date.now(), 'Asia/Shanghai');
    // A branch's default is set from above (its own organizer pays it too).
    await api(env.server.url, 'PUT', `/api/dues/unit-rates/${env.d.branchB.id}`, { token: env.d.genOrg.token, body: { monthlyAmount: 1000, effectiveFrom: period } });
    await api(env.server.url, 'POST', '/api/dues/payments', { token: env.d.orgB.token, body: { period, amount: 1000, reference: 'orgB-paid' } });
    const orgB = await env.as(env.d.orgB);
    const escalation = next(orgB, 'notification', (n) => n.kind === 'dues_escalation', 20_000);
    const run = await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.orgB.token, body: { period, stage: 'escalation', orgId: env.d.branchB.id } });
    expect(run.body.enqueued).toBe(1);
    const note = await escalation;
    if (note.kind !== 'dues_escalation') throw new Error('not an escalation');
    expect(note.data.members).toEqual([{ id: env.d.bob.user.id, name: 'Bob', amountDue: 1000 }]);
    expect(note.body).toContain('Bob');
    expect(note.body).not.toContain('OrgB');
    await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.orgB.token, body: { period, stage: 'escalation', orgId: env.d.branchB.id } });
    await sleep(1000);
    const stored = await env.server.db.knex('notifications').where({ kind: 'dues_escalation', user_id: env.d.orgB.user.id });
    expect(stored).toHaveLength(1);
  });

});
