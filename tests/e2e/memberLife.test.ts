import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { lifeEn } from '../../client/src/i18n/life/en';
import { lifeZhCN } from '../../client/src/i18n/life/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';

/**
 * The other member-life pages in the browser, each person in their own page: training (an organizer publishes
 * one and records attendance, a member reports hours, the organizer confirms one and rejects one with a reason
 * from the queue), reporting home (the branch's organizer gets it live and opens the member's card), the
 * lost-contact list (the most silent first, a check-in call in one click) and the audit log (filters).
 */

const env = useBrowserServer({ timeout: 10_000 });
const zh = { ...zhCN, ...lifeZhCN };
const english = { ...en, ...lifeEn };

describe('member life in the browser', () => {
  it('training: published and recorded by the organizer, hours reported by members, confirmed or rejected from the queue', async () => {
    const { d } = env;
    const orgA = await env.open(d.orgA, DESKTOP_EN);
    const amy = await env.open(d.amy, PHONE_ZH);
    const alice = await env.open(d.alice, PHONE_ZH);
    const title = '基层治理讲座 Grassroots governance';
    try {
      await go(orgA, '/trainings');
      await orgA.getByRole('button', { name: english['training.new'] }).click();
      const form = orgA.getByRole('form', { name: english['training.new'] });
      await form.getByLabel(en['admin.unit']).selectOption({ label: d.branchA.name });
      await form.getByLabel(en['form.title']).fill(title);
      await form.getByLabel(english['training.kind']).selectOption('lecture');
      await form.getByLabel(english['training.hoursLabel']).fill('1.5');
      await form.getByRole('button', { name: english['training.create'] }).click();
      await orgA.getByRole('status').filter({ hasText: fill(english['training.created'], { title }) }).waitFor();
      await orgA.getByRole('link', { name: title }).click();
      await orgA.getByRole('heading', { level: 1, name: title }).waitFor();
      // Attendance for Alice (the form is filled with the training's hours).
      const attend = orgA.getByRole('form', { name: english['training.recordAttendance'] });
      await attend.getByLabel(en['dues.member']).selectOption({ label: d.alice.user.name });
      await attend.getByRole('button', { name: english['training.recordSubmit'] }).click();
      await orgA.getByRole('status').filter({ hasText: fill(english['training.recorded'], { name: d.alice.user.name, hours: '1.5 h' }) }).waitFor();
      const trainingId = Number(orgA.url().match(/trainings\/(\d+)/)![1]);

      // Alice sees her hours confirmed on the training's page; Amy reports hers (a bad number is said first).
      await go(alice, `/trainings/${trainingId}`);
      await alice.getByRole('heading', { level: 2, name: zh['training.mine'] }).waitFor();
      await alice.locator('li.card').filter({ hasText: zh['training.status.confirmed'] }).getByText(fill(zh['life.hours'], { hours: '1.5' })).waitFor();
      await go(amy, '/trainings');
      await amy.getByRole('link', { name: title }).click();
      await amy.getByLabel(zh['training.hoursLabel'], { exact: true }).fill('1');
      await amy.getByLabel(zh['training.selfNote']).fill('线上听了回放');
      await amy.getByRole('button', { name: zh['training.selfSubmit'] }).click();
      await amy.getByRole('status').filter({ hasText: zh['training.reported'] }).waitFor();
      await amy.locator('li.card').filter({ hasText: zh['training.status.pending'] }).waitFor();

      // The organizer's queue: Amy's report; rejecting needs a reason, which Amy then reads.
      await go(orgA, '/trainings/pending');
      await orgA.getByText(fill(english['training.pendingCount'], { count: 1 })).waitFor();
      const item = orgA.locator('li.card').filter({ hasText: d.amy.user.name });
      await item.getByRole('link', { name: title }).waitFor();
      await item.getByRole('button', { name: fill(english['training.rejectOf'], { name: d.amy.user.name }) }).click();
      await item.getByLabel(english['training.rejectNote']).fill('Please watch the whole recording');
      await item.getByRole('button', { name: english['training.rejectSubmit'] }).click();
      await orgA.getByRole('status').filter({ hasText: fill(english['training.rejected'], { name: d.amy.user.name, hours: '1 h' }) }).waitFor();
      await item.getByText(english['training.status.rejected'], { exact: true }).waitFor();
      await amy.reload();
      await amy.getByText(fill(zh['training.rejectedBecause'], { note: 'Please watch the whole recording' })).waitFor();
      // A rejected report may be made again, and this time it is confirmed.
      await amy.getByLabel(zh['training.hoursLabel'], { exact: true }).fill('1.5');
      await amy.getByLabel(zh['training.selfNote']).fill('完整看了回放');
      await amy.getByRole('button', { name: zh['training.selfSubmit'] }).click();
      await amy.getByRole('status').filter({ hasText: zh['training.reported'] }).waitFor();
      await orgA.reload();
      await orgA.getByRole('button', { name: fill(english['training.confirmOf'], { name: d.amy.user.name }) }).click();
      await orgA.getByRole('status').filter({ hasText: fill(english['training.confirmed'], { name: d.amy.user.name, hours: '1.5 h' }) }).waitFor();
      const records = await api(env.server.url, 'GET', `/api/trainings/${trainingId}/records`, { token: d.amy.token });
      expect(records.body.records.map((r: { status: string; hours: number }) => `${r.status} ${r.hours}`)).toContain('confirmed 1.5');
    } finally {
      await Promise.all([orgA, amy, alice].map((p) => p.context().close()));
    }
  });

  it('reporting home: the member says where they are, the branch organizer is told live and opens their card', async () => {
    const { d } = env;
    const alice = await env.open(d.alice, PHONE_ZH);
    const orgA = await env.open(d.orgA, DESKTOP_EN);
    try {
      await go(alice, '/report-in');
      await alice.getByRole('heading', { level: 1, name: zh['nav.reportIn'] }).waitFor();
      await alice.getByLabel(zh['report.location']).fill('曼彻斯特 Manchester');
      await alice.getByLabel(zh['report.note']).fill('换了学校，一切都好');
      await alice.getByRole('button', { name: zh['report.submit'] }).click();
      await alice.getByRole('status').filter({ hasText: zh['report.sent'] }).waitFor();
      await alice.locator('li.card').filter({ hasText: '曼彻斯特 Manchester' }).getByText('换了学校，一切都好').waitFor();
      // The form keeps the new place; the note is cleared for the next report.
      await expect(alice.getByLabel(zh['report.note']).inputValue()).resolves.toBe('');
      await go(alice, '/account');
      await expect(alice.getByLabel(zh['member.location']).inputValue()).resolves.toBe('曼彻斯特 Manchester');

      // The organizer's toast leads to her card, which lists the report.
      const toast = orgA.locator('.toast').getByRole('link');
      await toast.waitFor();
      await toast.click();
      await orgA.getByRole('heading', { level: 1, name: fill(english['card.of'], { name: d.alice.user.name }) }).waitFor();
      await orgA.getByRole('region', { name: english['card.reports'] }).getByText('曼彻斯特 Manchester', { exact: false }).waitFor();
    } finally {
      await Promise.all([alice, orgA].map((p) => p.context().close()));
    }
  });

  it('lost contact: the most silent first, a check-in call in one click; the audit log narrows by action and by person', async () => {
    const { d, server } = env;
    // Two members nobody heard from: one for 200 days, one for 120 (accounts older than that, never signed in).
    const [long, shorter] = await createMembersFast(server.db, d.branchB.id, 2, 'silent');
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await server.db.knex('users').where({ id: long.user.id }).update({ created_at: ago(400), last_seen_at: ago(200) });
    await server.db.knex('users').where({ id: shorter.user.id }).update({ created_at: ago(120) });
    const orgB = await env.open(d.orgB, PHONE_ZH);
    try {
      await orgB.getByRole('link', { name: zh['nav.manage'] }).click();
      await orgB.getByRole('navigation', { name: zh['admin.sections'] }).getByRole('link', { name: zh['nav.lostContact'] }).click();
      await orgB.getByRole('heading', { level: 1, name: zh['nav.lostContact'] }).waitFor();
      await orgB.getByText(fill(zh['lost.count'], { count: 2, days: 90 })).waitFor();
      const names = await orgB.locator('li.card strong').allTextContents();
      expect(names).toEqual([long.user.name, shorter.user.name]);
      await orgB.locator('li.card').first().getByText(fill(zh['lost.silentDays'], { days: 200 })).waitFor();
      await orgB.locator('li.card').nth(1).getByText(zh['lost.neverSeen']).waitFor();
      // 180 days: only the longest silent one.
      await orgB.getByLabel(zh['lost.days']).selectOption('180');
      await orgB.getByText(fill(zh['lost.count'], { count: 1, days: 180 })).waitFor();
      // One click calls them (they are offline: the call page says so; they will see a missed call).
      await orgB.getByRole('button', { name: fill(zh['lost.callOf'], { name: long.user.name }) }).click();
      await orgB.waitForURL(new RegExp(`#/call/user/${long.user.id}$`));
      await orgB.getByRole('heading', { level: 1, name: long.user.name }).waitFor();
      await orgB.getByRole('button', { name: zh['call.hangup'] }).click().catch(() => {});

      // The audit log: the admin appointed orgB (an entry), and filters narrow it.
      await go(orgB, '/audit');
      await orgB.getByRole('heading', { level: 1, name: zh['nav.audit'] }).waitFor();
      await orgB.locator('li.card').first().waitFor();
      await orgB.getByRole('combobox', { name: zh['audit.action'], exact: true }).selectOption('member.create');
      await expect.poll(async () => [...new Set(await orgB.locator('li.card strong').allTextContents())]).toEqual([zh['audit.action.member.create']]);
      await orgB.locator('li.card').first().getByRole('button', { name: fill(zh['audit.onlyBy'], { name: d.admin.user.name }) }).click();
      await orgB.getByText(fill(zh['audit.onlyBy'], { name: d.admin.user.name })).first().waitFor();
      await orgB.getByRole('button', { name: zh['audit.everyone'] }).click();
    } finally {
      await orgB.context().close();
    }
  });
});
