import { describe, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser';
import { PASSWORD } from '../helpers/district';

const env = useBrowserServer();

describe('a page that cannot be loaded', () => {
  it('says so, and loads when tried again once its file can be fetched; the rest of the app keeps working (360, zh-CN)', async () => {
    const context = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } });
    let broken = true;
    await context.route('**/assets/MeetingsList-*.js', (route) => (broken ? route.fulfill({ status: 404, body: 'gone' }) : route.continue()));
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.getByLabel('邮箱').fill(env.d.amy.user.email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('log').waitFor();

    await page.getByRole('link', { name: '会议' }).click();
    await page.getByRole('alert').filter({ hasText: '这个页面没能加载' }).waitFor();
    // Another page, and chat, still open.
    await page.getByRole('link', { name: /党费/ }).click();
    await page.getByRole('heading', { level: 1, name: '党费' }).waitFor();
    await page.getByRole('link', { name: /聊天/ }).click();
    await page.getByRole('log').waitFor();

    // The file can be fetched again (the link came back): trying again loads it, without reloading the app.
    await page.getByRole('link', { name: '会议' }).click();
    await page.getByRole('button', { name: '再试一次' }).waitFor();
    broken = false;
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.getByRole('button', { name: '再试一次' }).click();
    await page.getByRole('heading', { level: 1, name: '会议' }).waitFor();
    await page.waitForFunction(() => (window as unknown as { marker?: number }).marker === 1);
    await context.close();
  });

  it('offline, it says the page loads when the phone is back online, and does (1280, en)', async () => {
    const context = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.getByLabel('Email').fill(env.d.alice.user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('log').waitFor();
    await context.setOffline(true);
    await page.getByRole('link', { name: /Inbox/ }).click();
    await page.getByRole('alert').filter({ hasText: 'No connection' }).waitFor();
    await context.setOffline(false);
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor({ timeout: 20_000 });
    await context.close();
  });
});
