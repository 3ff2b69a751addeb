import { describe, expect, it } from 'vitest';
import { periodOf, shiftPeriod } from '../../server/contract/time';
import { api } from '../helpers/clients';
import { TestClock } from '../helpers/clock';
import { buildDistrict, type District } from '../helpers/district';
import { useDistrictServer } from '../helpers/setup';

/**
 * The ledger depends on the time: which month is "now" for a member (their own zone's), and when a rate
 * set without `effectiveFrom` starts (the district's month, Asia/Shanghai). So it runs at pinned instants
 * on both sides of a month end (when Shanghai is already in the next month and London is not) and of a
 * daylight-saving change in London, whatever the machine's clock says.
 */
const clock = new TestClock();
const env = useDistrictServer({ clock });

const INSTANTS = [
  ['the last evening of a month (UTC), Shanghai already in the next', '2026-11-30T23:00:00.000Z'],
  ['just after the month end everywhere', '2026-12-01T00:30:00.000Z'],
  ['London an hour before its clocks go forward', '2027-03-28T00:30:00.000Z'],
  ['London an hour after its clocks went forward', '2027-03-28T02:30:00.000Z'],
  ['the last evening of October, London just back on GMT', '2026-10-31T23:30:00.000Z'],
] as const;

async function district(at: string): Promise<District> {
  clock.set(at);
  return buildDistrict(env.server.url, env.server.db);
}

