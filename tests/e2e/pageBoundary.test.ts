import { describe, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser';
import { PASSWORD } from '../helpers/district';

const env = useBrowserServer();

describe('a page that cannot be loaded', () => {
  it('says so and offers a reload, while the rest of the app keeps working (a deploy removed the old page file)', async () => {
    const context = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } });
    await context.route('**/assets/MeetingsList-*.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.getByLabel('邮箱').fill(env.d.amy.user.email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('log').waitFor();

    await page.getByRole('link', { name: '会议' }).click();
    await page.getByRole('alert').filter({ hasText: '这个页面没能加载' }).waitFor();
    await page.getByRole('button', { name: '重新加载' }).waitFor();
    // Another page, and chat, still open.
    await page.getByRole('link', { name: '党费' }).click();
    await page.getByRole('heading', { level: 1, name: '党费' }).waitFor();
    await page.getByRole('link', { name: '聊天' }).click();
    await page.getByRole('log').waitFor();
    await context.close();
  });

  it('in English at desktop size too', async () => {
    const context = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    await context.route('**/assets/Notifications-*.js', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.getByLabel('Email').fill(env.d.alice.user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('log').waitFor();
    await page.getByRole('link', { name: /Notifications/ }).click();
    await page.getByRole('alert').filter({ hasText: 'This page could not be loaded' }).waitFor();
    await page.getByRole('button', { name: 'Reload' }).waitFor();
    await context.close();
  });
});
