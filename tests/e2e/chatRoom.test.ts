import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { orgRoomId } from '../../server/contract/events';
import { useBrowserServer } from '../helpers/browser';
import { DESKTOP_EN, dropConnections, insertMessages, isTappable, named, PHONE_ZH, topWithin, waitForLanguage, yesterdayNoon } from '../helpers/chatRooms';
import { api, connect, next, ok, waitFor } from '../helpers/clients';

const env = useBrowserServer();

const log = (page: Page) => page.getByRole('log');
/** How far the member has read a room, as the server keeps it. */
async function readState(token: string, roomId: string): Promise<{ readSeq: number; lastSeq: number; unread: number }> {
  const room = (await api(env.server.url, 'GET', '/api/me', { token })).body.rooms.find((r: { id: string }) => r.id === roomId);
  return { readSeq: room.readSeq, lastSeq: room.lastSeq, unread: room.lastSeq - room.readSeq };
}
const readSeqOf = async (token: string, roomId: string): Promise<number> => (await readState(token, roomId)).readSeq;
const msg = (page: Page, seq: number) => log(page).locator(`li.msg[data-seq="${seq}"]`);

/** The message's top edge is inside the log's visible box. */
async function inView(page: Page, seq: number): Promise<boolean> {
  const [m, l] = await Promise.all([msg(page, seq).boundingBox(), log(page).boundingBox()]);
  return !!m && !!l && m.y >= l.y - 1 && m.y + Math.min(m.height, 20) <= l.y + l.height + 1;
}

