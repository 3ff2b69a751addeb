/**
 * Screenshots of every page of the client on a phone (360 × 740, zh-CN), for docs/client.md.
 *
 *   npx tsx scripts/screenshots.ts [outDir=docs/client] [--lang=en] [--width=360 --height=740]
 *
 * Boots the real app in this process on a fresh SQLite file with the demo district (Redis on REDIS_URL,
 * its own key prefix, removed afterwards), builds the client if it is not built, and walks the pages as
 * a member, an organizer, the district admin and a family guest, with Debian's Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createDatabase, migrateToLatest } from '../server/db/database';
import { DEMO_PASSWORD, seedDemoDistrict } from '../server/demo';
import { createLogger } from '../server/logger';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const outDir = resolve(args.find((a) => !a.startsWith('--')) ?? 'docs/client');
const lang = flag('lang', 'zh-CN');
const viewport = { width: Number(flag('width', '360')), height: Number(flag('height', '740')) };
const EMAIL = (name: string) => `${name}@kitestring.example`;

async function main() {
  if (!existsSync('client/dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  mkdirSync(outDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'ks-shots-'));
  const keyPrefix = `shots${process.pid}`;
  const { PUBLIC_URL: _unset, ...env } = process.env;
  const config = loadConfig({ ...env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'demo.db')}`, KEY_PREFIX: keyPrefix, LOG_LEVEL: 'warn' });
  const db = createDatabase(config.databaseUrl);
  await migrateToLatest(db);
  await seedDemoDistrict(db);
  const app = createApp({ config, db, log: createLogger('warn') });
  await app.start();
  await new Promise<void>((done) => app.httpServer.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection'],
  });
  try {
    await walk(browser, base);
  } finally {
    await browser.close();
    await app.close();
    await db.close();
    await removeKeys(config.redisUrl, keyPrefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function walk(browser: Browser, base: string) {
  const open = async () => {
    const context = await browser.newContext({ viewport, locale: lang, timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1, permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    return page;
  };
  const shoot = async (page: Page, name: string) => {
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(400); // let lazy pages and fonts settle
    await page.screenshot({ path: join(outDir, `${name}.png`) });
    console.log(`${name}.png`);
  };
  const signIn = async (who: string) => {
    const page = await open();
    await page.goto(base);
    if (who === 'login') return page;
    await page.getByLabel(/Email|邮箱/).fill(EMAIL(who));
    await page.getByLabel(/Password|密码/).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /Sign in|登录/ }).click();
    await page.getByRole('log').waitFor();
    return page;
  };
  const go = async (page: Page, hash: string, name: string, ready?: (page: Page) => Promise<unknown>) => {
    await page.goto(`${base}/${hash}`);
    await ready?.(page);
    await shoot(page, name);
  };
  const api = async (page: Page, path: string, init: { method?: string; body?: unknown } = {}) =>
    page.evaluate(async ({ path, init }) => {
      const token = JSON.parse(localStorage.getItem('ks:session') ?? '{}').token;
      const res = await fetch(path, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: init.body ? JSON.stringify(init.body) : undefined });
      return res.json();
    }, { path, init });

  const login = await signIn('login');
  await shoot(login, 'login');

  // A member far from home: the student in London.
  const member = await signIn('chen.jing');
  await shoot(member, 'chat-room');
  await go(member, '#/rooms', 'chat-rooms');
  const meetings = (await api(member, '/api/meetings')).meetings as Array<{ id: number }>;
  await go(member, '#/meetings', 'meetings');
  if (meetings[0]) await go(member, `#/meetings/${meetings[0].id}`, 'meeting-member', (p) => p.getByRole('heading', { level: 1 }).waitFor());
  await go(member, '#/dues', 'dues-member');
  await go(member, '#/notifications', 'notifications');
  await go(member, '#/calls', 'calls');
  await go(member, '#/account', 'account');
  const memberId = ((await api(member, '/api/me')).user as { id: number }).id;
  // Her record: the activity card (on screen, and as printed on A4), reporting home, training.
  await go(member, '#/card', 'card', (p) => p.getByRole('region').first().waitFor());
  await member.setViewportSize({ width: 794, height: 1123 });
  await member.emulateMedia({ media: 'print' });
  await shoot(member, 'card-print');
  await member.emulateMedia({ media: 'screen' });
  await member.setViewportSize(viewport);
  await go(member, '#/report-in', 'report-in');
  await go(member, '#/trainings', 'trainings');
  const trainings = (await api(member, '/api/trainings')).trainings as Array<{ id: number }>;

  // A member whose transfer waits for the receiving branch.
  const moving = await signIn('liu.yang');
  await go(moving, '#/transfer', 'transfer-member', (p) => p.locator('[aria-current="step"]').waitFor());
  const guest = await api(member, '/api/guest-invites', { method: 'POST', body: { label: '妈妈' } });

  // An organizer of the general branch.
  const organizer = await signIn('wang.fang');
  await go(organizer, '#/meetings/new', 'meeting-new');
  if (meetings[0]) await go(organizer, `#/meetings/${meetings[0].id}`, 'meeting-organizer', (p) => p.getByRole('heading', { level: 1 }).waitFor());
  await go(organizer, '#/dues', 'dues-organizer');
  await go(organizer, `#/dues/members/${memberId}`, 'dues-member-ledger');

  // The first branch's organizer: the transfer waiting for them, lost contact, training, the audit log.
  const branchOrganizer = await signIn('li.ming');
  await go(branchOrganizer, '#/transfers', 'transfers-queue');
  const waiting = (await api(branchOrganizer, '/api/transfers?status=pending')).transfers as Array<{ id: number }>;
  if (waiting[0]) await go(branchOrganizer, `#/transfers/${waiting[0].id}`, 'transfer-detail', (p) => p.locator('form.decide').waitFor());
  await go(branchOrganizer, '#/lost-contact', 'lost-contact', (p) => p.locator('li.card').first().waitFor());
  if (trainings[0]) await go(branchOrganizer, `#/trainings/${trainings[0].id}`, 'training-detail');
  await go(branchOrganizer, '#/trainings/pending', 'training-queue');
  await go(branchOrganizer, '#/audit', 'audit', (p) => p.locator('li.card').first().waitFor());

  // The district's voice: the member's forum (announcements with the unread marked, one opened, discussions, a
  // thread, blogs, a post, the editor) and search, a result opened in its room at the message.
  await go(member, '#/announcements', 'announcements', (p) => p.locator('li.card').first().waitFor());
  const announcements = (await api(member, '/api/announcements')).announcements as Array<{ id: number; pinnedUntil: string | null }>;
  const pinned = announcements.find((a) => a.pinnedUntil) ?? announcements[0];
  await go(member, '#/discussions', 'discussions', (p) => p.locator('li.card').first().waitFor());
  const discussions = (await api(member, '/api/discussions')).discussions as Array<{ id: number; replies: number }>;
  const thread = [...discussions].sort((a, b) => b.replies - a.replies)[0];
  if (thread) await go(member, `#/discussions/${thread.id}`, 'discussion', (p) => p.locator('ol.replies > li').first().waitFor());
  await go(member, '#/posts', 'posts', (p) => p.locator('li.card').first().waitFor());
  const posts = (await api(member, '/api/posts')).posts as Array<{ id: number; comments: number }>;
  const post = [...posts].sort((a, b) => b.comments - a.comments)[0];
  if (post) await go(member, `#/posts/${post.id}`, 'post', (p) => p.getByRole('heading', { level: 1 }).waitFor());
  await go(member, '#/posts/new', 'post-editor');
  await go(member, `#/search?q=${encodeURIComponent('党费')}`, 'search', (p) => p.locator('li.card').first().waitFor());
  const found = (await api(member, `/api/search?q=${encodeURIComponent('党费')}&kind=message`)).results as Array<{ roomId?: string; seq?: number }>;
  if (found[0]?.roomId) await go(member, `#/room/${found[0].roomId}?seq=${found[0].seq}&q=${encodeURIComponent('党费')}`, 'search-message', (p) => p.locator('li.msg.found').waitFor());

  // The general branch's organizer: publishing, and the live read panel of the pinned announcement.
  await go(organizer, '#/announcements', 'announcement-new', async (p) => {
    await p.getByRole('button', { name: /发布公告|New announcement/ }).click();
    await p.locator('main form').waitFor();
  });
  if (pinned) await go(organizer, `#/announcements/${pinned.id}`, 'announcement-reads', (p) => p.getByTestId('read-count').waitFor());
  if (pinned) await go(member, `#/announcements/${pinned.id}`, 'announcement', (p) => p.getByRole('heading', { level: 1 }).waitFor());

  // Open organizational life: a call for projects with bids (one backed from its page), the library, a project
  // with the meeting made from it and the Adopt form, the award's confirmation. Made here when the demo has none.
  const organizerOf = ((await api(organizer, '/api/me')).organizerOf as number[])[0];
  let tenders = (await api(member, '/api/tenders?status=open')).tenders as Array<{ id: number }>;
  if (!tenders.length && organizerOf) {
    const closesAt = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const made = await api(organizer, '/api/tenders', { method: 'POST', body: { orgId: organizerOf, title: '“我为群众办实事”主题党日活动项目征集', description: '请各位党员围绕社区群众的急难愁盼提出主题党日活动方案，写清楚时间、地点、分工和预期效果。支持人数最多的方案进入项目库，各支部都可以采用。', closesAt } });
    const bid = { summary: '每位党员联系两到三户独居老人，每月至少上门一次，记录需要和困难。', plan: '第一个月：走访建档；之后每月回访，季度小结。', format: '入户走访 + 志愿服务' };
    await api(moving, `/api/tenders/${made.tender.id}/bids`, { method: 'POST', body: { title: '为社区独居老人建立“一户一档”联系卡', ...bid } });
    await api(member, `/api/tenders/${made.tender.id}/bids`, { method: 'POST', body: { title: '流动党员线上读书会', ...bid, summary: '在外地的党员每月两次线上读书，轮流领读。' } });
    tenders = [made.tender];
  }
  let projects = (await api(member, '/api/projects')).projects as Array<{ id: number; adoptions: number }>;
  if (!projects.length && organizerOf) {
    const made = await api(organizer, '/api/projects', { method: 'POST', body: { title: '红色观影会：重温入党誓词', summary: '组织党员观看红色电影，观影后重温入党誓词，交流体会。', plan: '1. 选片\n2. 观影\n3. 重温入党誓词\n4. 座谈交流', format: '观影 + 座谈', topics: ['党史', '主题党日'], ownerOrgId: organizerOf } });
    await api(organizer, '/api/projects', { method: 'POST', body: { title: '社区垃圾分类志愿服务', summary: '党员带头在小区垃圾投放点值守，宣传分类知识。', plan: '每周六上午值守两小时。', format: '志愿服务', topics: ['志愿服务', '社区'], ownerOrgId: organizerOf } });
    await api(organizer, `/api/projects/${made.project.id}/adopt`, { method: 'POST', body: { hostOrgId: organizerOf, startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(), capacity: 40, openTo: 'all', location: '社区党群服务中心' } });
    projects = (await api(member, '/api/projects')).projects;
  }
  await go(member, '#/tenders', 'tenders', (p) => p.locator('li.card').first().waitFor());
  if (tenders[0]) {
    await go(member, `#/tenders/${tenders[0].id}`, 'tender', async (p) => {
      const first = p.locator('li.bid').first();
      await first.waitFor();
      if ((await first.getByRole('button', { pressed: false }).count()) > 0) await first.getByRole('button', { pressed: false }).click();
      await first.getByRole('button', { pressed: true }).waitFor();
    });
    await go(member, `#/tenders/${tenders[0].id}`, 'tender-bid', async (p) => {
      await p.getByRole('button', { name: /提交方案|Propose a project/ }).click();
      await p.locator('main form').waitFor();
    });
    await go(organizer, `#/tenders/${tenders[0].id}`, 'tender-organizer', (p) => p.locator('li.bid').first().waitFor());
  }
  await go(member, '#/projects', 'projects', (p) => p.locator('li.card').first().waitFor());
  const adopted = [...projects].sort((a, b) => b.adoptions - a.adoptions)[0];
  if (adopted) {
    await go(organizer, `#/projects/${adopted.id}`, 'project', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    await go(organizer, `#/projects/${adopted.id}`, 'project-adopt', async (p) => {
      await p.getByRole('button', { name: /采用这个项目|Adopt this project/ }).click();
      await p.locator('main form').waitFor();
    });
  }

  // A meeting open to the public: its page and a registration on a phone without an account; its organizer's page.
  const publicOne = ((await api(member, '/api/meetings')).meetings as Array<{ id: number; openTo: string }>).find((m) => m.openTo === 'public');
  if (publicOne) {
    const visitor = await open();
    await go(visitor, `#/public/meetings/${publicOne.id}`, 'public-meeting', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    const form = visitor.locator('main form');
    if (await form.count()) {
      await form.getByLabel(/姓名|Name/).fill('赵阿姨');
      await form.getByLabel(/手机号或邮箱|Phone or e-mail/).fill('13912345678');
      await form.getByRole('button').click();
      await visitor.waitForURL(/#\/public\/registrations\//);
      await visitor.getByTestId('registration-status').waitFor();
      await shoot(visitor, 'public-registration');
    }
    await go(branchOrganizer, `#/meetings/${publicOne.id}`, 'meeting-public-organizer', (p) => p.locator('ol.signups > li').first().waitFor());
  }

  // The district admin's console, and the district in figures.
  const admin = await signIn('admin');
  await go(admin, '#/admin/orgs', 'admin-orgs');
  await go(admin, '#/admin/members', 'admin-members');
  await go(admin, '#/stats', 'stats', (p) => p.locator('.dues-chart canvas').waitFor());
  await admin.locator('.dues-chart').scrollIntoViewIfNeeded();
  await shoot(admin, 'stats-dues');

  // Family: the guest link's page, then a call between the member and an organizer.
  if (guest.url) {
    const family = await open();
    await family.goto(String(guest.url).replace(/^https?:\/\/[^/]+/, base));
    await shoot(family, 'guest');
  }
  const callee = await signIn('li.ming');
  const me = (await api(callee, '/api/me')).user as { id: number; name: string };
  await member.goto(`${base}/#/call/user/${me.id}?name=${encodeURIComponent(me.name)}`);
  await callee.getByRole('alertdialog').getByRole('button').first().click();
  await member.waitForFunction(() => [...document.querySelectorAll('video')].some((v) => v.videoWidth > 0 && !v.muted), null, { timeout: 20_000 }).catch(() => {});
  await member.waitForTimeout(1500);
  await shoot(member, 'call');
}

async function removeKeys(url: string, prefix: string) {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
