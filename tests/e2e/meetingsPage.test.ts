import { readFile } from 'node:fs/promises';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/district';
import { useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';
import { startTestServer } from '../helpers/server';

const env = useBrowserServer();

/** A member's phone in Chinese, and an organizer's desk in English (swapped in the second test). */
const phone: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 740 } };
const desktop: BrowserContextOptions = { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } };

async function createMeeting(title: string, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await api(env.server.url, 'POST', '/api/meetings', {
    token: env.d.orgA.token,
    body: { title, topic: 'study', startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), capacity: 10, openTo: 'all', hostOrgId: env.d.branchA.id, location: 'Room 1', ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.meeting.id;
}

async function signupStatus(meetingId: number, userId: number): Promise<string | undefined> {
  const res = await api(env.server.url, 'GET', `/api/meetings/${meetingId}/signups?limit=200`, { token: env.d.orgA.token });
  return res.body.signups.find((s: { user: { id: number } }) => s.user.id === userId)?.status;
}

/** The one error style: announced (role=alert), red (`notice error`), never the success style. */
async function expectErrorNotice(notice: Locator, text: string) {
  await notice.waitFor();
  expect((await notice.textContent())?.replace('×', '').trim()).toBe(text);
  const cls = (await notice.getAttribute('class')) ?? '';
  expect(cls.split(/\s+/)).toContain('error');
  expect(cls).not.toMatch(/success/);
  const colors = await notice.evaluate((el) => {
    const probe = document.createElement('div');
    probe.className = 'notice success';
    el.parentElement!.appendChild(probe);
    const ok = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return { mine: getComputedStyle(el).backgroundColor, ok };
  });
  expect(colors.mine).not.toBe(colors.ok);
}

/** Signs in through the login form at `base`, keeping every socket.io frame the page sends (to tell what a dismissed confirmation did not send). */
async function signInAt(base: string, email: string, options: BrowserContextOptions): Promise<{ page: Page; frames: string[] }> {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
  await page.goto(base);
  await page.getByLabel(/Email|邮箱/).fill(email);
  await page.getByLabel(/Password|密码/).fill(PASSWORD);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
  await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor();
  return { page, frames };
}

async function openMeetingFromList(page: Page, title: string, meetingsTab: string) {
  await page.getByRole('link', { name: meetingsTab, exact: true }).click();
  await page.getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

describe('meetings pages', () => {
  it('organizer (1280, en) rejects a wrong code in the error style, checks a member in by code, edits the meeting; the member (360, zh-CN) follows live, sees the QR, the online link and a room titled by the meeting', async () => {
    const title = '春季读书会 Spring reading';
    const meetingId = await createMeeting(title);

    const amy = await env.signIn(env.d.amy.user.email, phone);
    await openMeetingFromList(amy, title, '会议');
    await amy.getByRole('button', { name: '报名', exact: true }).click();
    await amy.getByText('你已报名成功').waitFor();
    const codeText = await amy.getByText(/签到码：[A-Z2-9]{6}/).textContent();
    const code = /([A-Z2-9]{6})/.exec(codeText!)![1];
    // The check-in code comes with a QR code, named for a screen reader, drawn once the generator loaded.
    const qr = amy.getByRole('img', { name: '签到码的二维码' });
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0)).toBe(true);
    const qrBox = (await qr.boundingBox())!;
    expect(qrBox.x + qrBox.width).toBeLessThanOrEqual(360);

    const org = await env.signIn(env.d.orgA.user.email, desktop);
    await org.goto(`${env.server.url}/#/meetings/${meetingId}`);
    await org.getByRole('heading', { level: 1, name: title }).waitFor();

    // A code nobody holds: said in English words of the client's own, in the error style.
    const wrong = code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    await org.getByLabel('Check in by code').fill(wrong);
    await org.getByRole('button', { name: 'Check in', exact: true }).click();
    await expectErrorNotice(org.getByRole('alert').filter({ hasText: 'No such check-in code' }), 'No such check-in code');
    expect(await org.locator('.notice.success').count()).toBe(0);
    expect(await signupStatus(meetingId, env.d.amy.user.id)).toBe('confirmed');

    // The right code (as typed at the door, in lower case): the member's open page changes without a reload.
    await amy.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await org.getByLabel('Check in by code').fill(code.toLowerCase());
    await org.getByRole('button', { name: 'Check in', exact: true }).click();
    await org.getByRole('status').filter({ hasText: 'Amy is checked in' }).waitFor();
    expect(await org.getByRole('alert').filter({ hasText: 'No such check-in code' }).count()).toBe(0);
    await amy.getByRole('status').filter({ hasText: '你已签到' }).waitFor();
    await amy.locator('.actions .ok', { hasText: '已签到' }).waitFor();
    expect(await amy.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await signupStatus(meetingId, env.d.amy.user.id)).toBe('attended');

    // The organizer edits title, time, place and online link (times typed in the organizer's own zone, Asia/Shanghai).
    expect(env.d.orgA.user.timezone).toBe('Asia/Shanghai');
    const newTitle = '春季读书会（改期）Spring reading, moved';
    const onlineUrl = 'https://meet.example.org/spring-reading';
    await org.getByRole('button', { name: 'Edit the meeting' }).click();
    await org.getByLabel('Title', { exact: true }).fill(newTitle);
    await org.getByLabel('Starts', { exact: true }).fill('2031-03-04T19:30');
    await org.getByLabel('Place', { exact: true }).fill('社区活动中心二楼 Community hall, 2nd floor');
    await org.getByLabel('Online meeting link').fill(onlineUrl);
    await org.getByRole('button', { name: 'Save', exact: true }).click();
    await org.getByRole('status').filter({ hasText: 'Meeting updated' }).waitFor();
    await org.getByRole('heading', { level: 1, name: newTitle }).waitFor();
    const stored = (await api(env.server.url, 'GET', `/api/meetings/${meetingId}`, { token: env.d.orgA.token })).body.meeting;
    expect(stored).toMatchObject({ title: newTitle, startsAt: '2031-03-04T11:30:00.000Z', location: '社区活动中心二楼 Community hall, 2nd floor', onlineUrl });

    // The member sees the new facts and the online link.
    await amy.reload();
    await amy.getByRole('heading', { level: 1, name: newTitle }).waitFor();
    expect(await amy.locator('dd time').getAttribute('datetime')).toBe('2031-03-04T11:30:00.000Z');
    await amy.locator('dd', { hasText: '社区活动中心二楼 Community hall, 2nd floor' }).waitFor();
    const join = amy.getByRole('link', { name: '进入线上会议' });
    expect(await join.getAttribute('href')).toBe(onlineUrl);

    // The meeting's room is titled with the meeting's name.
    await amy.getByRole('link', { name: '进入会议室' }).click();
    await amy.getByRole('heading', { level: 1, name: newTitle }).waitFor();
    expect(await amy.getByRole('heading', { level: 1 }).allTextContents()).not.toContainEqual(expect.stringMatching(/#\s*\d/));
    await amy.getByRole('log', { name: new RegExp(newTitle.replace(/[()（）]/g, '.')) }).waitFor();

    await amy.context().close();
    await org.context().close();
  });

  it('member (1280, en) confirms before cancelling a sign-up; organizer (360, zh-CN) sees a wrong code in Chinese, confirms before cancelling the meeting; a cancelled meeting offers no room', async () => {
    const title = '社区议事会 Neighbourhood council';
    const meetingId = await createMeeting(title);

    const { page: alice, frames } = await signInAt(env.server.url, env.d.alice.user.email, desktop);
    await openMeetingFromList(alice, title, 'Meetings');
    await expect.poll(() => frames.some((f) => f.includes('"meeting:watch"'))).toBe(true); // the recording works
    await alice.getByRole('button', { name: 'Sign up', exact: true }).click();
    await alice.getByText('You have a seat').waitFor();
    await alice.getByRole('img', { name: 'QR code of the check-in code' }).waitFor();

    // Cancelling a sign-up asks first; dismissing keeps the seat.
    const dialogs: string[] = [];
    alice.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await alice.getByRole('button', { name: 'Cancel my sign-up' }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe('Cancel your sign-up? Your seat goes to the next on the waitlist.');
    await alice.evaluate(() => 0); // the click handler has run to its end
    expect(await alice.getByText('You have a seat').isVisible()).toBe(true);
    expect(await signupStatus(meetingId, env.d.alice.user.id)).toBe('confirmed');

    // Accepting cancels it (and is the only cancel the page ever sent).
    alice.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await alice.getByRole('button', { name: 'Cancel my sign-up' }).click();
    await alice.getByRole('button', { name: 'Sign up', exact: true }).waitFor();
    expect(await alice.getByText('You have a seat').count()).toBe(0);
    await expect.poll(() => signupStatus(meetingId, env.d.alice.user.id)).not.toBe('confirmed');
    expect(frames.filter((f) => f.includes('"meeting:cancel"')).length).toBe(1);

    // Signed up again, she holds a seat and may enter the room.
    await alice.getByRole('button', { name: 'Sign up', exact: true }).click();
    await alice.getByText('You have a seat').waitFor();
    const enterRoom = alice.getByRole('link', { name: 'Enter the meeting room' });
    await enterRoom.waitFor();

    const org = await env.signIn(env.d.orgA.user.email, phone);
    await org.goto(`${env.server.url}/#/meetings/${meetingId}`);
    await org.getByRole('heading', { level: 1, name: title }).waitFor();

    // A wrong code, in the organizer's language: never the server's English text.
    await org.getByLabel('按签到码签到').fill('ZZZZZZ');
    await org.getByRole('button', { name: '签到', exact: true }).click();
    await expectErrorNotice(org.getByRole('alert').filter({ hasText: '没有这个签到码' }), '没有这个签到码');
    expect(await org.getByRole('alert').filter({ hasText: /[A-Za-z]/ }).count()).toBe(0);
    // The alert fits the phone's width.
    const alertBox = (await org.getByRole('alert').filter({ hasText: '没有这个签到码' }).boundingBox())!;
    expect(alertBox.x + alertBox.width).toBeLessThanOrEqual(360);

    // Cancelling the meeting asks first: dismissing changes nothing.
    const orgDialogs: string[] = [];
    org.once('dialog', (d) => {
      orgDialogs.push(d.message());
      void d.dismiss();
    });
    await org.getByRole('button', { name: '取消会议' }).click();
    await expect.poll(() => orgDialogs.length).toBe(1);
    expect(orgDialogs[0]).toBe('确定取消这个会议吗？所有报名的人都会收到通知。');
    await org.evaluate(() => 0);
    expect((await api(env.server.url, 'GET', `/api/meetings/${meetingId}`, { token: env.d.orgA.token })).body.meeting.status).toBe('open');
    expect(await org.getByRole('button', { name: '取消会议' }).isVisible()).toBe(true);

    org.once('dialog', (d) => void d.accept());
    await org.getByRole('button', { name: '取消会议' }).click();
    await org.getByTestId('seats').filter({ hasText: '已取消' }).waitFor();
    await expect.poll(async () => (await api(env.server.url, 'GET', `/api/meetings/${meetingId}`, { token: env.d.orgA.token })).body.meeting.status).toBe('cancelled');
    expect(await org.getByRole('link', { name: '进入会议室' }).count()).toBe(0);

    // The member's open page turns to "Cancelled" and no longer offers the room, nor a sign-up to cancel; nor after a reload.
    await alice.getByTestId('seats').filter({ hasText: 'Cancelled' }).waitFor();
    await expect.poll(() => enterRoom.count()).toBe(0);
    expect(await alice.getByRole('button', { name: 'Cancel my sign-up' }).count()).toBe(0);
    await alice.reload();
    await alice.getByTestId('seats').filter({ hasText: 'Cancelled' }).waitFor();
    expect(await alice.getByRole('link', { name: 'Enter the meeting room' }).count()).toBe(0);
    expect(await alice.getByRole('button', { name: 'Sign up', exact: true }).count()).toBe(0);

    await alice.context().close();
    await org.context().close();
  });

  it('the host-unit filter fits a 360 px screen, even with a long unit name, and filters (zh-CN)', async () => {
    const longName = '中华人民共和国某某省某某市某某区第一街道社区党员服务中心联合党支部委员会 Joint branch committee of the first street community service centre';
    const res = await api(env.server.url, 'POST', '/api/orgs', { token: env.d.admin.token, body: { name: longName, kind: 'branch', parentId: env.d.general.id } });
    expect(res.status).toBe(201);
    const title = '主办单位筛选 Filter check';
    await createMeeting(title);

    const amy = await env.signIn(env.d.amy.user.email, phone);
    await amy.getByRole('link', { name: '会议', exact: true }).click();
    await amy.getByRole('heading', { level: 1, name: '会议' }).waitFor();
    const unit = amy.getByLabel('主办单位');
    await expect.poll(() => unit.locator('option').allTextContents()).toContain(longName);

    const fits = () =>
      amy.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        main: document.getElementById('main')!.scrollWidth,
        widest: Math.max(...[...document.querySelectorAll('.filters, .filters label, .filters select')].map((el) => el.getBoundingClientRect().right)),
      }));
    for (const state of [await fits()]) {
      expect(state.page).toBeLessThanOrEqual(360);
      expect(state.main).toBeLessThanOrEqual(360);
      expect(state.widest).toBeLessThanOrEqual(360);
    }

    // Choosing the long unit keeps it within the screen and shows its (no) meetings; choosing branch A shows ours.
    await unit.selectOption({ label: longName });
    await amy.getByText('暂时没有可以报名的会议。').waitFor();
    const after = await fits();
    expect(after.page).toBeLessThanOrEqual(360);
    expect(after.main).toBeLessThanOrEqual(360);
    expect(after.widest).toBeLessThanOrEqual(360);
    await unit.selectOption({ label: env.d.branchA.name });
    await amy.getByRole('link', { name: title }).waitFor();
    await amy.context().close();
  });

  it('without PUBLIC_URL the .ics the page downloads names the address the page was served from (1280, en)', async () => {
    // The shared test server sets PUBLIC_URL; a second process of the same deployment runs without it.
    const bare = await startTestServer(env.store, { env: { PUBLIC_URL: undefined as unknown as string } });
    try {
      expect(bare.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const host = new URL(bare.url).host;
      const title = '日历测试 Calendar check';
      const meetingId = await createMeeting(title);

      const { page } = await signInAt(bare.url, env.d.alice.user.email, desktop);
      await page.goto(`${bare.url}/#/meetings/${meetingId}`);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();

      const [response, download] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/calendar.ics')),
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Add to calendar (.ics)' }).click(),
      ]);
      expect(new URL(response.url()).host).toBe(host);
      expect(response.status()).toBe(200);
      expect(download.suggestedFilename()).toBe(`meeting-${meetingId}.ics`);
      const ics = (await readFile((await download.path())!, 'utf8')).replace(/\r\n[ \t]/g, '');
      const lines = ics.split(/\r?\n/);
      expect(lines).toContain(`UID:meeting-${meetingId}@${host}`);
      expect(lines).toContain(`URL:${bare.url}/#/meetings/${meetingId}`);
      expect(ics).not.toMatch(/localhost/);
      await page.context().close();
    } finally {
      await bare.close();
    }
  });
});
