import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/contract/time';
import { useBrowserServer } from '../helpers/browser';
import { api, waitFor } from '../helpers/clients';

const env = useBrowserServer();

describe('dues in the browser', () => {
  it('a member records a payment and the overdue badge clears; a reminder arrives live on the open page', async () => {
    const now = periodOf(Date.now(), 'Europe/London');
    const [y, m] = now.split('-').map(Number);
    const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    await api(env.server.url, 'PUT', `/api/dues/rates/${env.d.alice.user.id}`, { token: env.d.orgA.token, body: { monthlyAmount: 5000, effectiveFrom: last } });

    const alice = await env.signIn(env.d.alice.user.email, { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 360, height: 800 } });
    const badge = alice.getByTestId('overdue-badge');
    await badge.filter({ hasText: '1' }).waitFor();
    await badge.click();
    await alice.getByRole('row', { name: new RegExp(last) }).getByText('overdue').waitFor();
    await alice.getByLabel('Month', { exact: true }).selectOption(last);
    await alice.getByLabel('Bank transfer or payment receipt number').fill('ALIPAY-2026-778812');
    await alice.getByRole('button', { name: 'Record' }).click();
    await alice.getByText(`Recorded: ${last}`).waitFor();
    await waitFor(async () => (await badge.count()) === 0, 10_000, 'the overdue badge to clear');
    await alice.getByRole('row', { name: new RegExp(last) }).getByText('paid').waitFor();

    // The admin presses "remind now" for the branch: Alice owes this month, and her open page shows it at once.
    const run = await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: env.d.admin.token, body: { period: now, stage: 'first', orgId: env.d.branchA.id } });
    expect(run.body.enqueued).toBeGreaterThanOrEqual(1);
    await alice.getByRole('alert').filter({ hasText: `Dues for ${now}` }).waitFor({ timeout: 20_000 });
  });
});
