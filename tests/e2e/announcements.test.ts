import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { voiceEn } from '../../client/src/i18n/voice/en';
import { voiceZhCN } from '../../client/src/i18n/voice/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';

/**
 * Announcements in the browser, each person in their own page: the general branch's organizer publishes one to
 * branch B (four members, the organizer not among them) and keeps its page open; two members read it, one from
 * the list (where it is marked unread, and then no longer), one from the notification. The organizer's panel
 * goes from 0 to 1 to 2 of 4 without a reload, and the names of who has not read it shrink with it. Unread is
 * marked for those it was addressed to (`announcement.addressed`): branch B's organizer, an addressee, sees it
 * unread; the publisher, who was not addressed, never does, nor does opening it count as a read.
 */

const env = useBrowserServer({ timeout: 10_000 });
const zh = { ...zhCN, ...voiceZhCN };
const english = { ...en, ...voiceEn };

describe('announcements in the browser', () => {
  it('an organizer publishes and watches "read by N of M" rise live while two members read it; the unread list shrinks', async () => {
    const { d } = env;
    const [bea, ben] = await createMembersFast(env.server.db, d.branchB.id, 2, `ann${Date.now().toString(36)}`);
    const organizer = await env.open(d.genOrg, PHONE_ZH);
    const title = '关于十二月组织生活会的通知 December branch meeting';
    try {
      // Published from the list's form, to branch B: its four members are told.
      await go(organizer, '/announcements');
      await organizer.getByRole('button', { name: zh['announcement.new'] }).click();
      const form = organizer.getByRole('form', { name: zh['announcement.new'] });
      await form.getByLabel(zh['announcement.unit']).selectOption({ label: d.branchB.name });
      await form.getByLabel(zh['form.title']).fill(title);
      await form.getByLabel(zh['voice.body']).fill('请各位党员本周内阅读会议材料，并在讨论区提出问题。');
      await form.getByRole('button', { name: zh['announcement.publish'] }).click();
      await organizer.getByRole('status').filter({ hasText: fill(zh['announcement.published'], { count: 4 }) }).waitFor();
      // Not addressed to the publisher: in her list, not marked unread (an organizer over the unit reads, not a reader).
      const own = organizer.locator('li.card').filter({ hasText: title });
      await own.getByText(fill(zh['announcement.readShort'], { read: 0, audience: 4 })).waitFor();
      expect(await own.getByText(zh['announcement.unread'], { exact: true }).count()).toBe(0);
      const readPosts: string[] = [];
      organizer.on('request', (r) => void (r.method() === 'POST' && /\/read$/.test(r.url()) && readPosts.push(r.url())));

      // Its page: nobody has read it yet, and all four are named.
      await organizer.getByRole('link', { name: title }).click();
      await organizer.getByRole('heading', { level: 1, name: title }).waitFor();
      const count = organizer.getByTestId('read-count');
      const unread = organizer.getByTestId('unread-list').getByRole('listitem');
      await count.filter({ hasText: fill(zh['announcement.readBy'], { read: 0, audience: 4 }) }).waitFor();
      await expect.poll(() => unread.allInnerTexts()).toEqual(expect.arrayContaining([d.orgB.user.name, d.bob.user.name, bea.user.name, ben.user.name]));
      expect(await unread.count()).toBe(4);
      const id = Number(organizer.url().match(/announcements\/(\d+)/)![1]);
      expect(readPosts).toEqual([]);

      // Branch B's organizer is one of the four: for him it is unread, like for any member (English, laptop).
      const orgB = await env.open(d.orgB, DESKTOP_EN);
      try {
        await go(orgB, '/announcements');
        const card = orgB.locator('li.card').filter({ hasText: title });
        await card.getByText(english['announcement.unread'], { exact: true }).waitFor();
        // He organizes branch B, so his card shows the read count too.
        await card.getByText(fill(english['announcement.readShort'], { read: 0, audience: 4 })).waitFor();
      } finally {
        await orgB.context().close();
      }

      // Bob (English, on a laptop) finds it marked unread in his list and opens it.
      const bob = await env.open(d.bob, DESKTOP_EN);
      try {
        await go(bob, '/announcements');
        const card = bob.locator('li.card').filter({ hasText: title });
        await card.getByText(english['announcement.unread'], { exact: true }).waitFor();
        await card.getByRole('link', { name: title }).click();
        await bob.getByRole('heading', { level: 1, name: title }).waitFor();
        // Not an organizer over branch B: no read panel for him.
        expect(await bob.getByTestId('read-count').count()).toBe(0);

        // The organizer's page moves on its own: 1 of 4, Bob no longer named.
        await count.filter({ hasText: fill(zh['announcement.readBy'], { read: 1, audience: 4 }) }).waitFor();
        await expect.poll(() => unread.allInnerTexts()).not.toContain(d.bob.user.name);
        expect(await unread.count()).toBe(3);

        // Back in his list it is no longer marked unread.
        await go(bob, '/announcements');
        await bob.locator('li.card').filter({ hasText: title }).waitFor();
        expect(await bob.locator('li.card').filter({ hasText: title }).getByText(english['announcement.unread'], { exact: true }).count()).toBe(0);
      } finally {
        await bob.context().close();
      }

      // Bea opens it from her notification.
      const beaPage = await env.open(bea, PHONE_ZH);
      try {
        await go(beaPage, '/notifications');
        await beaPage.getByRole('link', { name: new RegExp(title.slice(0, 8)) }).first().click();
        await beaPage.waitForURL(new RegExp(`#/announcements/${id}$`));
        await beaPage.getByRole('heading', { level: 1, name: title }).waitFor();
      } finally {
        await beaPage.context().close();
      }
      await count.filter({ hasText: fill(zh['announcement.readBy'], { read: 2, audience: 4 }) }).waitFor();
      await expect.poll(() => unread.allInnerTexts()).not.toContain(bea.user.name);
      expect((await unread.allInnerTexts()).sort()).toEqual([d.orgB.user.name, ben.user.name].sort());

      // The stored figures agree with what the page shows; reading twice changes nothing.
      const again = await api(env.server.url, 'POST', `/api/announcements/${id}/read`, { token: d.bob.token });
      expect(again.status).toBe(204);
      const reads = await api(env.server.url, 'GET', `/api/announcements/${id}/reads`, { token: d.genOrg.token });
      expect(reads.body).toMatchObject({ audience: 4, read: 2 });
      await organizer.waitForTimeout(1500);
      await count.filter({ hasText: fill(zh['announcement.readBy'], { read: 2, audience: 4 }) }).waitFor();
    } finally {
      await organizer.context().close();
    }
  });
});
