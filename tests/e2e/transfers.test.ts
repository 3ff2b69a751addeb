import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { lifeEn } from '../../client/src/i18n/life/en';
import { lifeZhCN } from '../../client/src/i18n/life/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';
import { auditScreen, SETTLE_SCRIPT, settle } from '../helpers/routeAudit';

/**
 * A relationship transfer in the browser, each person in their own page: the member asks to move from
 * branch A to branch B, the sending organizer (orgA, English, desktop) approves, then the receiving organizer
 * (orgB, Chinese, phone) accepts, and the member's page follows each step live to "completed". Also: a return
 * needs a note, and a member withdraws a request while it waits.
 */

const env = useBrowserServer({ timeout: 10_000, initScript: SETTLE_SCRIPT });
const zh = { ...zhCN, ...lifeZhCN };
const english = { ...en, ...lifeEn };

/** Problems a phone user or a screen reader would meet on the screen as it is (none expected). */
async function audit(page: Page): Promise<string[]> {
  await settle(page);
  return auditScreen(page);
}

describe('a relationship transfer, decided by both branches in their own pages', () => {
  it('the member asks, the sending organizer approves, the receiving one accepts, and the member sees it completed', async () => {
    const { d } = env;
    const alice = await env.open(d.alice, PHONE_ZH);
    const orgA = await env.open(d.orgA, DESKTOP_EN);
    const orgB = await env.open(d.orgB, PHONE_ZH);
    try {
      // Alice finds the page from the account menu: My record → Transfer my membership.
      await alice.getByRole('button', { name: zh['nav.account'], exact: true }).click();
      await alice.getByRole('menuitem', { name: zh['nav.record'] }).click();
      await alice.getByRole('heading', { level: 1, name: zh['nav.card'] }).waitFor();
      await alice.getByRole('navigation', { name: zh['nav.record'] }).getByRole('link', { name: zh['record.transfer'] }).click();
      await alice.getByRole('heading', { level: 1, name: zh['nav.transfer'] }).waitFor();
      await alice.getByText(fill(zh['transfer.currentBranch'], { unit: d.branchA.name })).waitFor();

      await alice.getByLabel(zh['transfer.to']).selectOption({ label: d.branchB.name });
      await alice.getByLabel(zh['transfer.destination']).fill('深圳 · 南山科技园');
      await alice.getByLabel(zh['transfer.reason']).fill('到深圳工作，就近参加组织生活');
      expect(await audit(alice), 'the request form at 360 px').toEqual([]);
      await alice.getByRole('button', { name: zh['transfer.submit'] }).click();
      await alice.getByRole('status').filter({ hasText: fill(zh['transfer.requested'], { unit: d.branchB.name }) }).waitFor();
      const steps = alice.getByRole('list', { name: zh['transfer.progress'] });
      await steps.locator('[aria-current="step"]').filter({ hasText: fill(zh['transfer.step.sending.current'], { unit: d.branchA.name }) }).waitFor();
      await steps.getByText(fill(zh['transfer.step.requested.done'], { member: d.alice.user.name })).waitFor();
      expect(await audit(alice), 'the pending transfer at 360 px').toEqual([]);
      const me = await api(env.server.url, 'GET', '/api/me', { token: d.alice.token });
      expect(me.body.user.status).toBe('in_transit');

      // The sending organizer: Manage → Transfers, the request waiting for them.
      await orgA.getByRole('link', { name: en['nav.manage'] }).click();
      await orgA.getByRole('navigation', { name: en['admin.sections'] }).getByRole('link', { name: en['nav.transfers'] }).click();
      await orgA.getByRole('heading', { level: 1, name: en['nav.transfers'] }).waitFor();
      await orgA.getByText(fill(english['transfer.waitingForYou'], { count: 1 })).waitFor();
      const card = orgA.locator('li.card').filter({ hasText: d.alice.user.name });
      await card.getByText('深圳 · 南山科技园').waitFor();
      await card.getByRole('button', { name: fill(english['transfer.decideFor'], { name: d.alice.user.name }) }).click();
      // Returning without a note is refused before anything is sent.
      await card.getByRole('button', { name: english['transfer.return'] }).click();
      await card.getByRole('alert').filter({ hasText: english['transfer.returnNeedsNote'] }).waitFor();
      await card.getByLabel(english['transfer.note']).fill('Welcome news, good luck in Shenzhen');
      await card.getByRole('button', { name: english['transfer.approve'] }).click();
      await orgA.getByRole('status').filter({ hasText: fill(english['transfer.approved'], { name: d.alice.user.name }) }).waitFor();
      await card.getByText(english['transfer.status.pending_in']).waitFor();
      await expect(card.getByRole('button', { name: fill(english['transfer.decideFor'], { name: d.alice.user.name }) }).count()).resolves.toBe(0);

      // Alice's page follows without a reload: the first step is done, with orgA's note.
      await steps.getByText(fill(zh['transfer.step.sending.done'], { unit: d.branchA.name })).waitFor();
      await steps.getByText(fill(zh['transfer.noteSaid'], { note: 'Welcome news, good luck in Shenzhen' })).waitFor();
      await steps.locator('[aria-current="step"]').filter({ hasText: fill(zh['transfer.step.receiving.current'], { unit: d.branchB.name }) }).waitFor();

      // The receiving organizer, on a phone: Manage → 关系转接审批, then the transfer's own page to decide.
      await orgB.getByRole('link', { name: zh['nav.manage'] }).click();
      await orgB.getByRole('navigation', { name: zh['admin.sections'] }).getByRole('link', { name: zh['nav.transfers'] }).click();
      await orgB.getByRole('heading', { level: 1, name: zh['nav.transfers'] }).waitFor();
      const incoming = orgB.locator('li.card').filter({ hasText: d.alice.user.name });
      await incoming.getByText(zh['transfer.status.pending_in']).waitFor();
      expect(await audit(orgB), 'the queue at 360 px').toEqual([]);
      await incoming.getByRole('link', { name: d.alice.user.name }).click();
      await orgB.getByRole('heading', { level: 1, name: fill(zh['transfer.titleOf'], { name: d.alice.user.name }) }).waitFor();
      await orgB.getByRole('heading', { name: fill(zh['transfer.decideIn'], { unit: d.branchB.name }) }).waitFor();
      expect(await audit(orgB), 'the transfer page at 360 px').toEqual([]);
      await orgB.getByLabel(zh['transfer.note']).fill('欢迎加入第二支部');
      await orgB.getByRole('button', { name: zh['transfer.approve'] }).click();
      await orgB.getByRole('status').filter({ hasText: fill(zh['transfer.approved'], { name: d.alice.user.name }) }).waitFor();
      await orgB.getByText(zh['transfer.status.completed']).first().waitFor();

      // Alice sees it completed, live, with each step's who and note.
      await steps.getByText(fill(zh['transfer.step.completed.done'], { unit: d.branchB.name })).waitFor();
      await steps.getByText(fill(zh['transfer.noteSaid'], { note: '欢迎加入第二支部' })).waitFor();
      await steps.getByText(d.orgB.user.name, { exact: false }).waitFor();
      await expect(steps.locator('[aria-current="step"]').count()).resolves.toBe(0);
      const after = await api(env.server.url, 'GET', '/api/me', { token: d.alice.token });
      expect(after.body.user.branchId).toBe(d.branchB.id);
      expect(after.body.user.status).toBe('active');
      // The page says where she is now, and with nothing pending she could ask again.
      await alice.getByRole('heading', { name: fill(zh['transfer.title.completed'], { unit: d.branchB.name }) }).waitFor();
      await alice.getByRole('heading', { name: zh['transfer.request'] }).waitFor();
      await alice.getByText(fill(zh['transfer.currentBranch'], { unit: d.branchB.name })).waitFor();
      expect(await audit(alice), 'the completed transfer at 360 px').toEqual([]);
    } finally {
      await Promise.all([alice, orgA, orgB].map((p) => p.context().close()));
    }
  });

  it('a member withdraws a request while it waits; the organizer sees it withdrawn', async () => {
    const { d } = env;
    const amy = await env.open(d.amy, DESKTOP_EN);
    try {
      await go(amy, '/transfer');
      await amy.getByLabel(english['transfer.to']).selectOption({ label: d.branchB.name });
      await amy.getByLabel(english['transfer.reason']).fill('Family moved');
      await amy.getByRole('button', { name: english['transfer.submit'] }).click();
      await amy.getByRole('heading', { name: fill(english['transfer.title.pending_out'], { unit: d.branchB.name }) }).waitFor();
      amy.once('dialog', (dialog) => void dialog.accept());
      await amy.getByRole('button', { name: english['transfer.withdraw'] }).click();
      await amy.getByRole('status').filter({ hasText: english['transfer.withdrawn'] }).waitFor();
      await amy.getByRole('heading', { name: fill(english['transfer.title.withdrawn'], { unit: d.branchB.name }) }).waitFor();
      await amy.getByRole('list', { name: english['transfer.progress'] }).getByText(english['transfer.step.withdrawn.done']).waitFor();
      await amy.getByRole('heading', { name: english['transfer.request'] }).waitFor();
      const list = await api(env.server.url, 'GET', '/api/transfers?status=withdrawn', { token: d.orgA.token });
      expect(list.body.transfers.map((t: { member: { id: number } }) => t.member.id)).toContain(d.amy.user.id);
    } finally {
      await amy.context().close();
    }
  });
});
