import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildDistrict, PASSWORD, type District, type Person } from './district';
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

/** A phone in Chinese (360 × 740, Shanghai time) and a desktop in English (1280 × 800, London time). */
export const PHONE_ZH: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 740 } };
export const DESKTOP_EN: BrowserContextOptions = { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } };

/** A catalog string with its `{name}` placeholders filled (an unknown one left empty), as the page shows it. */
export const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''));

/** Moves the page to a route of the client (its hash), as a link inside the app would. */
export const go = (page: Page, hash: string) => page.evaluate((h) => void (location.hash = h), hash);

/** What every page a file opens through its env gets, before it loads. */
export interface PageSetup {
  /** The page's default timeout (Playwright's own, 30 s, if not given). */
  timeout?: number;
  /** A script run in the context before the page's own, e.g. routeAudit's SETTLE_SCRIPT. */
  initScript?: string;
}

export interface BrowserEnv {
  store: TestStore;
  server: TestServer;
  browser: Browser;
  d: District;
  /** A new browser context with one page (the file's PageSetup applied), not yet anywhere. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** A new browser context (one per person) signed in through the login form, connected. */
  signIn(email: string, options?: BrowserContextOptions): Promise<Page>;
  /** signIn as one of the district's people. */
  open(person: Person, options?: BrowserContextOptions): Promise<Page>;
}

/** File set-up for browser tests: a server on SQLite with the test district, and Chromium. */
export function useBrowserServer(pages: PageSetup = {}): BrowserEnv {
  const env = {
    async newPage(options: BrowserContextOptions = {}) {
      const context = await env.browser.newContext(options);
      if (pages.initScript !== undefined) await context.addInitScript(pages.initScript);
      const page = await context.newPage();
      if (pages.timeout !== undefined) page.setDefaultTimeout(pages.timeout);
      return page;
    },
    async signIn(email: string, options: BrowserContextOptions = {}) {
      const page = await env.newPage(options);
      await page.goto(env.server.url);
      await page.getByLabel(/Email|邮箱/).fill(email);
      await page.getByLabel(/Password|密码/).fill(PASSWORD);
      await page.getByRole('button', { name: /Sign in|登录/ }).click();
      await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor();
      return page;
    },
    open: (person: Person, options?: BrowserContextOptions) => env.signIn(person.user.email, options),
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
