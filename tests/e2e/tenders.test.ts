import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { projectsEn } from '../../client/src/i18n/projects/en';
import { projectsZhCN } from '../../client/src/i18n/projects/zh-CN';
import { voiceEn } from '../../client/src/i18n/voice/en';
import { voiceZhCN } from '../../client/src/i18n/voice/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import type { Bid, Tender } from '../../server/contract/projects';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';

/**
 * Calls for projects and the library in the browser, each person in their own page: a member proposes a bid
 * from a call's page on a phone; another member, on a laptop in English, backs it, and the count on the first
 * member's page moves without a reload (and back when the support is taken back); the branch's organizer awards
 * it (after a confirmation), it is in the library, and she adopts it into a meeting and lands on that meeting,
 * which links back to the project.
 */

const env = useBrowserServer({ timeout: 10_000 });
const zh = { ...zhCN, ...voiceZhCN, ...projectsZhCN };
const english = { ...en, ...voiceEn, ...projectsEn };

describe('calls for projects in the browser', () => {
  it('a member bids; another backs the bid and the count moves live on the first page; the organizer awards it, it is in the library, and adopting it makes a meeting', async () => {
    const { d, server } = env;
    const tag = Date.now().toString(36);
    const TENDER = `社区“微心愿”活动项目征集 ${tag}`;
    const BID = `楼栋党员认领独居老人微心愿 ${tag}`;
    const { body: { tender } } = await api<{ tender: Tender }>(server.url, 'POST', '/api/tenders', {
      token: d.orgA.token,
      body: { orgId: d.branchA.id, title: TENDER, description: '请各位党员提出本季度的主题活动方案，得到支持最多的方案进入项目库。', closesAt: new Date(Date.now() + 3 * 86_400_000).toISOString() },
    });
    // Another bid already there (backed by nobody yet).
    await api<{ bid: Bid }>(server.url, 'POST', `/api/tenders/${tender.id}/bids`, { token: d.bob.token, body: { title: `周末理论学习读书会 ${tag}`, summary: '每月两次读书会', plan: '第一周选书，第三周分享。', format: '线下读书会' } });

    const alice = await env.open(d.alice, PHONE_ZH);
    const amy = await env.open(d.amy, DESKTOP_EN);
    const organizer = await env.open(d.orgA, PHONE_ZH);
    try {
      // The member reaches the call from the forum tab's Projects section and proposes a bid.
      await go(alice, '/announcements');
      await alice.getByRole('navigation', { name: zh['voice.sections'] }).getByRole('link', { name: zh['nav.projects'] }).click();
      await alice.getByRole('link', { name: TENDER }).click();
      await alice.getByRole('heading', { level: 1, name: TENDER }).waitFor();
      await alice.getByRole('button', { name: zh['bid.new'] }).click();
      const form = alice.getByRole('form', { name: zh['bid.new'] });
      await form.getByLabel(zh['bid.title']).fill(BID);
      await form.getByLabel(zh['bid.summary']).fill('每位党员认领一户独居老人的一个小心愿，一个月内完成。');
      await form.getByLabel(zh['bid.plan']).fill('第一周：走访登记心愿；第二、三周：认领和完成；第四周：回访和总结。');
      await form.getByLabel(zh['bid.format']).fill('入户走访 + 志愿服务');
      await form.getByRole('button', { name: zh['bid.submit'] }).click();
      await alice.getByRole('status').filter({ hasText: zh['bid.submitted'] }).waitFor();
      const aliceBid = alice.locator('li.bid').filter({ hasText: BID });
      await aliceBid.getByTestId('supporters').filter({ hasText: fill(zh['bid.supporters'], { count: 0 }) }).waitFor();

      // Another member (already on the call's page) backs it: the count moves on Alice's page without a reload.
      await go(amy, `/tenders/${tender.id}`);
      const amyBid = amy.locator('li.bid').filter({ hasText: BID });
      await amyBid.waitFor();
      const reloads: string[] = [];
      alice.on('framenavigated', (f) => void (f === alice.mainFrame() && reloads.push(f.url())));
      const support = amyBid.getByRole('button', { name: english['bid.support'] });
      expect(await support.getAttribute('aria-pressed')).toBe('false');
      await support.click();
      await expect.poll(() => support.getAttribute('aria-pressed')).toBe('true');
      await amyBid.getByTestId('supporters').filter({ hasText: fill(english['bid.supporters'], { count: 1 }) }).waitFor();
      await aliceBid.getByTestId('supporters').filter({ hasText: fill(zh['bid.supporters'], { count: 1 }) }).waitFor();
      // Alice backs it too (the counts add up on both pages), then Amy takes hers back.
      await aliceBid.getByRole('button', { name: zh['bid.support'] }).click();
      await amyBid.getByTestId('supporters').filter({ hasText: fill(english['bid.supporters'], { count: 2 }) }).waitFor();
      await support.click();
      await aliceBid.getByTestId('supporters').filter({ hasText: fill(zh['bid.supporters'], { count: 1 }) }).waitFor();
      expect(reloads.filter((u) => !u.includes(`/tenders/${tender.id}`))).toEqual([]);
      const stored = (await api<{ bids: Bid[] }>(server.url, 'GET', `/api/tenders/${tender.id}`, { token: d.bob.token })).body;
      expect(stored.bids.find((b) => b.title === BID)?.supporters).toBe(1);
      // Members do not award.
      expect(await alice.getByRole('button', { name: zh['bid.award'] }).count()).toBe(0);

      // The organizer awards it, after confirming; the bid enters the library.
      await go(organizer, `/tenders/${tender.id}`);
      const orgBid = organizer.locator('li.bid').filter({ hasText: BID });
      let asked = '';
      organizer.once('dialog', (dialog) => {
        asked = dialog.message();
        void dialog.accept();
      });
      await orgBid.getByRole('button', { name: zh['bid.award'] }).click();
      await organizer.getByRole('status').filter({ hasText: zh['bid.awarded'] }).waitFor();
      expect(asked).toContain(BID);
      await orgBid.getByText(zh['bid.awardedPill'], { exact: true }).waitFor();
      expect(await organizer.getByRole('button', { name: zh['bid.award'] }).count()).toBe(0);
      // The support buttons are gone once the call is awarded (on Alice's page after a look again).
      await organizer.getByRole('link', { name: zh['bid.openProject'] }).click();
      await organizer.getByRole('heading', { level: 1, name: BID }).waitFor();
      const projectId = Number(organizer.url().match(/projects\/(\d+)/)![1]);

      // It is in the library, found by Chinese words.
      await go(organizer, '/projects');
      await organizer.getByRole('link', { name: BID }).waitFor();
      await organizer.getByRole('searchbox', { name: zh['project.search'] }).fill('独居老人');
      await organizer.getByRole('button', { name: zh['project.searchButton'] }).click();
      await expect.poll(() => decodeURIComponent(organizer.url())).toContain('q=独居老人');
      await organizer.getByRole('link', { name: BID }).click();

      // Adopted into a meeting of the branch: the organizer lands on it, and it links back to the project.
      await organizer.getByRole('heading', { level: 1, name: BID }).waitFor();
      await organizer.getByRole('button', { name: zh['project.adopt'] }).click();
      const adopt = organizer.getByRole('form', { name: zh['project.adopt'] });
      await adopt.getByLabel(zh['project.host']).selectOption({ label: d.branchA.name });
      await adopt.getByLabel(zh['form.startsAt']).fill(new Date(Date.now() + 5 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10) + 'T19:30');
      await adopt.getByLabel(zh['form.location']).fill('社区党群服务中心');
      await adopt.getByLabel(zh['form.capacity']).fill('20');
      await adopt.getByRole('button', { name: zh['project.adoptSubmit'] }).click();
      await organizer.waitForURL(/#\/meetings\/\d+$/);
      await organizer.getByRole('heading', { level: 1, name: BID }).waitFor();
      await organizer.getByText('19:30').first().waitFor();
      await organizer.getByRole('link', { name: zh['meeting.fromProject'] }).click();
      await organizer.waitForURL(new RegExp(`#/projects/${projectId}$`));
      await organizer.getByText(fill(zh['project.adoptions'], { count: 1 })).waitFor();
      await organizer.locator('li.card').filter({ hasText: BID }).getByRole('link').waitFor();
    } finally {
      await Promise.all([alice, amy, organizer].map((p) => p.context().close()));
    }
  });
});
