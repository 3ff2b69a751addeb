import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser';
import { waitFor } from '../helpers/clients';

const env = useBrowserServer();

async function say(page: Page, text: string) {
  await page.getByLabel(/Write a message|写消息/).fill(text);
  await page.keyboard.press('Enter');
}

const log = (page: Page) => page.getByRole('log');

describe('two members chatting in the browser', () => {
  it('chat live; one goes offline, the other writes; back online, the first sees it and its pending message goes out', async () => {
    const alice = await env.signIn(env.d.alice.user.email, { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 360, height: 740 } });
    const amy = await env.signIn(env.d.amy.user.email, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const aliceContext = alice.context();
    const amyContext = amy.context();

    // Each lands in their branch room, in their own language.
    await alice.getByRole('heading', { level: 1, name: env.d.branchA.name }).waitFor();
    await amy.getByRole('button', { name: '发送' }).waitFor();
    expect(await amy.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    await say(alice, 'Hello from London');
    await log(amy).getByText('Hello from London').waitFor();
    await say(amy, '你好，欢迎回家');
    await log(alice).getByText('你好，欢迎回家').waitFor();
    // Who is online sits behind the room's "Online (n)" toggle.
    await alice.getByText('Online (2)').click();
    await alice.locator('.online-list').getByText('Amy').waitFor();

    // Alice loses her connection.
    await aliceContext.setOffline(true);
    await alice.getByRole('status').filter({ hasText: /Offline/ }).waitFor({ timeout: 45_000 });
    // While offline the online list is not claimed to be current.
    await alice.getByText('Online (?)').waitFor();
    await say(amy, '你掉线的时候我发的');
    await say(alice, 'written while offline');
    await alice.locator('[data-pending]').filter({ hasText: 'written while offline' }).getByText('Waiting to send').waitFor();

    // Back online: she catches up and her pending message is delivered, once.
    await aliceContext.setOffline(false);
    await log(alice).getByText('你掉线的时候我发的').waitFor({ timeout: 30_000 });
    await log(amy).getByText('written while offline').waitFor({ timeout: 30_000 });
    await waitFor(async () => (await alice.locator('[data-pending]').count()) === 0, 10_000, 'outbox to empty');
    expect(await amy.locator('.msg').filter({ hasText: 'written while offline' }).count()).toBe(1);

    // Closing the tab and coming back later shows everything missed.
    await alice.close();
    await say(amy, '明天见');
    const again = await aliceContext.newPage();
    await again.goto(env.server.url);
    await log(again).getByText('明天见').waitFor();
    await log(again).getByText('Hello from London').waitFor();

    await aliceContext.close();
    await amyContext.close();
  });
});
