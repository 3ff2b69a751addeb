import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { voiceEn } from '../../client/src/i18n/voice/en';
import { voiceZhCN } from '../../client/src/i18n/voice/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';
import { auditScreen } from '../helpers/routeAudit';

/**
 * Discussions and blogs in the browser, each person in their own page: a thread started from the forum, a reply
 * arriving live on another member's page, a reply written offline that shows as sending and goes out once when
 * the link is back, an organizer who hides a reply and locks the thread (the lock reaching the open pages at once:
 * the reply box closed with a notice, a draft kept; a reply written offline meanwhile refused as locked), and who
 * hides the thread (marked hidden live on another organizer's page); a post written as a draft, published,
 * featured by an organizer, commented on, and deleted by its author, each page's buttons what the server says
 * that viewer may do.
 */

const env = useBrowserServer({ timeout: 10_000 });
const zh = { ...zhCN, ...voiceZhCN };
const english = { ...en, ...voiceEn };

describe('discussions and blogs in the browser', () => {
  it('a thread: started, replied to live, a reply sent offline goes out once, a reply hidden, the thread locked and hidden live', async () => {
    const { d } = env;
    const alice = await env.open(d.alice, PHONE_ZH);
    const amy = await env.open(d.amy, PHONE_ZH);
    const orgA = await env.open(d.orgA, DESKTOP_EN);
    const genOrg = await env.open(d.genOrg, PHONE_ZH);
    const title = '周末学习小组怎么安排？';
    try {
      // Alice starts it from the forum's discussions, in her branch.
      await go(alice, '/discussions');
      await alice.getByRole('button', { name: zh['discussion.new'] }).click();
      const form = alice.getByRole('form', { name: zh['discussion.new'] });
      await form.getByLabel(zh['admin.unit']).selectOption({ label: d.branchA.name });
      await form.getByLabel(zh['form.title']).fill(title);
      await form.getByLabel(zh['voice.body']).fill('大家周六还是周日方便？');
      await form.getByRole('button', { name: zh['discussion.create'] }).click();
      await alice.getByRole('heading', { level: 1, name: title }).waitFor();
      const id = Number(alice.url().match(/discussions\/(\d+)/)![1]);

      // Amy has it open; Alice's reply arrives on her page without a reload.
      await go(amy, `/discussions/${id}`);
      await amy.getByRole('heading', { level: 1, name: title }).waitFor();
      await alice.getByLabel(zh['reply.label']).fill('我周六上午可以。');
      await alice.getByRole('button', { name: zh['reply.send'], exact: true }).click();
      await amy.locator('ol.replies > li').filter({ hasText: '我周六上午可以。' }).waitFor();

      // Amy loses the link: her reply shows as sending, then goes out once when she is back.
      await amy.context().setOffline(true);
      await amy.getByLabel(zh['reply.label']).fill('周日下午也行，线上开吧。');
      await amy.getByRole('button', { name: zh['reply.send'], exact: true }).click();
      const waiting = amy.locator('li.reply.pending').filter({ hasText: '周日下午也行' });
      await waiting.getByText(zh['reply.sending']).waitFor();
      await amy.waitForTimeout(500);
      await amy.context().setOffline(false);
      await waiting.waitFor({ state: 'detached', timeout: 15_000 });
      await alice.locator('ol.replies > li').filter({ hasText: '周日下午也行' }).waitFor();
      const stored = await api(env.server.url, 'GET', `/api/discussions/${id}`, { token: d.alice.token });
      expect(stored.body.replies.filter((r: { body: string }) => r.body.startsWith('周日下午也行'))).toHaveLength(1);

      // The organizer (English, laptop) hides Amy's reply. Alice is writing a reply; Amy writes one offline.
      await go(orgA, `/discussions/${id}`);
      await go(genOrg, `/discussions/${id}`);
      await genOrg.getByRole('heading', { level: 1, name: title }).waitFor();
      await orgA.getByRole('button', { name: fill(english['reply.hideOf'], { name: d.amy.user.name }) }).click();
      await orgA.locator('li.reply.hidden-item').filter({ hasText: '周日下午也行' }).getByText(english['voice.hidden']).waitFor();
      const aliceBox = alice.getByLabel(zh['reply.label']);
      const aliceSend = alice.getByRole('button', { name: zh['reply.send'], exact: true });
      await aliceBox.fill('那就周六吧。');
      expect(await aliceSend.isEnabled()).toBe(true);
      await amy.context().setOffline(true);
      await amy.getByLabel(zh['reply.label']).fill('我也同意周六。');
      await amy.getByRole('button', { name: zh['reply.send'], exact: true }).click();
      await amy.locator('li.reply.pending').getByText(zh['reply.sending']).waitFor();

      // The organizer locks the thread: Alice's page hears it at once, without a reload. The box is closed with
      // the reason said (a status, read out), her draft kept in it; the button cannot send.
      await orgA.getByRole('button', { name: english['discussion.lock'] }).click();
      await orgA.getByRole('status').filter({ hasText: english['discussion.lockedNote'] }).waitFor();
      await alice.getByRole('status').filter({ hasText: zh['discussion.lockedNote'] }).waitFor();
      await alice.getByText(zh['discussion.locked'], { exact: true }).waitFor();
      await expect.poll(() => aliceSend.isDisabled()).toBe(true);
      expect(await aliceBox.isEditable()).toBe(false);
      expect(await aliceBox.inputValue()).toBe('那就周六吧。');
      expect(await aliceBox.getAttribute('aria-describedby')).toBe('reply-closed-note');
      await aliceBox.press('x');
      expect(await aliceBox.inputValue()).toBe('那就周六吧。');
      expect(await alice.locator('li.reply.pending').count()).toBe(0);
      // At 360 px, closed: nothing too wide or covered, and axe finds nothing (the read-only box keeps its contrast).
      expect(await auditScreen(alice), 'a thread locked live, at 360 px').toEqual([]);
      // The other organizer's page too (live, no reload), and still with the tools to unlock.
      await genOrg.getByRole('status').filter({ hasText: zh['discussion.lockedNote'] }).waitFor();
      await genOrg.getByRole('button', { name: zh['discussion.unlock'] }).waitFor();

      // Amy's reply written offline goes out when she is back, and is refused as locked, said in words; her page
      // learns of the lock it missed.
      await amy.context().setOffline(false);
      await amy.locator('li.reply.pending').getByText(fill(zh['reply.failed'], { reason: zh['reply.locked'] })).waitFor({ timeout: 15_000 });
      await amy.getByRole('status').filter({ hasText: zh['discussion.lockedNote'] }).waitFor();
      expect(await amy.getByLabel(zh['reply.label']).isEditable()).toBe(false);
      await amy.getByRole('button', { name: zh['reply.discard'] }).click();
      await amy.locator('li.reply.pending').waitFor({ state: 'detached' });
      const kept = await api(env.server.url, 'GET', `/api/discussions/${id}`, { token: d.orgA.token });
      expect(kept.body.replies.filter((r: { body: string }) => r.body === '我也同意周六。')).toHaveLength(0);

      // Unlocked: Alice's box opens again with her draft, live.
      await orgA.getByRole('button', { name: english['discussion.unlock'] }).click();
      await expect.poll(() => aliceBox.isEditable()).toBe(true);
      expect(await aliceBox.inputValue()).toBe('那就周六吧。');
      expect(await alice.getByText(zh['discussion.lockedNote']).count()).toBe(0);
      expect(await aliceSend.isEnabled()).toBe(true);

      // A member does not see the hidden reply once the page loads again.
      await alice.reload();
      await alice.getByRole('heading', { level: 1, name: title }).waitFor();
      await alice.locator('ol.replies > li').first().waitFor();
      expect(await alice.locator('ol.replies > li').filter({ hasText: '周日下午也行' }).count()).toBe(0);

      // The organizer hides the whole thread: the other organizer's open page marks it hidden at once.
      await orgA.getByRole('button', { name: english['discussion.hide'] }).click();
      await orgA.getByRole('button', { name: english['discussion.unhide'] }).waitFor();
      const byline = genOrg.locator('article .byline');
      await byline.getByText(zh['voice.hidden'], { exact: true }).waitFor();
      await genOrg.getByText(zh['voice.hiddenNote']).waitFor();
      await genOrg.getByRole('button', { name: zh['discussion.unhide'] }).waitFor();
      // Shown again: the marking goes, live.
      await orgA.getByRole('button', { name: english['discussion.unhide'] }).click();
      await byline.getByText(zh['voice.hidden'], { exact: true }).waitFor({ state: 'detached' });
      expect(await genOrg.getByText(zh['voice.hiddenNote']).count()).toBe(0);
    } finally {
      for (const p of [alice, amy, orgA, genOrg]) await p.context().close();
    }
  });

  it('a post: a draft only its author sees, published, featured by an organizer, commented on, deleted; each page offers what its viewer may do', async () => {
    const { d } = env;
    const alice = await env.open(d.alice, PHONE_ZH);
    const orgA = await env.open(d.orgA, DESKTOP_EN);
    const orgB = await env.open(d.orgB, DESKTOP_EN);
    // Whether a viewer may feature or delete is the post's to say (`post.may`): no page asks for the author's record.
    // (A page may still write the viewer's own language to their record, when they read in another one.)
    const asked: string[] = [];
    for (const page of [alice, orgA, orgB]) page.on('request', (r) => void (r.method() === 'GET' && /\/api\/members\//.test(r.url()) && asked.push(r.url())));
    /** The post's buttons on a page, by name (the edit link among them). */
    const buttons = async (page: Page) => (await page.locator('main .actions').locator('a, button').allInnerTexts()).map((x) => x.trim());
    const title = '我在伦敦的组织生活';
    try {
      await go(alice, '/posts');
      await alice.getByRole('link', { name: zh['post.new'] }).click();
      await alice.getByLabel(zh['form.title']).fill(title);
      await alice.getByLabel(zh['voice.body']).fill('每个月和支部视频一次，时差八小时也能参加。');
      await alice.getByRole('button', { name: zh['post.saveDraft'] }).click();
      await alice.getByRole('heading', { level: 1, name: title }).waitFor();
      await alice.getByText(zh['post.draft'], { exact: true }).waitFor();
      const id = Number(alice.url().match(/posts\/(\d+)/)![1]);
      // Her own: edit and delete; a draft is not featured, and she does not feature her own anyway.
      expect(await buttons(alice)).toEqual([zh['action.edit'], zh['post.delete']]);
      // A draft is hers alone: not in the organizer's list.
      await go(orgA, '/posts');
      await orgA.getByRole('heading', { level: 1, name: en['nav.posts'] }).waitFor();
      await orgA.locator('main li.card, main p.empty').first().waitFor();
      expect(await orgA.getByRole('link', { name: title }).count()).toBe(0);

      // Published from the editor.
      await alice.getByRole('link', { name: zh['action.edit'] }).click();
      await alice.getByRole('button', { name: zh['post.publish'] }).click();
      await alice.getByRole('heading', { level: 1, name: title }).waitFor();
      expect(await alice.getByText(zh['post.draft'], { exact: true }).count()).toBe(0);

      // The organizer over her may feature and delete it, not edit it.
      await go(orgA, `/posts/${id}`);
      await orgA.getByRole('button', { name: english['post.feature'] }).waitFor();
      expect(await buttons(orgA)).toEqual([english['post.feature'], english['post.delete']]);
      const seen = await api(env.server.url, 'GET', `/api/posts/${id}`, { token: d.orgA.token });
      expect(seen.body.post.may).toEqual({ edit: false, feature: true, remove: true });
      // An organizer of another branch: nothing to do with it (no buttons at all), only read and comment.
      await go(orgB, `/posts/${id}`);
      await orgB.getByRole('heading', { level: 1, name: title }).waitFor();
      await orgB.getByLabel(english['post.comment']).waitFor();
      expect(await orgB.locator('main .actions').count()).toBe(0);
      // Nor may he edit it from the editor's address.
      await go(orgB, `/posts/${id}/edit`);
      await orgB.getByRole('alert').filter({ hasText: en['error.forbidden'] }).waitFor();

      // The organizer over her features it (then offered to unfeature it) and comments.
      await orgA.getByRole('button', { name: english['post.feature'] }).click();
      await orgA.getByRole('status').filter({ hasText: english['post.featuredDone'] }).waitFor();
      expect(await buttons(orgA)).toEqual([english['post.unfeature'], english['post.delete']]);
      await orgA.getByLabel(english['post.comment']).fill('Well done — 写得好！');
      await orgA.getByRole('button', { name: english['post.commentSend'] }).click();
      await orgA.locator('ol.replies > li').filter({ hasText: 'Well done' }).waitFor();
      await go(alice, '/posts?view=featured');
      await alice.locator('li.card').filter({ hasText: title }).getByText(zh['post.featured'], { exact: true }).waitFor();

      // Alice deletes it (after saying yes).
      await go(alice, `/posts/${id}`);
      await alice.locator('ol.replies > li').filter({ hasText: 'Well done' }).waitFor();
      alice.once('dialog', (dialog) => void dialog.accept());
      await alice.getByRole('button', { name: zh['post.delete'] }).click();
      await alice.waitForURL(/#\/posts\?view=mine$/);
      expect((await api(env.server.url, 'GET', `/api/posts/${id}`, { token: d.orgA.token })).status).toBe(404);
      expect(asked).toEqual([]);
    } finally {
      for (const p of [alice, orgA, orgB]) await p.context().close();
    }
  });
});
