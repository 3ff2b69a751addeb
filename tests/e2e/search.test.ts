import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { voiceZhCN } from '../../client/src/i18n/voice/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api, connect, ok } from '../helpers/clients';

/**
 * One search box, in the browser on a phone (360 × 740, zh-CN): a member searches a two-character Chinese word
 * from the header, sees the message named by its room (as the server names it) and author, and lands on it in its room (an old one, far above the room's latest page), scrolled
 * into view, focused and marked, then goes back to the room's end; a message in a meeting's room (not among the
 * member's rooms in the app) is named by the meeting's title; a discussion's reply far down the thread is found and
 * opened at that reply.
 */

const env = useBrowserServer({ timeout: 10_000 });
const zh = { ...zhCN, ...voiceZhCN };

const TARGET = '请大家按时交党费，这个月截止到25号。';
const REPLY = '下个月我们办一次读书会吧，每人推荐一本书。';
const MEETING_TITLE = '社区议事会 Community council';
const IN_MEETING = '议事会的场地改到社区活动中心二楼。';

/** Until the search (indexed in batches behind chat) finds what was just written. */
async function indexed(token: string, q: string, kind: string, body: string) {
  await expect
    .poll(async () => {
      const res = await api(env.server.url, 'GET', `/api/search?${new URLSearchParams({ q, kind })}`, { token });
      return (res.body?.results ?? []).some((r: { snippet: string }) => r.snippet.includes(body.slice(0, 6)));
    }, { timeout: 15_000, interval: 300 })
    .toBe(true);
}

/** The element is inside the visible part of its scrolling container (and of the window). */
async function inView(element: Locator, container: Locator) {
  const [box, frame] = await Promise.all([element.boundingBox(), container.boundingBox()]);
  expect(box && frame).toBeTruthy();
  expect(box!.y).toBeGreaterThanOrEqual(frame!.y - 1);
  expect(box!.y + Math.min(box!.height, 40)).toBeLessThanOrEqual(frame!.y + frame!.height + 1);
  expect(box!.y + Math.min(box!.height, 40)).toBeLessThanOrEqual(740);
}

