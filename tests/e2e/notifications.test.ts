import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { orgRoomId } from '../../server/contract/events';
import { periodOf } from '../../server/contract/time';
import { useBrowserServer } from '../helpers/browser';
import { DESKTOP_EN, isTappable, named, PHONE_ZH, waitForLanguage } from '../helpers/chatRooms';
import { api, connect, next, ok, waitFor, type TestSocket } from '../helpers/clients';
import type { Person } from '../helpers/district';

const env = useBrowserServer();
const withCamera = { permissions: ['camera', 'microphone'] };

/** A stored notification count for a member, as the server keeps it. */
const unreadOf = async (person: Person): Promise<number> => (await api(env.server.url, 'GET', '/api/notifications', { token: person.token })).body.unread;

/** `caller` rings `callee` and hangs up before an answer: the callee has a missed call. */
async function missedCall(caller: TestSocket, callee: Person) {
  const { callId } = await ok(caller, 'call:invite', { userId: callee.user.id });
  await ok(caller, 'call:hangup', { callId });
}

/** The member owes dues for this month and the organizer presses "remind now": a dues reminder. */
async function duesReminder(member: Person, organizer: Person, branchId: number): Promise<string> {
  const period = periodOf(Date.now(), member.user.timezone);
  const rate = await api(env.server.url, 'PUT', `/api/dues/rates/${member.user.id}`, { token: organizer.token, body: { monthlyAmount: 5000, effectiveFrom: period } });
  expect(rate.status).toBe(200);
  const run = await api(env.server.url, 'POST', '/api/dues/reminders/run', { token: organizer.token, body: { period, stage: 'first', orgId: branchId } });
  expect(run.status).toBe(202);
  return period;
}

