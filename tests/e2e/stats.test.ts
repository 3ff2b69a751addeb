import { describe, expect, it } from 'vitest';
import { statsZhCN } from '../../client/src/i18n/stats/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import type { DistrictStats } from '../../client/src/views/stats/logic';
import { go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';

/**
 * The statistics page on a phone: the admin sees the district's figures as the server counts them, a year of
 * dues drawn as a chart (the chart library arrives with the page only) with its figures in a table too, and
 * narrows to one unit; an organizer reaches it from the console and sees only her units.
 */
const env = useBrowserServer({ timeout: 10_000 });
const zh = { ...zhCN, ...statsZhCN };

describe('the statistics page', () => {
  it('shows the server’s figures, the dues as a chart and a table, narrows to a unit; an organizer gets there from the console', async () => {
    const { d, server } = env;
    const { body: all } = await api<DistrictStats>(server.url, 'GET', '/api/stats', { token: d.admin.token });
    const { body: branchA } = await api<DistrictStats>(server.url, 'GET', `/api/stats?orgId=${d.branchA.id}`, { token: d.admin.token });
    const admin = await env.open(d.admin, PHONE_ZH);
    try {
      const scripts: string[] = [];
      admin.on('request', (r) => void (r.resourceType() === 'script' && scripts.push(r.url())));
      await go(admin, '/stats');
      await admin.getByRole('heading', { level: 1, name: zh['nav.stats'] }).waitFor();
      const figure = (label: string) => admin.locator('.figure').filter({ has: admin.getByText(label, { exact: true }) }).locator('dd');
      await expect.poll(() => figure(zh['stats.unit.branch']).innerText()).toBe(String(all.units.branch));
      const bars = admin.getByTestId('member-bars');
      expect(await bars.locator('.hbar').filter({ hasText: zh['stats.members.active'] }).locator('.hbar-value').innerText()).toBe(String(all.members.active));
      // The chart is drawn, wide as the phone, and named; its figures are in the table too.
      const chart = admin.getByRole('img', { name: zh['stats.dues.chart'] });
      await chart.locator('canvas').waitFor();
      const box = (await chart.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      await admin.getByText(zh['stats.dues.table']).click();
      expect(await admin.locator('.dues-table tbody tr').count()).toBe(all.dues.length);
      expect(scripts.some((u) => /StatsPage/.test(u))).toBe(true);
      expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

      // Narrowed to branch A (kept in the address).
      await admin.getByLabel(zh['stats.unit']).selectOption({ label: d.branchA.name });
      await expect.poll(() => admin.url()).toContain(`orgId=${d.branchA.id}`);
      await expect.poll(() => figure(zh['stats.unit.branch']).innerText()).toBe(String(branchA.units.branch));
      await expect.poll(() => figure(zh['stats.unit.general_branch']).innerText()).toBe('0');
    } finally {
      await admin.context().close();
    }

    const organizer = await env.open(d.genOrg, PHONE_ZH);
    try {
      await go(organizer, '/audit');
      await organizer.getByRole('link', { name: zh['nav.stats'] }).click();
      await organizer.getByRole('heading', { level: 1, name: zh['nav.stats'] }).waitFor();
      const { body: mine } = await api<DistrictStats>(server.url, 'GET', '/api/stats', { token: d.genOrg.token });
      await expect.poll(() => organizer.locator('.figure').filter({ hasText: zh['stats.unit.branch'] }).locator('dd').innerText()).toBe(String(mine.units.branch));
      expect(mine.units.committee).toBe(0);
    } finally {
      await organizer.context().close();
    }
  });
});