describe('a busy chat room', () => {
  it('phone, zh-CN: 120 messages scroll inside the log; the bars stay tappable; older pages load on scroll and keep the place; day separators and blocks', async () => {
    const { bob, orgB, branchB } = env.d;
    const roomId = orgRoomId(branchB.id);
    // 100 messages yesterday, 20 today; authors take turns every five messages.
    const noon = yesterdayNoon(bob.user.timezone).getTime();
    const now = Date.now();
    const author = (i: number) => (Math.floor(i / 5) % 2 === 0 ? orgB : bob).user.id;
    await insertMessages(env.server.db, roomId, [
      ...Array.from({ length: 100 }, (_, i) => ({ authorId: author(i), body: `昨天的第 ${i + 1} 条`, createdAt: new Date(noon + i * 10_000) })),
      ...Array.from({ length: 20 }, (_, i) => ({ authorId: author(95 + i), body: `今天的第 ${i + 1} 条`, createdAt: new Date(now - (20 - i) * 1000) })),
    ]);

    const page = await env.signIn(bob.user.email, PHONE_ZH);
    await page.getByRole('heading', { level: 1, name: branchB.name }).waitFor();
    await msg(page, 120).waitFor();

    // The log scrolls inside the viewport; the page itself does not scroll.
    const sizes = await log(page).evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    await waitFor(() => inView(page, 120), 5000, 'the newest message on screen');
    const pageSize = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollHeight, inner: window.innerHeight, width: document.scrollingElement!.scrollWidth }));
    expect(pageSize.scroll).toBeLessThanOrEqual(pageSize.inner);
    expect(pageSize.width).toBeLessThanOrEqual(360);
    const box = (await log(page).boundingBox())!;
    expect(box.y).toBeGreaterThan(0);
    expect(box.y + box.height).toBeLessThanOrEqual(740);

    // Everything around the log is where a thumb finds it and nothing covers it.
    const tabs = page.getByRole('navigation', { name: '主导航' });
    const controls = [
      page.getByRole('button', { name: '我的账号' }),
      page.getByRole('button', { name: '返回聊天室列表' }),
      page.getByRole('heading', { level: 1, name: branchB.name }),
      page.getByText('在线（', { exact: false }),
      tabs.getByRole('link', { name: '聊天' }),
      tabs.getByRole('link', { name: '视频' }),
      tabs.getByRole('link', { name: '会议' }),
      tabs.getByRole('link', { name: /党费/ }),
      tabs.getByRole('link', { name: /通知/ }),
      page.getByLabel('写消息'),
      page.getByRole('button', { name: '发送' }),
    ];
    for (const control of controls) expect(await isTappable(control), await control.evaluate((e) => e.outerHTML.slice(0, 80))).toBe(true);
    const places = await Promise.all(controls.map((c) => c.boundingBox()));

    // The same, in the same places, after scrolling the log (the page stays put).
    await log(page).hover();
    await page.mouse.wheel(0, -600);
    await waitFor(async () => !(await inView(page, 120)), 5000, 'the log to scroll');
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
    for (const [i, control] of controls.entries()) {
      expect(await isTappable(control)).toBe(true);
      expect(await control.boundingBox()).toEqual(places[i]);
    }

    // Day separators: yesterday's messages, then today's; one person's consecutive messages form one block.
    const separators = log(page).locator('li.day');
    await separators.filter({ hasText: '今天' }).waitFor();
    expect(await separators.allInnerTexts()).toEqual(['昨天', '今天']);
    expect(await separators.filter({ hasText: '今天' }).evaluate((el) => (el.nextElementSibling as HTMLElement).dataset.seq)).toBe('101');
    // Seq 91-95 are OrgB's, 96-100 and 101-105 Bob's: a name over the first of each block only, and
    // 101 (the same author, but a new day) starts a block of its own.
    expect(await msg(page, 91).locator('.author').innerText()).toBe('OrgB');
    expect(await msg(page, 96).locator('.author').innerText()).toBe('我');
    for (const seq of [92, 93, 94, 95, 97, 98, 99, 100, 102]) expect(await msg(page, seq).locator('.author').count(), `seq ${seq}`).toBe(0);
    expect(await msg(page, 101).locator('.author').innerText()).toBe('我');
    // Each message is still announced with its author.
    expect(await msg(page, 93).getAttribute('aria-label')).toMatch(/^OrgB, .*昨天的第 93 条$/);
    expect(await msg(page, 98).getAttribute('aria-label')).toMatch(/^我, .*昨天的第 98 条$/);

    // Scrolling to the top loads the page before, and the message that was at the top stays where it was.
    expect(await log(page).locator('li.msg').first().getAttribute('data-seq')).toBe('71');
    // Where the oldest message shown will sit once the log is scrolled to its top.
    const before = (await topWithin(msg(page, 71), log(page))) + (await log(page).evaluate((el) => el.scrollTop));
    await log(page).evaluate((el) => el.scrollTo({ top: 0 }));
    await msg(page, 21).waitFor({ state: 'attached' });
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const after = await topWithin(msg(page, 71), log(page));
    expect(Math.abs(after - before)).toBeLessThan(30);
    expect(await inView(page, 71)).toBe(true);
    // Not thrown back to the oldest message loaded.
    expect(await inView(page, 21)).toBe(false);

    // Wheeling up to the top again brings the room's first messages and says it is the start.
    await log(page).hover();
    await waitFor(async () => {
      await page.mouse.wheel(0, -3000);
      return (await msg(page, 1).count()) > 0;
    }, 15_000, 'the first message to load on scroll');
    await log(page).getByText('这是聊天室的第一条消息').waitFor();
    expect(await separators.allInnerTexts()).toEqual(['昨天', '今天']);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);

    // The account menu (language, sign out) and the way back to the rooms still answer a tap.
    await page.getByRole('button', { name: '我的账号' }).click();
    for (const item of ['我的账号', 'English', '退出登录']) expect(await isTappable(page.getByRole('menuitem', { name: item })), item).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '返回聊天室列表' }).click();
    await page.getByRole('navigation', { name: '聊天室' }).getByRole('link', { name: branchB.name }).waitFor();
    await page.context().close();
  });

  it('phone, zh-CN: the typing line goes when that person\'s message arrives, and is not shown while offline', async () => {
    const { amy, orgA, branchA } = env.d;
    const roomId = orgRoomId(branchA.id);
    const typist = await connect(env.server.url, { token: orgA.token });
    await ok(typist, 'room:join', { roomId });
    const page = await env.signIn(amy.user.email, PHONE_ZH);
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    const typing = page.locator('.typing');
    expect(await typing.getAttribute('aria-live')).toBe('polite');

    await ok(typist, 'chat:typing', { roomId });
    await typing.getByText('OrgA 正在输入…').waitFor();
    await ok(typist, 'chat:send', { roomId, clientId: 'typed-1', body: '我写完了' });
    await log(page).getByText('我写完了').waitFor();
    // Gone with the message, not seconds later when the typing signal would have run out.
    expect(await typing.innerText()).toBe('');

    // Typing again; then Amy's phone loses the network.
    // (The server passes one typing signal per person every 1.5 s: signal until it shows.)
    await waitFor(async () => {
      await ok(typist, 'chat:typing', { roomId });
      return (await typing.innerText()) !== '';
    }, 5000, 'the typing line');
    await typing.getByText('OrgA 正在输入…').waitFor();
    await page.context().setOffline(true);
    await dropConnections(env.server.app, amy.user.id);
    await page.getByRole('status').filter({ hasText: '已离线' }).waitFor();
    expect(await typing.innerText()).toBe('');
    // Who is online is not claimed while offline either.
    await page.getByText('在线（?）').waitFor();
    await ok(typist, 'chat:typing', { roomId }).catch(() => {});
    expect(await typing.innerText()).toBe('');

    // Back online: what was written meanwhile arrives.
    await ok(typist, 'chat:send', { roomId, clientId: 'typed-2', body: '你不在的时候写的' });
    await page.context().setOffline(false);
    await log(page).getByText('你不在的时候写的').waitFor({ timeout: 20_000 });
    await page.getByRole('status').filter({ hasText: '已连接' }).waitFor();
    typist.close();
    await page.context().close();
  });

  it('mentions: "@" offers names on a phone (zh-CN) and on a desktop (en); the mention is marked, notifies, and the notification leads to the room', async () => {
    const { alice, amy, branchA } = env.d;
    const roomId = orgRoomId(branchA.id);
    const desk = await env.signIn(alice.user.email, DESKTOP_EN);
    const phone = await env.signIn(amy.user.email, PHONE_ZH);
    // Notifications are written in the language each reads the app in.
    await waitForLanguage(env.server.url, alice.token, 'en');
    await waitForLanguage(env.server.url, amy.token, 'zh-CN');
    await phone.getByText('在线（2）').waitFor();

    // Amy taps "@Al" and picks Alice from the list.
    const box = phone.getByLabel('写消息');
    await box.click();
    await box.pressSequentially('@Al');
    const options = phone.getByRole('listbox', { name: '提到谁' });
    await options.getByRole('option', { name: 'Alice' }).click();
    expect(await box.inputValue()).toBe('@Alice ');
    await box.pressSequentially('明天下午三点开会');
    await phone.getByRole('button', { name: '发送' }).click();
    const sent = log(phone).locator('li.msg', { hasText: '明天下午三点开会' });
    await sent.locator('mark.mention', { hasText: '@Alice' }).waitFor();

    // Alice sees it marked as hers, and is told.
    const received = log(desk).locator('li.msg', { hasText: '明天下午三点开会' });
    await received.locator('mark.mention.me', { hasText: '@Alice' }).waitFor();
    await desk.getByRole('alert').getByRole('link', { name: `Amy mentioned you in ${branchA.name}` }).waitFor();
    const tabs = desk.getByRole('navigation', { name: 'Main' });
    await tabs.getByRole('link', { name: named('Inbox', 1) }).click();
    await desk.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await desk.getByRole('main').getByRole('link', { name: `Amy mentioned you in ${branchA.name}` }).click();
    await desk.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    expect(new URL(desk.url()).hash).toBe(`#/room/${roomId}`);
    await log(desk).getByText('明天下午三点开会').waitFor();
    await tabs.getByRole('link', { name: 'Inbox', exact: true }).waitFor();

    // Back on the keyboard: "@Am", Enter picks Amy, Enter sends.
    const deskBox = desk.getByLabel('Write a message');
    await deskBox.click();
    await deskBox.pressSequentially('Thanks @Am');
    await desk.getByRole('listbox', { name: 'Mention' }).getByRole('option', { name: 'Amy', selected: true }).waitFor();
    await desk.keyboard.press('Enter');
    expect(await deskBox.inputValue()).toBe('Thanks @Amy ');
    await deskBox.pressSequentially('see you there');
    await desk.keyboard.press('Enter');
    await log(desk).locator('li.msg', { hasText: 'see you there' }).locator('mark.mention', { hasText: '@Amy' }).waitFor();
    await log(phone).locator('li.msg', { hasText: 'see you there' }).locator('mark.mention.me', { hasText: '@Amy' }).waitFor();
    const toast = phone.getByRole('alert').getByRole('link', { name: `Alice 在「${branchA.name}」提到了你` });
    await toast.waitFor();
    // Even while reading another page, the toast takes her to the room.
    await phone.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '会议' }).click();
    await phone.getByRole('heading', { level: 1, name: '会议' }).waitFor();
    await toast.click();
    await phone.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await log(phone).getByText('see you there').waitFor();

    // A member's menu: only "copy" on someone else's message; "delete" (confirmed) on her own.
    const theirs = log(phone).locator('li.msg', { hasText: 'see you there' });
    await theirs.getByRole('button', { name: '消息操作' }).click();
    await theirs.getByRole('menuitem', { name: '复制' }).waitFor();
    expect(await theirs.getByRole('menuitem', { name: '删除' }).count()).toBe(0);
    await phone.keyboard.press('Escape');
    const mineSeq = await sent.getAttribute('data-seq');
    const mine = log(phone).locator(`li.msg[data-seq="${mineSeq}"]`);
    await mine.getByRole('button', { name: '消息操作' }).click();
    const asked: string[] = [];
    phone.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await mine.getByRole('menuitem', { name: '删除' }).click();
    await mine.getByText('此消息已删除').waitFor();
    expect(asked).toEqual(['确定删除这条消息吗？']);
    await log(desk).locator(`li.msg[data-seq="${mineSeq}"]`).getByText('This message was deleted').waitFor();

    await desk.context().close();
    await phone.context().close();
  });

  it('desktop, en: deleting is behind each message\'s menu (with confirmation); the log is one tab stop however long it is', async () => {
    const { orgA, amy, branchA } = env.d;
    const roomId = orgRoomId(branchA.id);
    await insertMessages(env.server.db, roomId, Array.from({ length: 60 }, (_, i) => ({ authorId: amy.user.id, body: `Amy's note ${i + 1}`, createdAt: new Date(Date.now() - (60 - i) * 1000) })));
    const watcher = await connect(env.server.url, { token: amy.token });
    await ok(watcher, 'room:join', { roomId });

    const page = await env.signIn(orgA.user.email, DESKTOP_EN);
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await log(page).getByText("Amy's note 60").waitFor();
    expect(await log(page).locator('li.msg').count()).toBeGreaterThanOrEqual(50);
    // At 1280 × 800 too the log scrolls inside the page, and what is around it stays in reach.
    expect(await log(page).evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
    const around = [
      page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: branchA.name }),
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Meetings/ }),
      page.getByRole('button', { name: 'My account' }),
      page.getByLabel('Write a message'),
    ];
    for (const control of around) expect(await isTappable(control)).toBe(true);
    // No delete control per message in the tab order.
    expect(await log(page).getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await log(page).getByRole('link', { name: 'Delete' }).count()).toBe(0);

    // From the log to the composer is one Tab; from the top of the page it is a handful, not one per message.
    const tabsTo = async (start: () => Promise<void>) => {
      await start();
      for (let n = 1; n <= 40; n++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.id === 'composer')) return n;
      }
      return Infinity;
    };
    const fromLog = await tabsTo(() => log(page).focus());
    const fromTop = await tabsTo(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()));
    expect(fromLog).toBeLessThanOrEqual(2);
    // The skip link, the tabs, the account menu, the rooms, the online list, the log: about 15, with 60+ messages.
    expect(fromTop).toBeLessThanOrEqual(20);

    // With the mouse: the message's "⋯" menu, Delete, asked to confirm; cancelling keeps it.
    const seq = await log(page).locator('li.msg', { hasText: "Amy's note 58" }).getAttribute('data-seq');
    const target = log(page).locator(`li.msg[data-seq="${seq}"]`);
    await target.hover();
    await target.getByRole('button', { name: 'Message actions' }).click();
    const confirms: string[] = [];
    page.once('dialog', (dialog) => {
      confirms.push(dialog.message());
      void dialog.dismiss();
    });
    await target.getByRole('menu').getByRole('menuitem', { name: 'Delete' }).click();
    expect(confirms).toEqual(['Delete this message?']);
    await target.getByText("Amy's note 58").waitFor();
    expect(await target.getByText('This message was deleted').count()).toBe(0);

    await target.hover();
    await target.getByRole('button', { name: 'Message actions' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    const deleted = next(watcher, 'chat:deleted');
    await target.getByRole('menuitem', { name: 'Delete' }).click();
    await target.getByText('This message was deleted').waitFor();
    expect((await deleted).roomId).toBe(roomId);

    // With the keyboard: arrows move between messages, Enter opens the menu, Tab to Delete, Enter.
    await log(page).focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const focusedSeq = await log(page).locator('li.msg:focus').getAttribute('data-seq');
    const focused = log(page).locator(`li.msg[data-seq="${focusedSeq}"]`);
    expect(await focused.getAttribute('aria-label')).toMatch(/^Amy, .*: Amy's note 59$/);
    await page.keyboard.press('Enter');
    await focused.getByRole('menu').getByRole('menuitem', { name: 'Copy' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Copy');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.keyboard.press('Enter');
    await focused.getByText('This message was deleted').waitFor();
    expect(await log(page).getByText("Amy's note 59").count()).toBe(0);

    watcher.close();
    await page.context().close();
  });

  it('unread counts per room: live in the room list and the Chat tab, cleared by opening the room, kept per member (reload, another browser)', async () => {
    const { genOrg, alice, amy, committee, general, branchA, branchB } = env.d;
    const desk = await env.signIn(genOrg.user.email, DESKTOP_EN);
    const rooms = desk.getByRole('navigation', { name: 'Rooms' });
    const mainNav = desk.getByRole('navigation', { name: 'Main' });
    const chatTab = mainNav.getByRole('link', { name: /^Chat/ });
    await desk.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    // What earlier tests wrote in the branch rooms is unread for GenOrg: opening a room reads it (each
    // given the second the client takes to store the read mark; see the 'glancing' test for less).
    const stored = (org: { id: number }) => waitFor(async () => (await readState(genOrg.token, orgRoomId(org.id))).unread === 0, 5000, 'the read mark to be stored');
    await stored(branchA);
    await rooms.getByRole('link', { name: new RegExp(`^${branchB.name}(\\s*\\(\\d+ unread\\))?$`) }).click();
    await desk.getByRole('heading', { level: 1, name: branchB.name }).waitFor();
    await rooms.getByRole('link', { name: branchB.name, exact: true }).waitFor();
    await stored(branchB);
    await rooms.getByRole('link', { name: branchA.name, exact: true }).click();
    await desk.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await mainNav.getByRole('link', { name: 'Chat', exact: true }).waitFor();

    // Alice writes twice in the committee's room: its count rises live, and the Chat tab's with it.
    const aliceSocket = await connect(env.server.url, { token: alice.token });
    const committeeRoom = orgRoomId(committee.id);
    await ok(aliceSocket, 'room:join', { roomId: committeeRoom });
    await ok(aliceSocket, 'chat:send', { roomId: committeeRoom, clientId: 'u-1', body: 'Committee question one' });
    await rooms.getByRole('link', { name: named(committee.name, 1) }).waitFor();
    await ok(aliceSocket, 'chat:send', { roomId: committeeRoom, clientId: 'u-2', body: 'Committee question two' });
    await rooms.getByRole('link', { name: named(committee.name, 2) }).waitFor();
    await mainNav.getByRole('link', { name: named('Chat', 2) }).waitFor();
    expect(await chatTab.locator('.count').innerText()).toBe('2');
    // A message in the room one is reading is read already.
    const amySocket = await connect(env.server.url, { token: amy.token });
    const sent = await ok(amySocket, 'chat:send', { roomId: orgRoomId(branchA.id), clientId: 'u-3', body: 'Here in branch A' });
    await log(desk).getByText('Here in branch A').waitFor();
    expect(await rooms.getByRole('link', { name: branchA.name, exact: true }).count()).toBe(1);
    expect(await chatTab.locator('.count').innerText()).toBe('2');
    await waitFor(async () => readSeqOf(genOrg.token, orgRoomId(branchA.id)).then((seq) => seq >= sent.message.seq), 5000, 'the read mark to be stored');

    // The counts are the member's, not the page's: a reload and another browser show the same.
    await desk.reload();
    await rooms.getByRole('link', { name: named(committee.name, 2) }).waitFor();
    await mainNav.getByRole('link', { name: named('Chat', 2) }).waitFor();
    const phone = await env.signIn(genOrg.user.email, PHONE_ZH);
    const phoneTabs = phone.getByRole('navigation', { name: '主导航' });
    await phoneTabs.getByRole('link', { name: named('聊天', 2, 'unread', 'zh-CN') }).click();
    await phone.getByRole('navigation', { name: '聊天室' }).getByRole('link', { name: named(committee.name, 2, 'unread', 'zh-CN') }).click();
    await phone.getByRole('heading', { level: 1, name: committee.name }).waitFor();
    await log(phone).getByText('Committee question two').waitFor();

    // Read on the phone: the desktop's count clears live, and stays cleared after a reload.
    await rooms.getByRole('link', { name: committee.name, exact: true }).waitFor();
    await mainNav.getByRole('link', { name: 'Chat', exact: true }).waitFor({ timeout: 5000 });
    await desk.reload();
    await desk.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await rooms.getByRole('link', { name: committee.name, exact: true }).waitFor();

    // Opening a room on the desktop clears it the same way.
    await ok(amySocket, 'chat:send', { roomId: orgRoomId(general.id), clientId: 'u-4', body: 'General news' });
    await rooms.getByRole('link', { name: named(general.name, 1) }).click();
    await log(desk).getByText('General news').waitFor();
    await rooms.getByRole('link', { name: general.name, exact: true }).waitFor();
    await waitFor(async () => (await readSeqOf(genOrg.token, orgRoomId(general.id))) > 0, 5000, 'the read mark to be stored');
    await desk.reload();
    await rooms.getByRole('link', { name: general.name, exact: true }).waitFor();
    await mainNav.getByRole('link', { name: 'Chat', exact: true }).waitFor();

    aliceSocket.close();
    amySocket.close();
    await desk.context().close();
    await phone.context().close();
  });

  it('desktop, en: the room on screen is read even when the page is reloaded at once and the socket comes up a moment after the page', async () => {
    const { orgB, bob, branchB } = env.d;
    const roomId = orgRoomId(branchB.id);
    const page = await env.signIn(orgB.user.email, DESKTOP_EN);
    const rooms = page.getByRole('navigation', { name: 'Rooms' });
    await page.getByRole('heading', { level: 1, name: branchB.name }).waitFor();
    const bobSocket = await connect(env.server.url, { token: bob.token });
    const sent = await ok(bobSocket, 'chat:send', { roomId, clientId: 'quick-1', body: 'Seen just before the reload' });
    await log(page).getByText('Seen just before the reload').waitFor();
    // Reloaded within the second the client waits before storing the read mark, on a link where the
    // socket comes up 1.5 s after the page.
    await page.routeWebSocket('**/socket.io/**', async (ws) => {
      await new Promise((r) => setTimeout(r, 1500));
      ws.connectToServer();
    });
    await page.reload();
    await log(page).getByText('Seen just before the reload').waitFor();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await rooms.getByRole('link', { name: branchB.name, exact: true }).waitFor({ timeout: 5000 });
    // The message is on screen at the bottom of the open room: the server must hear it was read, or
    // the count comes back on the next visit and on every other device.
    await waitFor(async () => (await readSeqOf(orgB.token, roomId)) >= sent.message.seq, 5000, 'the read mark to be stored');
    bobSocket.close();
    await page.context().close();
  });

  it('desktop, en: glancing through rooms one after another stores each one\'s read mark, not only the last one\'s', async () => {
    const { orgA, amy, general, committee, branchA } = env.d;
    const glanced = [general, committee];
    for (const org of glanced) await insertMessages(env.server.db, orgRoomId(org.id), [{ authorId: amy.user.id, body: `News for ${org.name}`, createdAt: new Date() }]);
    const page = await env.signIn(orgA.user.email, DESKTOP_EN);
    const rooms = page.getByRole('navigation', { name: 'Rooms' });
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await waitFor(async () => (await readState(orgA.token, orgRoomId(branchA.id))).unread === 0, 5000, 'the home room\'s read mark to be stored');
    // Each room opened, its newest message seen, then the next one (quicker than a second).
    for (const org of glanced) {
      await rooms.getByRole('link', { name: named(org.name, (await readState(orgA.token, orgRoomId(org.id))).unread) }).click();
      await log(page).getByText(`News for ${org.name}`).waitFor();
      await rooms.getByRole('link', { name: org.name, exact: true }).waitFor();
    }
    await rooms.getByRole('link', { name: branchA.name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    for (const org of glanced) await waitFor(async () => (await readState(orgA.token, orgRoomId(org.id))).unread === 0, 5000, `the read mark of ${org.name} to be stored`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    for (const org of glanced) await rooms.getByRole('link', { name: org.name, exact: true }).waitFor({ timeout: 5000 });
    await page.context().close();
  });
});
