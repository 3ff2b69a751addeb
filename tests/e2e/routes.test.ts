import type { BrowserContextOptions, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { lifeEn } from '../../client/src/i18n/life/en';
import { lifeZhCN } from '../../client/src/i18n/life/zh-CN';
import { projectsEn } from '../../client/src/i18n/projects/en';
import { publicEn } from '../../client/src/i18n/public/en';
import { publicZhCN } from '../../client/src/i18n/public/zh-CN';
import { projectsZhCN } from '../../client/src/i18n/projects/zh-CN';
import { statsEn } from '../../client/src/i18n/stats/en';
import { statsZhCN } from '../../client/src/i18n/stats/zh-CN';
import { voiceEn } from '../../client/src/i18n/voice/en';
import { voiceZhCN } from '../../client/src/i18n/voice/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { periodOf } from '../../server/contract/time';
import { fill, useBrowserServer } from '../helpers/browser';
import { api, connect, ok, type TestSocket } from '../helpers/clients';
import type { Person } from '../helpers/district';
import { Findings, SETTLE_SCRIPT, settle } from '../helpers/routeAudit';

/**
 * Every route of the client at 360 × 740, for each role, in Chinese for some and English for others: nothing
 * wider than the screen, nothing tappable covered by something else, nothing unnamed for a screen reader
 * (tests/helpers/routeAudit.ts says what exactly is checked). The menus and overlays that matter (the account
 * menu, a message's ⋯ menu, who is online, an incoming call, a notification toast, the editors that open in
 * place) are opened and checked too. Each role's routes are opened one after the other in one page.
 * ROUTES_DEBUG=1 prints how long each screen took and saves a screenshot of a step that failed to /tmp.
 */

// Every page reports when it has settled (routeAudit's settle waits for that).
const env = useBrowserServer({ initScript: SETTLE_SCRIPT });
// The shared catalog and the parts the member-life, voice, projects and statistics pages load with them.
type Catalog = typeof en & typeof lifeEn & typeof voiceEn & typeof projectsEn & typeof statsEn & typeof publicEn;
type Locale = 'zh-CN' | 'en-GB';
const catalogOf = (locale: Locale): Catalog => (locale === 'zh-CN' ? { ...zhCN, ...lifeZhCN, ...voiceZhCN, ...projectsZhCN, ...statsZhCN, ...publicZhCN } : { ...en, ...lifeEn, ...voiceEn, ...projectsEn, ...statsEn, ...publicEn });
const phone = (locale: Locale): BrowserContextOptions => ({
  locale,
  timezoneId: locale === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London',
  viewport: { width: 360, height: 740 },
});

const MEETING_TITLE = '社区议事会：房租与维修 Community council on rents and repairs';
let meetingId = 0;
let guestToken = '';
let transferId = 0;
let trainingId = 0;
const TRAINING_TITLE = '党史学习教育专题讲座 A lecture on the Party’s history';
let announcementId = 0;
let discussionId = 0;
let postId = 0;
const ANNOUNCEMENT_TITLE = '关于按时交纳党费和参加十二月组织生活会的通知 On dues and the December meeting';
const DISCUSSION_TITLE = '在外地怎么参加支部的学习？How do members far away join the study sessions?';
let tenderId = 0;
let publicMeetingId = 0;
let publicCode = '';
let projectId = 0;
const TENDER_TITLE = '2027 年“我为群众办实事”主题党日活动项目征集 Call for projects: serving the neighbourhood';
const BID_TITLE = '为社区独居老人建立“一户一档”联系卡 A contact card for each elder living alone';
const PROJECT_TITLE = '红色观影会：重温入党誓词 Film evening: renewing the oath';
const POST_TITLE = '在伦敦读书的日子：一个流动党员的学习笔记 Notes of a student member in London';

beforeAll(async () => {
  const { d, server } = env;
  const base = server.url;
  const [alice, amy, orgA, genOrg, admin] = await Promise.all([d.alice, d.amy, d.orgA, d.genOrg, d.admin].map((p) => connect(base, { token: p.token })));
  const say = (socket: TestSocket, roomId: string, body: string, n: number) => ok(socket, 'chat:send', { roomId, clientId: `routes-${roomId.replace(':', '-')}-${n}`, body });

  // A busy branch room (more than one screen and more than one page of history): runs of one author,
  // a mention, a long unbroken URL, a long Chinese paragraph, several lines.
  const branchRoom = `org:${d.branchA.id}`;
  const bodies = [
    '大家好，这周六上午九点在社区活动中心集合。',
    'Morning all — the rent survey forms are at the front desk.',
    '@Alice 你那边的租房合同问题解决了吗？',
    `资料在这里：https://docs.example.org/branch/${'a1b2c3d4'.repeat(12)}?download=true`,
    '我们支部今年要把流动党员的联系方式都核对一遍，特别是在外地务工、上学和随子女生活的老同志，请大家把自己知道的情况发到群里，我来汇总。',
    'Line one\nLine two\nLine three',
  ];
  const authors = [amy, amy, alice, orgA, orgA, amy, alice];
  for (let i = 0; i < 56; i++) await say(authors[i % authors.length], branchRoom, `${bodies[i % bodies.length]} (${i + 1})`, i);
  await say(genOrg, `org:${d.general.id}`, '总支通知：下周三学习会改到晚上七点。', 1);
  await say(alice, `org:${d.general.id}`, '收到', 2);
  await say(admin, `org:${d.committee.id}`, 'Committee: quarterly report due Friday.', 1);

  // A meeting Alice holds a seat in (her check-in code and its QR code show).
  const created = await api(base, 'POST', '/api/meetings', {
    token: d.orgA.token,
    body: {
      title: MEETING_TITLE,
      topic: 'housing',
      description: '议程：\n1. 房租上涨情况\n2. 公共维修基金\nAgenda: rents, the repair fund, any other business.',
      startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      location: 'Community hall, 12 Long Street',
      online: true,
      onlineUrl: `https://meet.example.org/council-${'x'.repeat(60)}`,
      capacity: 20,
      openTo: 'all',
      hostOrgId: d.branchA.id,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  meetingId = created.body.meeting.id;
  await ok(alice, 'meeting:signup', { meetingId });
  await ok(amy, 'meeting:signup', { meetingId });

  // Dues two months overdue for Alice (her page's table, orgA's arrears list, her ledger).
  const now = periodOf(Date.now(), 'Europe/London');
  const [y, m] = now.split('-').map(Number);
  const back = (k: number) => {
    const date = new Date(Date.UTC(y, m - 1 - k, 1));
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const rate = await api(base, 'PUT', `/api/dues/rates/${d.alice.user.id}`, { token: d.orgA.token, body: { monthlyAmount: 5000, effectiveFrom: back(2) } });
  expect(rate.status, JSON.stringify(rate.body)).toBe(200);

  // A check-in scheduled, a family link, and a call Alice missed (her call log and a notification with a call-back).
  const checkin = await api(base, 'POST', '/api/checkins', { token: d.orgA.token, body: { memberId: d.alice.user.id, scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), note: '每月谈心 Monthly chat' } });
  expect(checkin.status, JSON.stringify(checkin.body)).toBe(201);
  const invite = await api(base, 'POST', '/api/guest-invites', { token: d.alice.token, body: { label: '妈妈 Mum' } });
  expect(invite.status, JSON.stringify(invite.body)).toBe(201);
  guestToken = invite.body.token;
  const call = await ok(amy, 'call:invite', { userId: d.alice.user.id });
  await ok(amy, 'call:hangup', { callId: call.callId });

  // Member life: Amy asks to move to branch B (waiting for orgA), a training with Alice's attendance confirmed and
  // Amy's self-report waiting, Alice reported home.
  const life = async (token: string, path: string, body: unknown) => {
    const res = await api(base, 'POST', path, { token, body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
    return res.body;
  };
  transferId = (await life(d.amy.token, '/api/transfers', { toBranchId: d.branchB.id, reason: '随子女到外地生活，就近参加组织生活 Moving to live with my daughter', destination: '杭州 Hangzhou' })).transfer.id;
  trainingId = (await life(d.orgA.token, '/api/trainings', { orgId: d.branchA.id, title: TRAINING_TITLE, kind: 'lecture', hours: 1.5, description: '第一讲 Lecture one' })).training.id;
  await life(d.orgA.token, `/api/trainings/${trainingId}/records`, { userId: d.alice.user.id });
  await life(d.amy.token, `/api/trainings/${trainingId}/self-report`, { hours: 1.5, note: '在线上听了讲座 Listened online' });
  await life(d.alice.token, '/api/me/report-in', { location: 'London, Imperial College', mobile: true, note: '一切都好 All well' });

  // The district's voice: a pinned announcement to branch A (read by Alice), a discussion with replies (one
  // hidden), Alice's post with a comment and her draft, and a message that search finds.
  const pinnedUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
  announcementId = (await life(d.orgA.token, '/api/announcements', { orgId: d.branchA.id, title: ANNOUNCEMENT_TITLE, body: `各位党员：请在本月 25 日前交纳党费。\n${'十二月的组织生活会在线上举行，链接稍后发到群里。'.repeat(3)}\nPlease pay your dues by the 25th.`, pinnedUntil })).announcement.id;
  await api(base, 'POST', `/api/announcements/${announcementId}/read`, { token: d.alice.token });
  discussionId = (await life(d.amy.token, '/api/discussions', { orgId: d.branchA.id, title: DISCUSSION_TITLE, body: '我在外地打工，晚上九点以后才有空。大家有什么好办法？ I work late; any ideas?' })).discussion.id;
  const replies = ['可以看录像回放，支部会把录像发到群里。', `Recordings are shared here: https://video.example.org/branch/${'x1y2'.repeat(15)}`, '周六上午的学习时间对在外地的同志最方便。'];
  const replyIds: number[] = [];
  for (const [i, body] of replies.entries()) replyIds.push((await life([d.alice, d.orgA, d.amy][i].token, `/api/discussions/${discussionId}/replies`, { body, clientId: `routes-reply-${i}` })).reply.id);
  const hidden = await api(base, 'PATCH', `/api/replies/${replyIds[2]}`, { token: d.orgA.token, body: { hidden: true } });
  expect(hidden.status, JSON.stringify(hidden.body)).toBe(200);
  postId = (await life(d.alice.token, '/api/posts', { title: POST_TITLE, body: `${'今天在图书馆读完了《共产党宣言》的英文版，和同学讨论了很久。'.repeat(4)}\n\nToday I finished reading the Manifesto in English.`, status: 'published' })).post.id;
  await life(d.amy.token, `/api/posts/${postId}/comments`, { body: '写得真好！Well written!' });
  await life(d.alice.token, '/api/posts', { title: '草稿：下次支部会的发言 Draft: what I will say at the next meeting', body: '还没写完。', status: 'draft' });
  await say(amy, branchRoom, '提醒一下：这个月的党费请在25号前交。', 99);

  // Open organizational life: an open call with two bids (one backed by two members), a library project adopted into a meeting.
  tenderId = (await life(d.orgA.token, '/api/tenders', { orgId: d.branchA.id, title: TENDER_TITLE, description: `请各位党员围绕“我为群众办实事”提出活动方案。${'方案要写清楚时间、地点、分工和预期效果。'.repeat(3)}`, closesAt: new Date(Date.now() + 10 * 86_400_000).toISOString() })).tender.id;
  const bidIds: number[] = [];
  for (const [token, title] of [[d.amy.token, BID_TITLE], [d.alice.token, '周末理论学习读书会 Weekend reading group']] as const) {
    bidIds.push((await life(token, `/api/tenders/${tenderId}/bids`, { title, summary: '每位党员联系两到三户独居老人，每月至少上门一次。Each member keeps in touch with two or three elders.', plan: '第一个月：走访建档；之后每月回访。', format: '入户走访 Home visits' })).bid.id);
  }
  await ok(alice, 'bid:support', { bidId: bidIds[0] });
  await ok(orgA, 'bid:support', { bidId: bidIds[0] });
  projectId = (await life(d.orgA.token, '/api/projects', { title: PROJECT_TITLE, summary: '组织党员观看红色电影，观影后重温入党誓词并交流体会。', plan: '1. 选片\n2. 观影\n3. 重温誓词\n4. 交流', format: '观影 + 座谈 Film and discussion', topics: ['党史', '主题党日'], ownerOrgId: d.branchA.id })).project.id;
  // A meeting open to the public with a visitor's registration.
  publicMeetingId = ((await api(base, 'POST', '/api/meetings', {
    token: d.orgA.token,
    body: { hostOrgId: d.branchA.id, title: '拆迁安置圆桌会：居民和住建、拆迁办面对面 Round table on resettlement', description: '议程：\n1. 安置方案说明\n2. 居民提问\nAgenda: the plan, then questions.', startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(), location: '社区党群服务中心二楼 Community centre, 2nd floor', capacity: 30, openTo: 'public' },
  })).body.meeting as { id: number }).id;
  publicCode = ((await api(base, 'POST', `/api/public/meetings/${publicMeetingId}/registrations`, { body: { name: '王大妈', contact: '13800138000' } })).body as { code: string }).code;
  await life(d.orgA.token, `/api/projects/${projectId}/adopt`, { hostOrgId: d.branchA.id, startsAt: new Date(Date.now() + 4 * 86_400_000).toISOString(), capacity: 40, openTo: 'all', location: '社区党群服务中心 Community centre' });

  for (const s of [alice, amy, orgA, genOrg, admin]) s.close();
}, 60_000);

interface Extra {
  name: string;
  /** Opens the menu or editor (and waits for it); the screen is checked after. */
  open: (page: Page) => Promise<void>;
  /** Puts the screen back (if the next extra needs it). */
  close?: (page: Page) => Promise<void>;
}
interface Screen {
  path: string;
  /** Waits for what shows that this route's page is the one on screen. */
  ready: (page: Page) => Promise<void>;
  extras?: Extra[];
}

/** Opens the route (and its menus and editors), checking each state; a step that fails is a finding too. */
async function visit(page: Page, findings: Findings, screen: Screen): Promise<void> {
  const name = `#${screen.path}`;
  try {
    await page.evaluate((hash) => {
      location.hash = hash;
    }, screen.path);
    const started = Date.now();
    await screen.ready(page);
    await settle(page);
    if (process.env.ROUTES_DEBUG) console.log(`${name}: ready and settled in ${Date.now() - started} ms`);
    await findings.check(page, name);
  } catch (error) {
    findings.add(name, [`could not open the page: ${firstLine(error)}`]);
    return;
  }
  for (const extra of screen.extras ?? []) {
    try {
      await extra.open(page);
      await settle(page);
      await findings.check(page, `${name} (${extra.name})`);
      await extra.close?.(page);
    } catch (error) {
      findings.add(`${name} (${extra.name})`, [`could not open it: ${firstLine(error)}`]);
      if (process.env.ROUTES_DEBUG) await page.screenshot({ path: `/tmp/routes-${Date.now()}.png` });
    }
  }
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n').slice(0, 2).join(' ');

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).first().waitFor();

function accountMenu(tr: Catalog): Extra {
  return {
    name: 'account menu open',
    open: async (page) => {
      await page.getByRole('button', { name: tr['nav.account'], exact: true }).click();
      await page.getByRole('menu').getByRole('menuitem', { name: tr['nav.logout'] }).waitFor();
    },
    close: async (page) => {
      await page.keyboard.press('Escape');
      await page.getByRole('menu').waitFor({ state: 'detached' });
    },
  };
}

/** A chat room, with who is online, the mention suggestions (where there is someone to mention) and the last message's ⋯ menu opened. */
function roomScreen(tr: Catalog, path: string, name: string | RegExp, others: boolean): Screen {
  const mentions: Extra = {
    name: 'mention suggestions open',
    open: async (page) => {
      await page.getByLabel(tr['composer.label']).fill('@A');
      await page.getByRole('listbox', { name: tr['composer.mentionLabel'] }).getByRole('option').first().waitFor();
    },
    close: async (page) => {
      await page.getByLabel(tr['composer.label']).fill('');
      await page.getByRole('listbox').waitFor({ state: 'detached' });
    },
  };
  return {
    path,
    ready: async (page) => {
      await heading(page, name);
      await page.getByRole('log').locator('li.msg').first().waitFor();
    },
    extras: [
      {
        name: 'who is online open',
        open: async (page) => {
          await page.locator('.room-head summary').click();
          await page.locator('.online-list li').first().waitFor();
        },
        close: (page) => page.locator('.room-head summary').click(),
      },
      // Names to suggest come from who wrote or is online there (Alice and Amy, in the busy rooms).
      ...(others ? [mentions] : []),
      {
        name: 'message ⋯ menu open',
        open: async (page) => {
          await page.getByRole('log').getByRole('button', { name: tr['message.actions'] }).last().click();
          await page.getByRole('menuitem', { name: tr['message.copy'] }).waitFor();
        },
        close: async (page) => {
          await page.keyboard.press('Escape');
          await page.getByRole('menuitem', { name: tr['message.copy'] }).waitFor({ state: 'detached' });
        },
      },
    ],
  };
}

/** The routes every signed-in person can open (an unmanaged route shows "not found": it is checked as such). */
function commonScreens(tr: Catalog, who: Person, homeRoom: { path: string; name: string; others: boolean }, ledgerOf: Person): Screen[] {
  // A page, or the "not found" line a route outside one's role shows.
  const mainReady = (page: Page) => page.locator('main#main, .content > p.page').first().waitFor();
  return [
    { path: '/', ready: (page) => page.getByRole('log').locator('li.msg').first().waitFor() },
    { path: '/rooms', ready: (page) => page.getByRole('navigation', { name: tr['room.list'] }).getByRole('link').first().waitFor() },
    roomScreen(tr, homeRoom.path, homeRoom.name, homeRoom.others),
    {
      path: '/calls',
      ready: (page) => heading(page, tr['calls.title']),
      extras: [
        accountMenu(tr),
        {
          name: 'a new family link with its QR code',
          open: async (page) => {
            await page.getByLabel(tr['calls.guestLabel']).fill(`表哥 Cousin of ${who.user.name}`);
            await page.getByRole('button', { name: tr['calls.guestCreate'] }).click();
            await page.getByRole('img', { name: fill(tr['calls.guestQr'], { label: `表哥 Cousin of ${who.user.name}` }) }).and(page.locator('img')).waitFor();
          },
        },
      ],
    },
    { path: '/meetings', ready: async (page) => void (await page.getByRole('link', { name: MEETING_TITLE }).waitFor()) },
    { path: '/meetings/new', ready: mainReady },
    { path: `/meetings/${meetingId}`, ready: (page) => heading(page, MEETING_TITLE) },
    { path: `/room/meeting:${meetingId}`, ready: (page) => heading(page, MEETING_TITLE) },
    { path: '/dues', ready: (page) => heading(page, tr['dues.title']) },
    { path: `/dues/members/${ledgerOf.user.id}`, ready: mainReady },
    { path: '/notifications', ready: (page) => heading(page, tr['notifications.title']) },
    { path: '/admin/members', ready: mainReady },
    { path: '/admin/orgs', ready: mainReady },
    { path: '/account', ready: (page) => heading(page, tr['nav.account']) },
    // Member life: the member's record, and the console's queues and logs ("not found" for a member).
    { path: '/card', ready: (page) => heading(page, tr['nav.card']) },
    { path: `/members/${ledgerOf.user.id}/card`, ready: mainReady },
    { path: '/transfer', ready: (page) => heading(page, tr['nav.transfer']) },
    { path: '/transfers', ready: mainReady },
    { path: `/transfers/${transferId}`, ready: mainReady },
    { path: '/report-in', ready: (page) => heading(page, tr['nav.reportIn']) },
    { path: '/trainings', ready: (page) => page.getByRole('link', { name: TRAINING_TITLE }).first().waitFor() },
    { path: `/trainings/${trainingId}`, ready: (page) => heading(page, TRAINING_TITLE) },
    { path: '/trainings/pending', ready: mainReady },
    { path: '/lost-contact', ready: mainReady },
    { path: '/audit', ready: mainReady },
    // The district's voice (the forum tab, the search button); a room opened at a message.
    { path: '/announcements', ready: (page) => page.getByRole('link', { name: ANNOUNCEMENT_TITLE }).waitFor() },
    { path: `/announcements/${announcementId}`, ready: (page) => heading(page, ANNOUNCEMENT_TITLE) },
    {
      path: '/discussions',
      ready: (page) => page.getByRole('link', { name: DISCUSSION_TITLE }).waitFor(),
      extras: [toggle('a new discussion', (page) => page.getByRole('button', { name: tr['discussion.new'] }), (page) => page.locator('main form'))],
    },
    { path: `/discussions/${discussionId}`, ready: (page) => page.locator('ol.replies > li').first().waitFor() },
    { path: '/posts', ready: (page) => page.getByRole('link', { name: POST_TITLE }).waitFor() },
    { path: '/posts?view=mine', ready: (page) => heading(page, tr['nav.posts']) },
    { path: '/posts/new', ready: (page) => heading(page, tr['post.editorNew']) },
    { path: `/posts/${postId}`, ready: (page) => page.locator('ol.replies > li').first().waitFor() },
    { path: `/posts/${postId}/edit`, ready: mainReady },
    { path: '/search', ready: (page) => page.getByRole('searchbox').waitFor() },
    { path: `/search?q=${encodeURIComponent('党费')}`, ready: (page) => page.locator('main p[role="status"]').waitFor() },
    { path: `${homeRoom.path}?seq=1&q=${encodeURIComponent('大家')}`, ready: (page) => page.locator('li.msg.found').waitFor() },
    // Open organizational life (the forum's Projects section); statistics ("not found" for a member).
    { path: '/tenders', ready: (page) => page.getByRole('link', { name: TENDER_TITLE }).waitFor() },
    {
      path: `/tenders/${tenderId}`,
      ready: (page) => page.locator('li.bid').filter({ hasText: BID_TITLE }).waitFor(),
      extras: [toggle('a new bid', (page) => page.getByRole('button', { name: tr['bid.new'] }), (page) => page.locator('main form'))],
    },
    { path: '/tenders?status=awarded', ready: (page) => page.locator('main p.empty, main li.card').first().waitFor() },
    { path: '/projects', ready: (page) => page.getByRole('link', { name: PROJECT_TITLE }).waitFor() },
    { path: `/projects?q=${encodeURIComponent('观影')}`, ready: (page) => page.getByRole('link', { name: PROJECT_TITLE }).waitFor() },
    { path: `/projects/${projectId}`, ready: (page) => heading(page, PROJECT_TITLE) },
    { path: '/stats', ready: mainReady },
    { path: `/meetings/${publicMeetingId}`, ready: (page) => page.locator('main h1').waitFor() },
  ];
}

/** The member-life editors an organizer opens in place: deciding a transfer, a new training, rejecting hours, an entry's changes; a new announcement. */
function lifeExtras(tr: Catalog, amy: Person): Record<string, Extra[]> {
  return {
    '/announcements': [toggle('a new announcement', (page) => page.getByRole('button', { name: tr['announcement.new'] }), (page) => page.locator('main form'))],
    '/transfers': [toggle('deciding a transfer', (page) => page.getByRole('button', { name: fill(tr['transfer.decideFor'], { name: amy.user.name }) }), (page) => page.locator('form.decide'))],
    '/trainings': [toggle('a new training', (page) => page.getByRole('button', { name: tr['training.new'] }), (page) => page.locator('main form'))],
    '/trainings/pending': [toggle('rejecting hours', (page) => page.getByRole('button', { name: fill(tr['training.rejectOf'], { name: amy.user.name }) }), (page) => page.locator('.card form'))],
    '/tenders': [toggle('a new call for projects', (page) => page.getByRole('button', { name: tr['tender.new'] }), (page) => page.locator('main form'))],
    '/projects': [toggle('a new project', (page) => page.getByRole('button', { name: tr['project.new'] }), (page) => page.locator('main form'))],
    [`/projects/${projectId}`]: [toggle('adopting a project', (page) => page.getByRole('button', { name: tr['project.adopt'] }), (page) => page.locator('main form'))],
    '/audit': [toggle('an entry’s changes', (page) => page.locator('main details > summary').first(), (page) => page.locator('main details[open] .changes'))],
  };
}

function withLifeExtras(screens: Screen[], tr: Catalog, amy: Person): Screen[] {
  for (const [path, extras] of Object.entries(lifeExtras(tr, amy))) screens = withExtras(screens, path, extras);
  return screens;
}

/** An editor or menu opened by a button, and closed by it again. */
function toggle(name: string, button: (page: Page) => ReturnType<Page['locator']>, shows: (page: Page) => ReturnType<Page['locator']>): Extra {
  return {
    name,
    open: async (page) => {
      await button(page).click();
      await shows(page).first().waitFor();
    },
    close: (page) => button(page).click(),
  };
}

/** The console's editors, opened one at a time. */
function adminExtras(tr: Catalog, admin: boolean): { members: Extra[]; orgs: Extra[] } {
  const members = [
    toggle('add-member form open', (page) => page.getByRole('button', { name: tr['admin.addMember'] }).and(page.locator('[aria-expanded]')), (page) => page.locator('main form')),
    toggle('a member being edited', (page) => page.getByRole('button', { name: fill(tr['admin.editOf'], { name: 'Alice' }) }), (page) => page.locator('.card form')),
  ];
  const unitButton = (page: Page, key: 'admin.organizers' | 'admin.rename' | 'admin.move' | 'admin.add') => page.locator('.unit').first().getByRole('button', { name: tr[key] });
  const orgs = [toggle('a unit’s organizers open', (page) => unitButton(page, 'admin.organizers'), (page) => page.locator('.tree .tools'))];
  if (admin) {
    orgs.push(
      toggle('renaming a unit', (page) => unitButton(page, 'admin.rename'), (page) => page.locator('.tree form')),
      toggle('moving a unit', (page) => unitButton(page, 'admin.move'), (page) => page.locator('.tree form')),
      toggle('adding a unit under one', (page) => unitButton(page, 'admin.add'), (page) => page.locator('.tree form')),
    );
  }
  return { members, orgs };
}

function withExtras(screens: Screen[], path: string, extras: Extra[]): Screen[] {
  return screens.map((s) => (s.path === path ? { ...s, extras: [...(s.extras ?? []), ...extras] } : s));
}

async function checkRole(person: Person, label: string, locale: Locale, screens: (tr: Catalog) => Screen[], live?: (page: Page, findings: Findings, tr: Catalog) => Promise<void>) {
  const tr = catalogOf(locale);
  const findings = new Findings(`${label} (${person.user.name}, 360×740, ${locale})`);
  const page = await env.open(person, phone(locale));
  page.setDefaultTimeout(10_000);
  try {
    for (const screen of screens(tr)) await visit(page, findings, screen);
    if (live) await live(page, findings, tr);
  } finally {
    await page.context().close();
  }
  expect(findings.count, findings.report()).toBe(0);
}

describe('every route at 360 px, for each role', () => {
  it('a member (Alice, zh-CN): every route, the menus, an incoming call and a notification toast', async () => {
    const { d } = env;
    await checkRole(
      d.alice,
      'member',
      'zh-CN',
      (tr) => commonScreens(tr, d.alice, { path: `/room/org:${d.branchA.id}`, name: d.branchA.name, others: true }, d.alice),
      async (page, findings, tr) => {
        // Amy rings: the incoming call sits over the page (here the meetings list); she hangs up.
        await page.evaluate(() => {
          location.hash = '/meetings';
        });
        await page.getByRole('link', { name: MEETING_TITLE }).waitFor();
        const amy = await connect(env.server.url, { token: d.amy.token });
        try {
          const call = await ok(amy, 'call:invite', { userId: d.alice.user.id });
          await page.getByRole('alertdialog').getByRole('button', { name: tr['call.accept'] }).waitFor();
          await settle(page);
          await findings.check(page, '#/meetings (incoming call)');
          await ok(amy, 'call:hangup', { callId: call.callId });
          await page.getByRole('alertdialog').waitFor({ state: 'detached' });
          // A mention arrives live as a toast (the missed call was coalesced with the one before).
          await ok(amy, 'chat:send', { roomId: `org:${d.branchA.id}`, clientId: 'routes-toast', body: '@Alice 看到请回复' });
          await page.locator('.toast').waitFor();
          await settle(page);
          await findings.check(page, '#/meetings (notification toast)');
        } finally {
          amy.close();
        }
      },
    );
  });

  it('a branch organizer (orgA, en): every route, the console and the meeting editor', async () => {
    const { d } = env;
    await checkRole(d.orgA, 'branch organizer', 'en-GB', (tr) => {
      const { members, orgs } = adminExtras(tr, false);
      let screens = commonScreens(tr, d.orgA, { path: `/room/org:${d.branchA.id}`, name: d.branchA.name, others: true }, d.alice);
      screens = withExtras(screens, '/admin/members', members);
      screens = withExtras(screens, '/admin/orgs', orgs);
      screens = withLifeExtras(screens, tr, d.amy);
      return withExtras(screens, `/meetings/${meetingId}`, [
        {
          name: 'editing the meeting',
          open: async (page) => {
            await page.getByRole('button', { name: tr['meeting.edit'] }).click();
            await page.locator('.tools form').first().waitFor();
          },
        },
      ]);
    });
  });

  it('a general-branch organizer (genOrg, zh-CN): every route and the console', async () => {
    const { d } = env;
    await checkRole(d.genOrg, 'general-branch organizer', 'zh-CN', (tr) => {
      const { members, orgs } = adminExtras(tr, false);
      const screens = withLifeExtras(commonScreens(tr, d.genOrg, { path: `/room/org:${d.general.id}`, name: d.general.name, others: true }, d.alice), tr, d.amy);
      return withExtras(withExtras(screens, '/admin/members', members.slice(0, 1)), '/admin/orgs', orgs);
    });
  });

  it('the district admin (en): every route and every editor of the console', async () => {
    const { d } = env;
    await checkRole(d.admin, 'district admin', 'en-GB', (tr) => {
      const { members, orgs } = adminExtras(tr, true);
      const screens = commonScreens(tr, d.admin, { path: `/room/org:${d.committee.id}`, name: d.committee.name, others: false }, d.alice);
      return withExtras(withExtras(screens, '/admin/members', members.slice(0, 1)), '/admin/orgs', orgs);
    });
  });

  it('without an account: the sign-in page (with its error), a family member’s guest page, a public meeting and a registration, in both languages', async () => {
    const findings = new Findings('no account (360×740)');
    const publicMeeting = { id: publicMeetingId };
    const registration = { code: publicCode };
    for (const locale of ['zh-CN', 'en-GB'] as const) {
      const tr = catalogOf(locale);
      const page = await env.newPage(phone(locale));
      try {
        await page.goto(env.server.url);
        await page.getByRole('button', { name: tr['login.submit'] }).waitFor();
        await settle(page);
        await findings.check(page, `sign-in (${locale})`);
        await page.getByLabel(tr['login.email']).fill('nobody@test.example');
        await page.getByLabel(tr['login.password']).fill('wrong password');
        await page.getByRole('button', { name: tr['login.submit'] }).click();
        await page.getByRole('alert').filter({ hasText: tr['login.failed'] }).waitFor();
        await settle(page);
        await findings.check(page, `sign-in with an error (${locale})`);

        await page.goto(`${env.server.url}/#/guest/${guestToken}`);
        await page.getByRole('button', { name: tr['guest.voiceCall'] }).waitFor();
        await settle(page);
        await findings.check(page, `guest page (${locale})`);

        await page.goto(`${env.server.url}/#/public/meetings/${publicMeeting.id}`);
        await page.getByRole('form', { name: tr['public.register'] }).waitFor();
        await settle(page);
        await findings.check(page, `public meeting (${locale})`);
        await page.goto(`${env.server.url}/#/public/registrations/${registration.code}`);
        await page.getByTestId('checkin-code').waitFor();
        await settle(page);
        await findings.check(page, `a public registration (${locale})`);
      } finally {
        // One guest socket per link at a time: this one leaves before the next language opens the link.
        await page.context().close();
      }
    }
    expect(findings.count, findings.report()).toBe(0);
  });
});
