import { readFileSync } from 'node:fs';
import type { BrowserContextOptions } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { lifeEn } from '../../client/src/i18n/life/en';
import { lifeZhCN } from '../../client/src/i18n/life/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { periodOf } from '../../server/contract/time';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api, connect, ok } from '../helpers/clients';
import { auditScreen, SETTLE_SCRIPT, settle } from '../helpers/routeAudit';

/**
 * The activity card in the browser: the member's own card shows every section filled from what happened
 * (a meeting, training confirmed and self-reported, dues, a report home), fits 360 px, prints without the
 * app's bars and buttons (the browser makes a PDF of it), and an organizer over the member opens it and
 * downloads it as CSV; an organizer of another branch is refused.
 */

const env = useBrowserServer({ timeout: 10_000, initScript: SETTLE_SCRIPT });
const zh = { ...zhCN, ...lifeZhCN };
const english = { ...en, ...lifeEn };

const desktop: BrowserContextOptions = { ...DESKTOP_EN, acceptDownloads: true };

const TRAINING = '党史学习 Party history';
const SELF_STUDY = '读书会 Reading circle';
const MEETING = '支部主题党日 Branch day';

beforeAll(async () => {
  const { d, server } = env;
  const call = async (token: string, method: string, path: string, body?: unknown, status = 201) => {
    const res = await api(server.url, method, path, { token, body });
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  // Training: one recorded by the branch organizer, one the member reported herself (to be confirmed).
  const { training } = await call(d.orgA.token, 'POST', '/api/trainings', { orgId: d.branchA.id, title: TRAINING, kind: 'lecture', hours: 1.5 });
  await call(d.orgA.token, 'POST', `/api/trainings/${training.id}/records`, { userId: d.alice.user.id });
  const { training: reading } = await call(d.genOrg.token, 'POST', '/api/trainings', { orgId: d.general.id, title: SELF_STUDY, kind: 'self_study', hours: 2 });
  await call(d.alice.token, 'POST', `/api/trainings/${reading.id}/self-report`, { hours: 2, note: '读完《谈治国理政》第一卷' });
  // A report home, dues from this month, and a meeting she signed up for.
  await call(d.alice.token, 'POST', '/api/me/report-in', { location: 'London, Imperial College', mobile: true, note: '一切都好' });
  await call(d.orgA.token, 'PUT', `/api/dues/rates/${d.alice.user.id}`, { monthlyAmount: 5000, effectiveFrom: periodOf(Date.now(), 'Europe/London') }, 200);
  const { meeting } = await call(d.orgA.token, 'POST', '/api/meetings', {
    title: MEETING, startsAt: new Date(Date.now() + 86_400_000).toISOString(), location: 'Community hall', online: false, capacity: 20, openTo: 'all', hostOrgId: d.branchA.id,
  });
  const socket = await connect(server.url, { token: d.alice.token });
  await ok(socket, 'meeting:signup', { meetingId: meeting.id });
  socket.close();
}, 60_000);

describe('the activity card', () => {
  it('shows its sections at 360 px, prints without the bars and buttons, and makes a PDF', async () => {
    const { d } = env;
    const page = await env.open(d.alice, PHONE_ZH);
    try {
      await page.getByRole('button', { name: zh['nav.account'], exact: true }).click();
      await page.getByRole('menuitem', { name: zh['nav.record'] }).click();
      await page.getByRole('heading', { level: 1, name: zh['nav.card'] }).waitFor();
      for (const key of ['card.basic', 'card.branches', 'card.meetings', 'card.calls', 'card.training', 'card.dues', 'card.reports'] as const) {
        await page.getByRole('heading', { level: 2, name: zh[key] }).waitFor();
      }
      const basic = page.getByRole('region', { name: zh['card.basic'] });
      await basic.getByText(d.alice.user.name).waitFor();
      await basic.getByText(d.branchA.name).waitFor();
      const training = page.getByRole('region', { name: zh['card.training'] });
      await training.getByRole('rowheader', { name: new RegExp(TRAINING) }).waitFor();
      await training.getByRole('row', { name: new RegExp(SELF_STUDY) }).getByText(zh['training.status.pending']).waitFor();
      await training.getByText(fill(zh['card.hoursThisYear'], { year: new Date().getFullYear(), hours: fill(zh['life.hours'], { hours: '1.5' }) })).waitFor();
      await page.getByRole('region', { name: zh['card.meetings'] }).getByRole('link', { name: MEETING }).waitFor();
      await page.getByRole('region', { name: zh['card.reports'] }).getByText('London, Imperial College', { exact: false }).waitFor();
      await page.getByRole('region', { name: zh['card.branches'] }).getByRole('rowheader', { name: d.branchA.name }).waitFor();
      await settle(page);
      expect(await auditScreen(page), 'the card at 360 px').toEqual([]);

      // The print button hands over to the browser's print dialog.
      await page.evaluate(() => {
        (window as unknown as { printed: number }).printed = 0;
        window.print = () => void (window as unknown as { printed: number }).printed++;
      });
      await page.getByRole('button', { name: zh['card.print'] }).click();
      expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

      // On paper: no tab bar, top bar or buttons; the card's content, in black on white, whole (not cut at the screen).
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('nav.tabs').isVisible()).resolves.toBe(false);
      await expect(page.locator('header.bar').isVisible()).resolves.toBe(false);
      await expect(page.getByRole('button', { name: zh['card.print'] }).isVisible()).resolves.toBe(false);
      await expect(page.getByRole('navigation', { name: zh['nav.record'] }).isVisible()).resolves.toBe(false);
      await expect(page.getByRole('heading', { level: 1, name: zh['nav.card'] }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('heading', { level: 2, name: zh['card.reports'] }).isVisible()).resolves.toBe(true);
      const printed = await page.evaluate(() => {
        const main = document.getElementById('main')!;
        const style = getComputedStyle(main);
        return { overflow: style.overflowY, color: getComputedStyle(document.querySelector('h1')!).color, background: getComputedStyle(document.body).backgroundColor, fits: main.scrollHeight <= main.clientHeight + 1 };
      });
      expect(printed).toEqual({ overflow: 'visible', color: 'rgb(0, 0, 0)', background: 'rgb(255, 255, 255)', fits: true });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(5_000);
      await page.emulateMedia({ media: 'screen' });
      await expect(page.locator('nav.tabs').isVisible()).resolves.toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('an organizer over the member opens it and downloads it as CSV; an organizer of another branch is refused', async () => {
    const { d } = env;
    const orgA = await env.open(d.orgA, desktop);
    const orgB = await env.open(d.orgB, PHONE_ZH);
    try {
      await go(orgA, `/members/${d.alice.user.id}/card`);
      await orgA.getByRole('heading', { level: 1, name: fill(english['card.of'], { name: d.alice.user.name }) }).waitFor();
      await orgA.getByRole('region', { name: english['card.training'] }).getByRole('rowheader', { name: new RegExp(TRAINING) }).waitFor();
      const [download] = await Promise.all([orgA.waitForEvent('download'), orgA.getByRole('button', { name: english['card.csv'] }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv).toContain(d.alice.user.name);
      expect(csv).toContain(TRAINING);

      await go(orgB, `/members/${d.alice.user.id}/card`);
      await orgB.getByRole('alert').filter({ hasText: zh['error.forbidden'] }).waitFor();
    } finally {
      await Promise.all([orgA, orgB].map((p) => p.context().close()));
    }
  });
});