async function searchFromHeader(page: Page, q: string) {
  await page.getByRole('link', { name: zh['nav.search'] }).click();
  const box = page.getByRole('searchbox', { name: zh['search.label'] });
  await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
  await box.fill(q);
  await box.press('Enter');
  await page.waitForURL(/#\/search\?q=/);
}

describe('search in the browser', () => {
  it('a two-character word finds an old message and opens it in its room, scrolled to it and marked; a message in a meeting’s room is named by the meeting; a reply far down a thread opens at that reply', async () => {
    const { d } = env;
    const roomId = `org:${d.branchA.id}`;
    const [amy, orgA, alice] = await Promise.all([d.amy, d.orgA, d.alice].map((p) => connect(env.server.url, { token: p.token })));
    let targetSeq = 0;
    let lastBody = '';
    try {
      // The message, then more than two screens and two pages of history after it (none of them says 党费).
      await ok(amy, 'chat:send', { roomId, clientId: 'search-0', body: '早上好，今天的学习材料已经发了。' });
      targetSeq = (await ok(amy, 'chat:send', { roomId, clientId: 'search-target', body: TARGET })).message.seq;
      for (let i = 1; i <= 120; i++) {
        lastBody = `第${i}条：学习笔记已经整理好，放在群文件里了。`;
        await ok(i % 2 ? orgA : alice, 'chat:send', { roomId, clientId: `search-fill-${i}`, body: lastBody });
      }
      // A thread of more than one page of replies; the one to find is near its end.
      const created = await api(env.server.url, 'POST', '/api/discussions', { token: d.orgA.token, body: { orgId: d.branchA.id, title: '支部活动的新点子', body: '大家说说明年想办什么活动。' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const discussionId = created.body.discussion.id;
      let replyId = 0;
      for (let i = 1; i <= 70; i++) {
        const body = i === 64 ? REPLY : `第${i}个想法：多组织线上学习。`;
        const res = await api(env.server.url, 'POST', `/api/discussions/${discussionId}/replies`, { token: (i % 2 ? d.amy : d.alice).token, body: { body, clientId: `idea-${i}` } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        if (i === 64) replyId = res.body.reply.id;
      }
      // A meeting Alice holds a seat in, and a message in its room (the app's room list has only units' rooms).
      const meeting = await api(env.server.url, 'POST', '/api/meetings', {
        token: d.orgA.token,
        body: { title: MEETING_TITLE, startsAt: new Date(Date.now() + 86_400_000).toISOString(), location: 'Community hall', online: false, capacity: 20, openTo: 'all', hostOrgId: d.branchA.id },
      });
      expect(meeting.status, JSON.stringify(meeting.body)).toBe(201);
      const meetingId = meeting.body.meeting.id;
      await ok(alice, 'meeting:signup', { meetingId });
      await ok(orgA, 'chat:send', { roomId: `meeting:${meetingId}`, clientId: 'search-meeting', body: IN_MEETING });
      await indexed(d.alice.token, '党费', 'message', TARGET);
      await indexed(d.alice.token, '场地', 'message', IN_MEETING);
      await indexed(d.alice.token, '读书会', 'reply', REPLY);

      const page = await env.open(d.alice, PHONE_ZH);
      try {
        // The home room shows its end: the message is far above it.
        await page.getByRole('log').getByText(lastBody).waitFor();
        expect(await page.locator(`li.msg[data-seq="${targetSeq}"]`).count()).toBe(0);

        // From the header: 党费, Enter; the result's snippet has the word marked.
        await searchFromHeader(page, '党费');
        const result = page.locator('li.card').filter({ hasText: TARGET.slice(0, 8) });
        await result.locator('mark.hit', { hasText: '党费' }).first().waitFor();
        // Named by its room, as the search names it (`roomName`), and its author.
        const found0 = await api(env.server.url, 'GET', `/api/search?${new URLSearchParams({ q: '党费', kind: 'message' })}`, { token: d.alice.token });
        expect(found0.body.results.find((r: { seq?: number }) => r.seq === targetSeq)).toMatchObject({ roomId, roomName: d.branchA.name });
        await result.getByRole('link', { name: `${d.branchA.name} · ${d.amy.user.name}`, exact: true }).waitFor();
        await result.getByRole('link').click();

        // In its room, at that message: in view inside the log, focused, marked, the word highlighted.
        await page.waitForURL(new RegExp(`#/room/${roomId}\\?seq=${targetSeq}`));
        const log = page.getByRole('log');
        const found = log.locator(`li.msg[data-seq="${targetSeq}"]`);
        await found.waitFor();
        await expect.poll(() => found.getAttribute('class')).toContain('found');
        expect(await found.getAttribute('aria-current')).toBe('true');
        await found.locator('mark.hit', { hasText: '党费' }).waitFor();
        await expect.poll(() => found.evaluate((el) => el === document.activeElement)).toBe(true);
        await inView(found, log);
        // Only a window around it came (not the 120 messages in between), and the way back to the end is offered.
        expect(await log.locator('li.msg').count()).toBeLessThan(60);
        await page.getByRole('button', { name: zh['room.toLatest'] }).click();
        await page.waitForURL(new RegExp(`#/room/${roomId}$`));
        const last = log.getByText(lastBody);
        await last.waitFor();
        await inView(last, log);
        expect(await log.locator('li.msg.found').count()).toBe(0);

        // A message in the meeting's room: named by the meeting's title (the server's `roomName`), and its author.
        await searchFromHeader(page, '场地');
        const inMeeting = page.locator('li.card').filter({ hasText: IN_MEETING.slice(0, 6) });
        await inMeeting.getByRole('link', { name: `${MEETING_TITLE} · ${d.orgA.user.name}`, exact: true }).waitFor();

        // A reply on the thread's second page: the thread opens at it.
        await searchFromHeader(page, '读书会');
        const reply = page.locator('li.card').filter({ hasText: REPLY.slice(0, 8) });
        await reply.locator('mark.hit', { hasText: '读书会' }).first().waitFor();
        await reply.getByRole('link').click();
        await page.waitForURL(new RegExp(`#/discussions/${discussionId}\\?reply=${replyId}`));
        const target = page.locator(`#reply-${replyId}`);
        await target.waitFor();
        expect(await target.getAttribute('class')).toContain('found');
        await expect.poll(() => target.evaluate((el) => el === document.activeElement)).toBe(true);
        await inView(target, page.locator('main.page'));
      } finally {
        await page.context().close();
      }
    } finally {
      for (const s of [amy, orgA, alice]) s.close();
    }
  });
});