describe.each(INSTANTS)('the dues ledger at %s', (_what, at) => {
  it('sets rates, shows months paid/due/overdue in the member\'s own calendar, records payments once per reference, corrects by organizers', async () => {
    const d = await district(at);
    const url = env.server.url;
    const london = periodOf(Date.parse(at), 'Europe/London'); // Alice's calendar
    const shanghai = periodOf(Date.parse(at), 'Asia/Shanghai'); // Amy's, and the district's
    const from = shiftPeriod(london, -2);

    expect((await api(url, 'PUT', `/api/dues/rates/${d.alice.user.id}`, { token: d.bob.token, body: { monthlyAmount: 5000 } })).status).toBe(403);
    expect((await api(url, 'PUT', `/api/dues/rates/${d.alice.user.id}`, { token: d.alice.token, body: { monthlyAmount: 1 } })).status).toBe(403);
    expect((await api(url, 'PUT', `/api/dues/rates/${d.alice.user.id}`, { token: d.orgA.token, body: { monthlyAmount: -5 } })).status).toBe(400);
    const set = await api(url, 'PUT', `/api/dues/rates/${d.alice.user.id}`, { token: d.orgA.token, body: { monthlyAmount: 5000, effectiveFrom: from } });
    expect(set.body.rate).toMatchObject({ monthlyAmount: 5000, currency: 'CNY', effectiveFrom: from, source: 'member' });

    let me = (await api(url, 'GET', '/api/dues/me', { token: d.alice.token })).body;
    expect(me.periods.map((p: { period: string; status: string }) => [p.period, p.status])).toEqual([[london, 'due'], [shiftPeriod(london, -1), 'overdue'], [from, 'overdue']]);
    expect(me.balanceDue).toBe(15000);

    const pay = { period: shiftPeriod(london, -1), amount: 5000, reference: 'WX20261101-8842' };
    const first = await api(url, 'POST', '/api/dues/payments', { token: d.alice.token, body: pay });
    const again = await api(url, 'POST', '/api/dues/payments', { token: d.alice.token, body: pay });
    expect(first.status).toBe(201);
    expect(again.body.payment.id).toBe(first.body.payment.id);
    expect((await api(url, 'POST', '/api/dues/payments', { token: d.alice.token, body: { ...pay, period: '2026-13' } })).status).toBe(400);
    expect((await api(url, 'POST', '/api/dues/payments', { token: d.alice.token, body: { ...pay, reference: '' } })).status).toBe(400);
    // Her own month is the latest she can pay for, whatever month it already is in Shanghai.
    expect((await api(url, 'POST', '/api/dues/payments', { token: d.alice.token, body: { ...pay, period: shiftPeriod(london, 1), reference: 'early' } })).body.error.code).toBe('invalid');
    // Dues kept in CNY are paid in CNY.
    const usd = await api(url, 'POST', '/api/dues/payments', { token: d.alice.token, body: { ...pay, currency: 'USD', reference: 'usd-1' } });
    expect(usd.body.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('CNY') });
    me = (await api(url, 'GET', '/api/dues/me', { token: d.alice.token })).body;
    expect(me.periods[1]).toMatchObject({ period: shiftPeriod(london, -1), paid: 5000, status: 'paid' });
    expect(me.balanceDue).toBe(10000);
    expect(me.payments).toHaveLength(1);

    // A correction is a new entry, by an organizer over the member, with who and when; never one's own.
    expect((await api(url, 'POST', '/api/dues/corrections', { token: d.alice.token, body: { userId: d.alice.user.id, period: from, amount: 5000, note: 'x' } })).status).toBe(403);
    expect((await api(url, 'POST', '/api/dues/corrections', { token: d.orgA.token, body: { userId: d.orgA.user.id, period: from, amount: 99999, note: 'mine' } })).status).toBe(403);
    const fix = await api(url, 'POST', '/api/dues/corrections', { token: d.orgA.token, body: { userId: d.alice.user.id, period: from, amount: 5000, note: 'paid in cash at the branch meeting' } });
    expect(fix.body.payment).toMatchObject({ kind: 'correction', recordedBy: d.orgA.user.id, note: 'paid in cash at the branch meeting', createdAt: expect.any(String) });
    expect((await api(url, 'GET', '/api/dues/me', { token: d.alice.token })).body.balanceDue).toBe(5000);

    // A unit default set without effectiveFrom starts in the district's month (Shanghai's), for everyone in the unit.
    expect((await api(url, 'PUT', `/api/dues/unit-rates/${d.branchA.id}`, { token: d.orgA.token, body: { monthlyAmount: 2000 } })).status).toBe(403); // it would apply to him
    const unit = await api(url, 'PUT', `/api/dues/unit-rates/${d.branchA.id}`, { token: d.admin.token, body: { monthlyAmount: 2000 } });
    expect(unit.body.rate).toMatchObject({ monthlyAmount: 2000, effectiveFrom: shanghai, source: 'unit' });
    expect((await api(url, 'GET', '/api/dues/me', { token: d.amy.token })).body.rate).toMatchObject({ monthlyAmount: 2000, source: 'unit' });
    expect((await api(url, 'GET', '/api/dues/me', { token: d.alice.token })).body.rate).toMatchObject({ monthlyAmount: 5000, source: 'member' });
    expect((await api(url, 'PUT', `/api/dues/unit-rates/${d.branchA.id}`, { token: d.orgB.token, body: { monthlyAmount: 1 } })).status).toBe(403);

    // Arrears of London's month: Alice always; Amy only once the district's month has reached it; never
    // the organizers over orgA (GenOrg lives in branch A too, and orgA is not over him).
    const arrears = await api(url, 'GET', `/api/dues/arrears?orgId=${d.branchA.id}&period=${london}`, { token: d.orgA.token });
    const expected = [d.alice.user.id, ...(shanghai <= london ? [d.amy.user.id] : [])].sort();
    expect(arrears.body.members.map((m: { user: { id: number } }) => m.user.id).sort()).toEqual(expected);
    const ofShanghai = await api(url, 'GET', `/api/dues/arrears?orgId=${d.branchA.id}&period=${shanghai}`, { token: d.admin.token });
    expect(ofShanghai.body.members.map((m: { user: { id: number } }) => m.user.id)).toEqual(expect.arrayContaining([d.amy.user.id, d.genOrg.user.id, d.orgA.user.id]));
    expect((await api(url, 'GET', `/api/dues/arrears?orgId=${d.branchA.id}&period=${london}`, { token: d.bob.token })).status).toBe(403);
    const csv = await fetch(`${url}/api/dues/arrears?orgId=${d.branchA.id}&period=${london}&format=csv`, { headers: { authorization: `Bearer ${d.orgA.token}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text).toContain('member_id,name,email,period,amount_due,currency');
    expect(text).toContain(`${d.alice.user.id},Alice,${d.alice.user.email},${london},50.00,CNY`);
    // The member card carries the ledger.
    const card = await api(url, 'GET', `/api/members/${d.alice.user.id}/card`, { token: d.orgA.token });
    expect(card.body.dues.balanceDue).toBe(5000);
  });
});
