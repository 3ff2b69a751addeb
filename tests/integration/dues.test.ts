import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/domain/duesSchedule';
import { api, next, sleep, waitFor } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const shift = (period: string, months: number) => {
  const [y, m] = period.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + months, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

async function countReminders(period: string, stage: string, userIds?: number[]) {
  const query = env.server.db.knex('notifications').where({ kind: 'dues_reminder' }).andWhere('data', 'like', `%"period":"${period}"%`).andWhere('data', 'like', `%"stage":"${stage}"%`);
  if (userIds) query.whereIn('user_id', userIds);
  const rows: Array<{ user_id: number }> = await query.select('user_id');
  return rows;
}

describe('the dues ledger', () => {
  it('sets rates, shows months paid/due/overdue, records payments once per reference, corrects by organizers', async () => {
    const now = periodOf(Date.now(), 'Europe/London');
    const from = shift(now, -2);
    expect((await api(env.server.url, 'PUT', `/api/dues/rates/${env.d.alice.user.id}`, { token: env.d.bob.token, body: { monthlyAmount: 5000 } })).status).toBe(403);
    expect((await api(env.server.url, 'PUT', `/api/dues/rates/${env.d.alice.user.id}`, { token: env.d.alice.token, body: { monthlyAmount: 1 } })).status).toBe(403);
    expect((await api(env.server.url, 'PUT', `/api/dues/rates/${env.d.alice.user.id}`, { token: env.d.orgA.token, body: { monthlyAmount: -5 } })).status).toBe(400);
    const set = await api(env.server.url, 'PUT', `/api/dues/rates/${env.d.alice.user.id}`, { token: env.d.orgA.token, body: { monthlyAmount: 5000, effectiveFrom: from } });
    expect(set.body.rate).toMatchObject({ monthlyAmount: 5000, currency: 'CNY', effectiveFrom: from, source: 'member' });

    let me = (await api(env.server.url, 'GET', '/api/dues/me', { token: env.d.alice.token })).body;
    expect(me.periods.map((p: { period: string; status: string }) => [p.period, p.status])).toEqual([[now, 'due'], [shift(now, -1), 'overdue'], [from, 'overdue']]);
    expect(me.balanceDue).toBe(15000);

    const pay = { period: shift(now, -1), amount: 5000, reference: 'WX20261101-8842' };
    const first = await api(env.server.url, 'POST', '/api/dues/payments', { token: env.d.alice.token, body: pay });
    const again = await api(env.server.url, 'POST', '/api/dues/payments', { token: env.d.alice.token, body: pay });
    expect(first.status).toBe(201);
    expect(again.body.payment.id).toBe(first.body.payment.id);
    expect((await api(env.server.url, 'POST', '/api/dues/payments', { token: env.d.alice.token, body: { ...pay, period: '2026-13' } })).status).toBe(400);
    expect((await api(env.server.url, 'POST', '/api/dues/payments', { token: env.d.alice.token, body: { ...pay, reference: '' } })).status).toBe(400);
    me = (await api(env.server.url, 'GET', '/api/dues/me', { token: env.d.alice.token })).body;
    expect(me.periods[1]).toMatchObject({ period: shift(now, -1), paid: 5000, status: 'paid' });
    expect(me.balanceDue).toBe(10000);
    expect(me.payments).toHaveLength(1);

    // A correction is a new entry, by an organizer, with who and when.
    expect((await api(env.server.url, 'POST', '/api/dues/corrections', { token: env.d.alice.token, body: { userId: env.d.alice.user.id, period: from, amount: 5000, note: 'x' } })).status).toBe(403);
    const fix = await api(env.server.url, 'POST', '/api/dues/corrections', { token: env.d.orgA.token, body: { userId: env.d.alice.user.id, period: from, amount: 5000, note: 'paid in cash at the branch meeting' } });
    expect(fix.body.payment).toMatchObject({ kind: 'correction', recordedBy: env.d.orgA.user.id, note: 'paid in cash at the branch meeting', createdAt: expect.any(String) });
    expect((await api(env.server.url, 'GET', '/api/dues/me', { token: env.d.alice.token })).body.balanceDue).toBe(5000);

    // A unit default applies to members without a rate of their own.
    await api(env.server.url, 'PUT', `/api/dues/unit-rates/${env.d.branchA.id}`, { token: env.d.orgA.token, body: { monthlyAmount: 2000 } });
    expect((await api(env.server.url, 'GET', '/api/dues/me', { token: env.d.amy.token })).body.rate).toMatchObject({ monthlyAmount: 2000, source: 'unit' });
    expect((await api(env.server.url, 'GET', '/api/dues/me', { token: env.d.alice.token })).body.rate).toMatchObject({ monthlyAmount: 5000, source: 'member' });
    expect((await api(env.server.url, 'PUT', `/api/dues/unit-rates/${env.d.branchA.id}`, { token: env.d.orgB.token, body: { monthlyAmount: 1 } })).status).toBe(403);

    // Arrears, as JSON and as a CSV download, for organizers only.
    const arrears = await api(env.server.url, 'GET', `/api/dues/arrears?orgId=${env.d.branchA.id}&period=${now}`, { token: env.d.orgA.token });
    expect(arrears.body.members.map((m: { user: { id: number } }) => m.user.id)).toEqual(expect.arrayContaining([env.d.alice.user.id, env.d.amy.user.id]));
    expect((await api(env.server.url, 'GET', `/api/dues/arrears?orgId=${env.d.branchA.id}&period=${now}`, { token: env.d.bob.token })).status).toBe(403);
    const csv = await fetch(`${env.server.url}/api/dues/arrears?orgId=${env.d.branchA.id}&period=${now}&format=csv`, { headers: { authorization: `Bearer ${env.d.orgA.token}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text).toContain('member_id,name,email,period,amount_due,currency');
    expect(text).toContain(`${env.d.alice.user.id},Alice,${env.d.alice.user.email},${now},50.00,CNY`);
    // The member card carries the ledger.
    const card = await api(env.server.url, 'GET', `/api/members/${env.d.alice.user.id}/card`, { token: env.d.orgA.token });
    expect(card.body.dues.balanceDue).toBe(5000);
  });
});

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
    await api(env.server.url, 'PUT', `/api/dues/unit-rates/${env.d.branchB.id}`, { token: env.d.orgB.token, body: { monthlyAmount: 1000, effectiveFrom: period } });
    await api(env.server.url, 'POST', '/api/dues/payments', { token: env.d.orgB.token, body: { period, amount: 1000, reference: 'orgB-paid' } });
    const orgB = await env.as(env.d.orgB);
    const escalation = next(orgB, 'notification', (n) => n.kind === 'dues_escalation', 20_000);
    const run = await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.orgB.token, body: { period, stage: 'escalation', orgId: env.d.branchB.id } });
    expect(run.body.enqueued).toBe(1);
    const note = await escalation;
    expect(note.data.members).toEqual([{ id: env.d.bob.user.id, name: 'Bob', amountDue: 1000 }]);
    expect(note.body).toContain('Bob');
    expect(note.body).not.toContain('OrgB');
    await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.orgB.token, body: { period, stage: 'escalation', orgId: env.d.branchB.id } });
    await sleep(1000);
    const stored = await env.server.db.knex('notifications').where({ kind: 'dues_escalation', user_id: env.d.orgB.user.id });
    expect(stored).toHaveLength(1);
  });

});
