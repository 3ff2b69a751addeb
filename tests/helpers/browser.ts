import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildDistrict, PASSWORD, type District } from './district';
import { createTestStore, startTestServer, type TestServer, type TestStore } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags this machine needs (no sandbox as root, no outside network, fake camera and microphone). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

/** Debian's Chromium, headless; `args` replace flags of the same name (e.g. more fake cameras). */
export function launchChromium(args: string[] = []): Promise<Browser> {
  const named = (flag: string) => flag.split('=')[0];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS.filter((f) => !args.some((a) => named(a) === named(f))), ...args] });
}

export interface BrowserEnv {
  store: TestStore;
  server: TestServer;
  browser: Browser;
  d: District;
  /** A new browser context (one per person) signed in through the login form, connected. */
  signIn(email: string, options?: BrowserContextOptions): Promise<Page>;
}

/** File set-up for browser tests: a server on SQLite with the test district, and Chromium. */
export function useBrowserServer(): BrowserEnv {
  const env = {
    async signIn(email: string, options: BrowserContextOptions = {}) {
      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      await page.goto(env.server.url);
      await page.getByLabel(/Email|邮箱/).fill(email);
      await page.getByLabel(/Password|密码/).fill(PASSWORD);
      await page.getByRole('button', { name: /Sign in|登录/ }).click();
      await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor();
      return page;
    },
  } as BrowserEnv;
  beforeAll(async () => {
    env.store = createTestStore('sqlite');
    env.server = await startTestServer(env.store);
    env.d = await buildDistrict(env.server.url, env.server.db);
    env.browser = await launchChromium();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
    await env.store?.destroy();
  });
  return env;
}
