import type { BrowserContextOptions, Page, Route, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { orgRoomId } from '../../server/contract/events';
import { useBrowserServer } from '../helpers/browser';
import { DESKTOP_EN, insertMessages, PHONE_ZH } from '../helpers/chatRooms';
import { connect, ok, waitFor } from '../helpers/clients';
import { PASSWORD, type Person } from '../helpers/district';

const env = useBrowserServer();
const log = (page: Page) => page.getByRole('log');

/**
 * A link where nothing but the sign-in request gets through for now: the socket and every other API
 * request are held (not refused) until `release()`.
 */
async function holdAllButSignIn(page: Page) {
  const sockets: WebSocketRoute[] = [];
  const requests: Route[] = [];
  let held = true;
  await page.routeWebSocket('**/socket.io/**', (ws) => {
    if (held) sockets.push(ws);
    else ws.connectToServer();
  });
  await page.route('**/api/**', (route) => {
    if (held && !route.request().url().endsWith('/api/auth/login')) requests.push(route);
    else void route.continue();
  });
  return {
    requests,
    release() {
      held = false;
      for (const ws of sockets.splice(0)) ws.connectToServer();
      for (const route of requests.splice(0)) void route.continue().catch(() => {});
    },
  };
}

/**
 * Opens the app and signs in through the form; resolves once the form is sent, not when connected.
 * `beforeLoad` routes the page's sockets (only those opened after it count); `link` sets up the network
 * between loading the sign-in page and sending the form.
 */
async function openAndSignIn(person: Person, options: BrowserContextOptions, hooks: { beforeLoad?: (page: Page) => Promise<void>; link?: (page: Page) => Promise<void> }) {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  await hooks.beforeLoad?.(page);
  await page.goto(env.server.url);
  await page.getByLabel(/Email|邮箱/).fill(person.user.email);
  await page.getByLabel(/Password|密码/).fill(PASSWORD);
  await hooks.link?.(page);
  const finished: string[] = [];
  page.on('requestfinished', (r) => finished.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const clicked = Date.now();
  await page.getByRole('button', { name: /^(Sign in|登录)$/ }).click();
  return { page, finished, clicked };
}

describe('the first screen on a weak link', () => {
  it('phone, zh-CN: the branch room and the room list come from the sign-in answer alone; a message shows at once as waiting and is confirmed when the socket comes', async () => {
    const { amy, alice, branchA, general, committee } = env.d;
    const roomId = orgRoomId(branchA.id);
    const seqs = await insertMessages(env.server.db, roomId, Array.from({ length: 60 }, (_, i) => ({ authorId: alice.user.id, body: `支部通知 ${i + 1}`, createdAt: new Date(Date.now() - (60 - i) * 60_000) })));

    let hold!: Awaited<ReturnType<typeof holdAllButSignIn>>;
    const { page, finished } = await openAndSignIn(amy, PHONE_ZH, {
      beforeLoad: async (p) => {
        hold = await holdAllButSignIn(p);
      },
    });
    // The room and its latest messages, with nothing answered but the sign-in.
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await log(page).getByText('支部通知 60').waitFor();
    expect(await log(page).locator('li.msg').count()).toBe(50);
    expect(await log(page).locator(`li.msg[data-seq="${seqs[10]}"]`).count()).toBe(1);
    expect(finished.filter((r) => r.includes('/api/'))).toEqual(['POST /api/auth/login']);
    expect(hold.requests.length).toBeGreaterThan(0); // the profile and the rest were asked for, and are still on their way
    await page.getByRole('status').filter({ hasText: '正在连接' }).waitFor();

    // The room list too: the Chat tab leads to it, and back into the room.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '聊天' }).click();
    const rooms = page.getByRole('navigation', { name: '聊天室' });
    for (const org of [branchA, general, committee]) await rooms.getByRole('link', { name: org.name }).waitFor();
    await rooms.getByRole('link', { name: branchA.name }).click();
    await log(page).getByText('支部通知 60').waitFor();

    // Written before the socket is up: shown at once, marked as waiting.
    await page.getByLabel('写消息').fill('信号不好，先发出去');
    await page.getByRole('button', { name: '发送' }).click();
    const pending = log(page).locator('[data-pending]').filter({ hasText: '信号不好，先发出去' });
    await pending.getByText('等待发送').waitFor();
    expect(finished.filter((r) => r.includes('/api/'))).toEqual(['POST /api/auth/login']);

    // The link comes back: the message goes out once and shows as sent.
    const watcher = await connect(env.server.url, { token: alice.token });
    const joined = await ok(watcher, 'room:join', { roomId });
    hold.release();
    await page.getByRole('status').filter({ hasText: '已连接' }).waitFor();
    await waitFor(async () => (await log(page).locator('[data-pending]').count()) === 0, 10_000, 'the message to be confirmed');
    const sent = log(page).locator('li.msg[data-seq]').filter({ hasText: '信号不好，先发出去' });
    expect(await sent.count()).toBe(1);
    const history = await ok(watcher, 'chat:history', { roomId, afterSeq: joined.seq });
    expect(history.messages.map((m) => m.body)).toEqual(['信号不好，先发出去']);
    watcher.close();
    await page.context().close();
  });

  it('desktop, en, 1 s each way and 50 KB/s: sign-in to the room\'s messages within two round trips; a sent message shows at once and is confirmed one round trip later', async () => {
    const { orgA, amy, branchA, general } = env.d;
    await insertMessages(env.server.db, orgRoomId(branchA.id), Array.from({ length: 50 }, (_, i) => ({ authorId: amy.user.id, body: `Branch news ${i + 1}`, createdAt: new Date(Date.now() - (50 - i) * 60_000) })));
    const ONE_WAY_MS = 1000;
    const { page, finished } = await openAndSignIn(orgA, DESKTOP_EN, {
      // The socket's frames delayed 1 s each way; HTTP through Chromium's throttling (a round trip costs 2 s).
      beforeLoad: (p) =>
        p.routeWebSocket('**/socket.io/**', (ws) => {
          const server = ws.connectToServer();
          ws.onMessage((m) => void setTimeout(() => server.send(m), ONE_WAY_MS));
          server.onMessage((m) => void setTimeout(() => ws.send(m), ONE_WAY_MS));
        }),
      link: async (p) => {
        const cdp = await p.context().newCDPSession(p);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 2 * ONE_WAY_MS, downloadThroughput: 50 * 1024, uploadThroughput: 50 * 1024 });
      },
    });
    await log(page).getByText('Branch news 50').waitFor();
    // Counted in round trips, not timed (timings belong to `npm run bench:slowlink`): when the messages are on
    // screen, sign-in is the only request that has come back and the socket has not finished connecting.
    const apiBefore = finished.filter((r) => r.includes('/api/'));
    const socketBefore = await page.locator('[data-connection]').getAttribute('data-connection');
    await page.getByRole('heading', { level: 1, name: branchA.name }).waitFor();
    await page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: general.name }).waitFor();
    expect(apiBefore).toEqual(['POST /api/auth/login']);
    expect(socketBefore).not.toBe('online');

    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Write a message').fill('Sent over a slow link');
    const typed = Date.now();
    await page.keyboard.press('Enter');
    // On screen at once, as waiting (before any answer could have come back); confirmed when the ack is back.
    await log(page).locator('[data-pending]').filter({ hasText: 'Sent over a slow link' }).getByText('Waiting to send').waitFor();
    await waitFor(async () => (await log(page).locator('[data-pending]').count()) === 0, 20_000, 'the ack');
    // The link really is slow: the ack cannot come sooner than the frames' delay there and back.
    expect(Date.now() - typed).toBeGreaterThanOrEqual(2 * ONE_WAY_MS - 100);
    expect(await log(page).locator('li.msg[data-seq]', { hasText: 'Sent over a slow link' }).count()).toBe(1);
    await page.context().close();
  });
});