/** A toast's close button: at least 44 × 44 px, not covered; it closes the toast. */
async function closeToast(toast: Locator, name: string) {
  const close = toast.getByRole('button', { name });
  const box = (await close.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(44);
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(await isTappable(close)).toBe(true);
  await close.click();
  await toast.waitFor({ state: 'detached' });
}

describe('notifications in the browser', () => {
  it('phone, zh-CN: opening a notification marks it read; a dues reminder leads to the dues page; a missed call is called back; the toast closes with a 44 px button', async () => {
    const { amy, alice, orgA, branchA } = env.d;
    await waitForLanguage(env.server.url, amy.token, 'zh-CN');
    const aliceSocket = await connect(env.server.url, { token: alice.token });
    await missedCall(aliceSocket, amy);
    const period = await duesReminder(amy, orgA, branchA.id);
    await waitFor(async () => (await unreadOf(amy)) === 2, 20_000, 'both notifications');

    const page = await env.signIn(amy.user.email, { ...PHONE_ZH, ...withCamera });
    const tabs = page.getByRole('navigation', { name: '主导航' });
    await tabs.getByRole('link', { name: named('通知', 2, 'unread', 'zh-CN') }).click();
    const main = page.getByRole('main');
    await main.getByRole('heading', { level: 1, name: '通知' }).waitFor();

    // The dues reminder leads to the dues page and is read from then on.
    await main.getByRole('link', { name: `${period} 党费提醒` }).click();
    await page.getByRole('heading', { level: 1, name: '党费' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/dues');
    await tabs.getByRole('link', { name: named('通知', 1, 'unread', 'zh-CN') }).waitFor();
    expect(await unreadOf(amy)).toBe(1);

    // The missed call offers a call back, which rings Alice.
    await tabs.getByRole('link', { name: /^通知/ }).click();
    const missed = main.getByRole('listitem').filter({ hasText: '未接来电：Alice' });
    await missed.getByText('未读').waitFor();
    const ringing = next(aliceSocket, 'call:incoming', (e) => e.from.id === amy.user.id, 15_000);
    const callBack = missed.getByRole('button', { name: '回拨给 Alice' });
    expect(await isTappable(callBack)).toBe(true);
    await callBack.click();
    const incoming = await ringing;
    await page.getByRole('heading', { level: 1, name: 'Alice' }).waitFor();
    await ok(aliceSocket, 'call:decline', { callId: incoming.callId });
    await tabs.getByRole('link', { name: '通知', exact: true }).waitFor();
    expect(await unreadOf(amy)).toBe(0);

    // A live one shows as a toast whose close button is a full-size target.
    await ok(aliceSocket, 'room:join', { roomId: orgRoomId(branchA.id) });
    await ok(aliceSocket, 'chat:send', { roomId: orgRoomId(branchA.id), clientId: 'n-1', body: '@Amy 收到请回复' });
    const toast = page.getByRole('alert').filter({ hasText: `Alice 在「${branchA.name}」提到了你` });
    await toast.waitFor();
    await closeToast(toast, '关闭');

    aliceSocket.close();
    await page.context().close();
  });

  it('desktop, en: "mark all read" clears every one (kept after a reload); a toast opens its page and marks it read; the call-back button starts a call', async () => {
    const { bob, orgB, branchB } = env.d;
    await waitForLanguage(env.server.url, bob.token, 'zh-CN');
    const orgSocket = await connect(env.server.url, { token: orgB.token });
    await missedCall(orgSocket, bob);
    await ok(orgSocket, 'chat:send', { roomId: orgRoomId(branchB.id), clientId: 'n-2', body: '@Bob please read the minutes' });
    await duesReminder(bob, orgB, branchB.id);
    await waitFor(async () => (await unreadOf(bob)) === 3, 20_000, 'three notifications');

    const page = await env.signIn(bob.user.email, { ...DESKTOP_EN, ...withCamera });
    await waitForLanguage(env.server.url, bob.token, 'en');
    const tabs = page.getByRole('navigation', { name: 'Main' });
    await tabs.getByRole('link', { name: named('Inbox', 3) }).click();
    const main = page.getByRole('main');
    // Rendered again in the language she reads the app in now.
    await main.getByRole('link', { name: `OrgB mentioned you in ${branchB.name}` }).waitFor();
    await main.getByRole('listitem').filter({ hasText: 'Missed call from OrgB' }).getByRole('button', { name: 'Call OrgB back' }).waitFor();
    expect(await main.getByText('unread').count()).toBe(3);

    await main.getByRole('button', { name: 'Mark all read' }).click();
    await tabs.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    expect(await main.getByText('unread').count()).toBe(0);
    expect(await main.getByRole('button', { name: 'Mark all read' }).count()).toBe(0);
    expect(await unreadOf(bob)).toBe(0);
    await page.reload();
    await tabs.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    await main.getByRole('link', { name: `OrgB mentioned you in ${branchB.name}` }).waitFor();
    expect(await main.getByText('unread').count()).toBe(0);

    // A live mention: the toast's link opens the room and marks it read.
    await ok(orgSocket, 'chat:send', { roomId: orgRoomId(branchB.id), clientId: 'n-3', body: '@Bob the meeting moved to Friday' });
    const toast = page.getByRole('alert').filter({ hasText: `OrgB mentioned you in ${branchB.name}` });
    await tabs.getByRole('link', { name: named('Inbox', 1) }).waitFor();
    await toast.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: branchB.name }).waitFor();
    await page.getByRole('log').getByText('the meeting moved to Friday').waitFor();
    await tabs.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    await toast.waitFor({ state: 'detached' });
    expect(await unreadOf(bob)).toBe(0);

    // Another live one, dismissed with its 44 px close button.
    await ok(orgSocket, 'chat:send', { roomId: orgRoomId(branchB.id), clientId: 'n-4', body: '@Bob and bring the minutes' });
    const second = page.getByRole('alert').filter({ hasText: `OrgB mentioned you in ${branchB.name}` });
    await second.waitFor();
    await closeToast(second, 'Dismiss');

    // The missed call's call-back button starts a call even when it is read already.
    await tabs.getByRole('link', { name: /^Inbox/ }).click();
    const ringing = next(orgSocket, 'call:incoming', (e) => e.from.id === bob.user.id, 15_000);
    await main.getByRole('listitem').filter({ hasText: 'Missed call from OrgB' }).getByRole('button', { name: 'Call OrgB back' }).click();
    const incoming = await ringing;
    await page.getByRole('heading', { level: 1, name: 'OrgB' }).waitFor();
    await page.getByText('Calling…').waitFor();
    await ok(orgSocket, 'call:decline', { callId: incoming.callId });

    orgSocket.close();
    await page.context().close();
  });
});
