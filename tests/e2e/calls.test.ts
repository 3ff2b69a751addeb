import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser';
import { api, waitFor } from '../helpers/clients';

const env = useBrowserServer();
const phone = (locale: string) => ({ locale, viewport: { width: 360, height: 740 }, permissions: ['camera', 'microphone'] });

/** The remote <video> is really playing: it has a size and its clock moves. */
async function remotePlays(page: Page, label: RegExp) {
  const video = page.getByLabel(label).first();
  await waitFor(async () => (await video.evaluate((v: HTMLVideoElement) => v.videoWidth)) > 0, 30_000, 'remote video to have a size');
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await waitFor(async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) > t0, 10_000, 'remote video to advance');
}

describe('video calls in the browser', () => {
  it('two members call each other through the real pages; both see the other; hang up ends it on both', async () => {
    const alice = await env.signIn(env.d.alice.user.email, phone('en-GB'));
    const amy = await env.signIn(env.d.amy.user.email, phone('zh-CN'));
    await alice.getByRole('link', { name: 'Video', exact: true }).click();
    await alice.getByRole('button', { name: 'Video call Amy' }).click();
    const dialog = amy.getByRole('alertdialog');
    await dialog.getByText('Alice 给你打视频电话').waitFor();
    await dialog.getByRole('button', { name: '接听' }).click();

    await remotePlays(alice, /The other side/);
    await remotePlays(amy, /对方画面/);
    await alice.getByRole('status').filter({ hasText: 'In call' }).waitFor();

    await alice.getByRole('button', { name: 'Hang up' }).click();
    await alice.getByText(/Call ended/).waitFor();
    await amy.getByText(/通话已结束/).waitFor();
    const log = await api(env.server.url, 'GET', '/api/calls', { token: env.d.amy.token });
    expect(log.body.calls[0]).toMatchObject({ status: 'ended', endReason: 'hangup', caller: { id: env.d.alice.user.id } });
  });

  it('a family member opens a guest link on a phone, sees a preview, and calls the member', async () => {
    const link = await api(env.server.url, 'POST', '/api/guest-invites', { token: env.d.alice.token, body: { label: '妈妈' } });
    const alice = await env.signIn(env.d.alice.user.email, phone('en-GB'));
    const context = await env.browser.newContext(phone('zh-CN'));
    const mum = await context.newPage();
    await mum.goto(link.body.url.replace('http://kitestring.test', env.server.url));
    await mum.getByText('你好，妈妈！').waitFor();
    await waitFor(async () => (await mum.getByLabel('你的画面').evaluate((v: HTMLVideoElement) => v.videoWidth)) > 0, 15_000, 'camera preview');
    await mum.getByRole('button', { name: '呼叫Alice' }).click();

    await alice.getByRole('alertdialog').getByText('妈妈 is video calling you').waitFor();
    await alice.getByRole('button', { name: 'Accept' }).click();
    await remotePlays(alice, /The other side/);
    await remotePlays(mum, /对方画面/);

    await mum.getByRole('button', { name: '挂断' }).click();
    await alice.getByText(/Call ended/).waitFor();
  });
});
