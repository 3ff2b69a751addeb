import qrcode from 'qrcode-generator';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, useBrowserServer } from '../helpers/browser';
import { PASSWORD } from '../helpers/district';
import { waitFor } from '../helpers/clients';

/*
 * The call controls of issue 9, through the real pages: audio-only that stops video both ways and comes back,
 * voice-only calls, the offline warning, the timer, the camera switch, the call log said from the reader's side,
 * and guest links (QR code, share, a call page that fills a phone).
 *
 * What travels on the wire is read from the browsers' own RTCPeerConnection statistics: an init script keeps a
 * reference to every connection the page makes (simple-peer builds them from window.RTCPeerConnection).
 */

const env = useBrowserServer();
const media = ['camera', 'microphone'];
const desktop: BrowserContextOptions = { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 }, permissions: media };
const phone: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 740 }, permissions: media };
const withClipboard = (o: BrowserContextOptions): BrowserContextOptions => ({ ...o, permissions: [...media, 'clipboard-read', 'clipboard-write'] });

/**
 * The same Chromium as the harness's, with three fake cameras. The second one delivers 16-bit depth frames that
 * cannot be encoded (nothing is sent from it), so pages opened with `hideDepthCamera` see two ordinary cameras.
 */
function launchTwoCameraChromium(): Promise<Browser> {
  return launchChromium(['--use-fake-device-for-media-stream=device-count=3']);
}

/** Init script: the depth camera (fake_device_1) is left out of the device list. */
function hideDepthCamera() {
  const enumerate = MediaDevices.prototype.enumerateDevices;
  MediaDevices.prototype.enumerateDevices = async function (this: MediaDevices) {
    return (await enumerate.call(this)).filter((d) => d.label !== 'fake_device_1');
  };
}

const opened: Page[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.context().close()));
});

/** Records every RTCPeerConnection the page creates, so the test can read its statistics. */
function watchPeers() {
  const Native = window.RTCPeerConnection;
  const peers: RTCPeerConnection[] = [];
  (window as any).__ksPeers = peers;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      peers.push(this);
    }
  } as typeof RTCPeerConnection;
}

async function newPage(options: BrowserContextOptions, browser: Browser = env.browser, init?: () => void): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addInitScript(watchPeers);
  if (init) await context.addInitScript(init);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  opened.push(page);
  return page;
}

/** Like env.signIn (through the login form), but with the peer-connection watcher installed first. */
async function signIn(email: string, options: BrowserContextOptions, browser?: Browser, init?: () => void): Promise<Page> {
  const page = await newPage(options, browser, init);
  await page.goto(env.server.url);
  await page.getByLabel(/Email|邮箱/).fill(email);
  await page.getByLabel(/Password|密码/).fill(PASSWORD);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
  await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor();
  return page;
}

interface Flow {
  videoSent: number;
  videoReceived: number;
  framesDecoded: number;
  audioSent: number;
  audioReceived: number;
}

/** Bytes of media sent and received so far on the page's live peer connections. */
function flow(page: Page): Promise<Flow> {
  return page.evaluate(async () => {
    const total = { videoSent: 0, videoReceived: 0, framesDecoded: 0, audioSent: 0, audioReceived: 0 };
    const peers: RTCPeerConnection[] = (window as any).__ksPeers ?? [];
    for (const pc of peers.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r: any) => {
        if (r.type === 'outbound-rtp' && r.kind === 'video') total.videoSent += r.bytesSent ?? 0;
        if (r.type === 'inbound-rtp' && r.kind === 'video') {
          total.videoReceived += r.bytesReceived ?? 0;
          total.framesDecoded += r.framesDecoded ?? 0;
        }
        if (r.type === 'outbound-rtp' && r.kind === 'audio') total.audioSent += r.bytesSent ?? 0;
        if (r.type === 'inbound-rtp' && r.kind === 'audio') total.audioReceived += r.bytesReceived ?? 0;
      });
    }
    return total;
  });
}

/**
 * Samples the pages' traffic one second apart until `holds(before, after)` is true on every page for one
 * window (renegotiation takes a moment); fails after `timeoutMs`.
 */
async function untilTraffic(pages: Page[], holds: (a: Flow, b: Flow) => boolean, what: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  let before = await Promise.all(pages.map(flow));
  for (;;) {
    await pages[0].waitForTimeout(1000); // a measuring window, not a wait for readiness
    const after = await Promise.all(pages.map(flow));
    if (after.every((b, i) => holds(before[i], b))) return after;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ before, after })}`);
    before = after;
  }
}

const videoFlowsBothWays = (pages: Page[]) =>
  untilTraffic(pages, (a, b) => b.videoSent > a.videoSent && b.videoReceived > a.videoReceived && b.framesDecoded > a.framesDecoded, 'video both ways');
/** No video byte either way for a whole second, while the voice still goes both ways. */
const onlyVoiceFlows = (pages: Page[]) =>
  untilTraffic(
    pages,
    (a, b) => b.videoSent === a.videoSent && b.videoReceived === a.videoReceived && b.audioSent > a.audioSent && b.audioReceived > a.audioReceived,
    'voice only, no video either way',
  );

/** The remote <video> presents new frames (requestVideoFrameCallback fires only for painted video frames). */
async function presentsFrames(video: Locator, frames = 5) {
  await video.evaluate(
    (v: HTMLVideoElement, n) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fewer than ${n} video frames in 20 s`)), 20_000);
        let seen = 0;
        const onFrame = () => {
          if (++seen >= n && v.videoWidth > 0) {
            clearTimeout(timer);
            resolve();
          } else v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
      }),
    frames,
  );
}

/** What a person sees at the middle of the remote picture: the video itself, or something covering it (and its text). */
const atMiddleOf = (video: Locator) =>
  video.evaluate((v: HTMLVideoElement) => {
    const r = v.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    // The covering element: the outermost ancestor of the hit that is not also around the video.
    let cover = hit;
    while (cover?.parentElement && !cover.parentElement.contains(v)) cover = cover.parentElement;
    return { isVideo: hit === v, text: cover?.textContent ?? '' };
  });

/** The call page's region, named "Call with X" / "与 X 通话". */
const callRegion = (page: Page, name: string) => page.getByRole('main', { name });

/** One side of a call in the test: its page, its call region and the words its language uses. */
interface Side {
  page: Page;
  call: Locator;
  remote: string;
  you: string;
  voiceOnly: string;
  audioOnly: string;
  backToVideo: string;
  switchCamera: string;
}

/** What the remote <video> plays: live audio tracks, and live video tracks that are not muted (frames arriving). */
const remoteTracks = (video: Locator) =>
  video.evaluate((v: HTMLVideoElement) => {
    const stream = v.srcObject as MediaStream | null;
    return {
      audio: (stream?.getAudioTracks() ?? []).filter((t) => t.readyState === 'live').length,
      video: (stream?.getVideoTracks() ?? []).filter((t) => t.readyState === 'live' && !t.muted).length,
      paused: v.paused,
    };
  });

/** Both sides see the other's moving picture, hear them, and video bytes go both ways; no "voice only" sign. */
async function expectVideoBothWays(sides: Side[]) {
  await Promise.all(sides.map((s) => presentsFrames(s.call.getByLabel(s.remote, { exact: true }))));
  await videoFlowsBothWays(sides.map((s) => s.page));
  for (const s of sides) {
    const remote = s.call.getByLabel(s.remote, { exact: true });
    await waitFor(async () => (await s.call.getByText(s.voiceOnly, { exact: true }).count()) === 0, 5000, `the "${s.voiceOnly}" sign to go`);
    expect(await atMiddleOf(remote), s.remote).toMatchObject({ isVideo: true });
    // The voice plays through the same element: it must still be there.
    expect(await remoteTracks(remote), s.remote).toMatchObject({ audio: 1, video: 1, paused: false });
    await s.call.getByRole('button', { name: s.audioOnly }).waitFor();
    await s.call.getByLabel(s.you, { exact: true }).waitFor();
  }
}

/**
 * Both sides show "voice only" over the picture (not a frozen frame), offer the way back and no camera controls,
 * and no video flows either way any more: not one video byte sent or received for a whole second, while the
 * voice still goes both ways and still plays. (Whether the video left the connection by renegotiation or by
 * sending no track is the client's choice; the wire is what a weak link feels.)
 */
async function expectVoiceOnlyBothWays(sides: Side[]) {
  for (const s of sides) {
    await s.call.getByText(s.voiceOnly, { exact: true }).first().waitFor();
    expect(await atMiddleOf(s.call.getByLabel(s.remote, { exact: true })), s.remote).toMatchObject({ isVideo: false, text: expect.stringContaining(s.voiceOnly) });
    await s.call.getByRole('button', { name: s.backToVideo }).waitFor();
    expect(await s.call.getByRole('button', { name: s.switchCamera }).count()).toBe(0);
    expect(await s.call.getByLabel(s.you, { exact: true }).count()).toBe(0);
  }
  await onlyVoiceFlows(sides.map((s) => s.page));
  // The voice plays through the remote <video> element: it must still be there.
  for (const s of sides) expect(await remoteTracks(s.call.getByLabel(s.remote, { exact: true })), s.remote).toMatchObject({ audio: 1, paused: false });
}

const english = (page: Page, peer: string): Side => ({
  page,
  call: callRegion(page, `Call with ${peer}`),
  remote: 'The other side',
  you: 'You',
  voiceOnly: 'Voice only',
  audioOnly: 'Audio only (weak connection)',
  backToVideo: 'Back to video',
  switchCamera: 'Switch camera',
});
const chinese = (page: Page, peer: string): Side => ({
  page,
  call: callRegion(page, `与 ${peer} 通话`),
  remote: '对方画面',
  you: '我',
  voiceOnly: '仅语音',
  audioOnly: '仅语音（网络差时）',
  backToVideo: '恢复视频',
  switchCamera: '切换摄像头',
});

describe('call controls in the browser', () => {
  it('audio only stops video both ways with a "voice only" sign and back to video restores it, from either side; the call timer (desktop en ↔ phone zh-CN)', async () => {
    const org = await signIn(env.d.orgA.user.email, desktop);
    const alice = await signIn(env.d.alice.user.email, phone);
    await org.getByRole('link', { name: 'Video', exact: true }).click();
    await org.getByRole('button', { name: 'Video call Alice' }).click();
    const dialog = alice.getByRole('alertdialog');
    await dialog.getByText('OrgA 给你打视频电话').waitFor();
    await dialog.getByRole('button', { name: '接听' }).click();

    const orgSide = english(org, 'Alice');
    const aliceSide = chinese(alice, 'OrgA');
    const sides = [orgSide, aliceSide];
    await expectVideoBothWays(sides);
    await orgSide.call.getByRole('status').filter({ hasText: 'In call' }).waitFor();
    // This browser's fake capture has a single camera: no "switch camera" is offered that could do nothing.
    for (const s of sides) expect(await s.call.getByRole('button', { name: s.switchCamera }).count()).toBe(0);

    // The timer shows once connected, and advances.
    const orgTimer = orgSide.call.getByRole('timer', { name: /^Call time \d\d:\d\d$/ });
    const aliceTimer = aliceSide.call.getByRole('timer', { name: /^通话时长 \d\d:\d\d$/ });
    await Promise.all([orgTimer.waitFor(), aliceTimer.waitFor()]);
    const shown = await orgTimer.textContent();
    expect(shown).toMatch(/^\d\d:\d\d$/);
    await waitFor(async () => (await orgTimer.textContent()) !== shown, 3000, 'the timer to advance');
    expect((await orgTimer.textContent())! > shown!).toBe(true);

    // Audio only, chosen on the desktop; back to video, asked for on the phone.
    await orgSide.call.getByRole('button', { name: orgSide.audioOnly }).click();
    await expectVoiceOnlyBothWays(sides);
    await aliceSide.call.getByRole('button', { name: aliceSide.backToVideo }).click();
    await expectVideoBothWays(sides);

    // Once more the other way round: audio only from the phone, back to video from the desktop.
    await aliceSide.call.getByRole('button', { name: aliceSide.audioOnly }).click();
    await expectVoiceOnlyBothWays(sides);
    await orgSide.call.getByRole('button', { name: orgSide.backToVideo }).click();
    await expectVideoBothWays(sides);

    await orgSide.call.getByRole('button', { name: 'Hang up' }).click();
    await aliceSide.call.getByText(/通话已结束/).waitFor();
    // The timer is gone with the call.
    expect(await orgTimer.count()).toBe(0);
  });

  it('with two cameras, the camera switch puts the other camera into the call, back and forth, and audio only still works after it (desktop en ↔ phone zh-CN)', async () => {
    const twoCameras = await launchTwoCameraChromium();
    try {
      const alice = await signIn(env.d.alice.user.email, desktop);
      const amy = await signIn(env.d.amy.user.email, phone, twoCameras, hideDepthCamera);
      await alice.getByRole('link', { name: 'Video', exact: true }).click();
      await alice.getByRole('button', { name: 'Video call Amy' }).click();
      await amy.getByRole('alertdialog').getByRole('button', { name: '接听' }).click();
      const aliceSide = english(alice, 'Amy');
      const amySide = chinese(amy, 'Alice');
      const sides = [aliceSide, amySide];
      await expectVideoBothWays(sides);
      // Alice's browser has one camera, Amy's phone two: only Amy is offered the switch.
      expect(await aliceSide.call.getByRole('button', { name: aliceSide.switchCamera }).count()).toBe(0);

      // Front → back → front: each time the other camera's track is the one sent (the old one released),
      // and the other side keeps seeing a moving picture.
      const self = amySide.call.getByLabel(amySide.you, { exact: true });
      const ownCamera = () =>
        self.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks().map((t) => ({ id: t.id, state: t.readyState, device: t.getSettings().deviceId })));
      const sentTracks = () =>
        amy.evaluate(() =>
          ((window as any).__ksPeers as RTCPeerConnection[])
            .filter((pc) => pc.connectionState !== 'closed')
            .flatMap((pc) => pc.getSenders())
            .flatMap((s) => (s.track?.kind === 'video' && s.track.readyState === 'live' ? [s.track.id] : [])),
        );
      const devices: string[] = [];
      for (const time of [1, 2]) {
        const [before] = await ownCamera();
        expect(before.state).toBe('live');
        devices.push(before.device!);
        await amySide.call.getByRole('button', { name: amySide.switchCamera }).click();
        await waitFor(async () => (await ownCamera())[0]?.id !== before.id, 5000, `a new camera track (switch ${time})`);
        const now = await ownCamera();
        expect(now).toHaveLength(1);
        expect(now[0].state).toBe('live');
        expect(now[0].device, 'the other camera').not.toBe(before.device);
        expect(await sentTracks()).toEqual([now[0].id]);
        await expectVideoBothWays(sides);
      }
      expect((await ownCamera())[0].device, 'back to the first camera').toBe(devices[0]);

      // Audio only after a switch still takes the video out of the call both ways, and video comes back.
      await amySide.call.getByRole('button', { name: amySide.audioOnly }).click();
      await expectVoiceOnlyBothWays(sides);
      await amySide.call.getByRole('button', { name: amySide.backToVideo }).click();
      await expectVideoBothWays(sides);
      await amySide.call.getByRole('button', { name: '挂断' }).click();
      await aliceSide.call.getByText(/Call ended/).waitFor();
    } finally {
      await Promise.all(opened.splice(0).map((p) => p.context().close()));
      await twoCameras.close();
    }
  });

  it('a voice call from the voice button sends and shows no video; the voice-only view shows (phone zh-CN → desktop en)', async () => {
    const amy = await signIn(env.d.amy.user.email, phone);
    const org = await signIn(env.d.orgA.user.email, desktop);
    await amy.getByRole('link', { name: '视频', exact: true }).click();
    await amy.getByRole('button', { name: '给 OrgA 打语音电话' }).click();
    const amyCall = callRegion(amy, '与 OrgA 通话');
    await amyCall.getByText('仅语音', { exact: true }).first().waitFor();
    // Not even my own camera is opened for a voice call.
    expect(await amyCall.getByLabel('我', { exact: true }).count()).toBe(0);

    const dialog = org.getByRole('alertdialog');
    await dialog.getByText('Amy is voice calling you').waitFor();
    await dialog.getByRole('button', { name: 'Accept' }).click();
    const orgCall = callRegion(org, 'Call with Amy');
    await orgCall.getByRole('status').filter({ hasText: 'In call' }).waitFor();
    await amyCall.getByRole('status').filter({ hasText: '通话中' }).waitFor();
    await orgCall.getByRole('timer', { name: /^Call time / }).waitFor();

    const [amyFlow, orgFlow] = await onlyVoiceFlows([amy, org]);
    expect(amyFlow).toMatchObject({ videoSent: 0, videoReceived: 0 });
    expect(orgFlow).toMatchObject({ videoSent: 0, videoReceived: 0 });
    for (const [page, region, sign] of [[amy, amyCall, '仅语音'], [org, orgCall, 'Voice only']] as const) {
      expect(await region.getByText(sign, { exact: true }).count()).toBeGreaterThan(0);
      expect((await atMiddleOf(region.getByLabel(page === org ? 'The other side' : '对方画面'))).text).toContain(sign);
    }
    expect(await orgCall.getByLabel('You', { exact: true }).count()).toBe(0);
    expect(await orgCall.getByRole('button', { name: 'Switch camera' }).count()).toBe(0);

    await amyCall.getByRole('button', { name: '挂断' }).click();
    await orgCall.getByText(/Call ended/).waitFor();
  });

  it('calling someone who is not signed in says at once that they are offline (phone zh-CN and desktop en)', async () => {
    const amy = await signIn(env.d.amy.user.email, phone);
    await amy.getByRole('link', { name: '视频', exact: true }).click();
    const card = amy.getByRole('listitem').filter({ hasText: 'GenOrg' });
    await card.getByText('不在线：打过去会留下未接来电').waitFor();
    const t0 = Date.now();
    await card.getByRole('button', { name: '视频通话：GenOrg' }).click();
    const amyCall = callRegion(amy, '与 GenOrg 通话');
    await amyCall.getByRole('status').filter({ hasText: 'GenOrg 现在不在线，会收到未接来电提醒' }).waitFor({ timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    await amyCall.getByRole('button', { name: '挂断' }).click();
    await amyCall.getByText(/通话已结束/).waitFor();

    const org = await signIn(env.d.orgA.user.email, desktop);
    await org.getByRole('link', { name: 'Video', exact: true }).click();
    const t1 = Date.now();
    await org.getByRole('button', { name: 'Voice call GenOrg' }).click();
    const orgCall = callRegion(org, 'Call with GenOrg');
    await orgCall.getByRole('status').filter({ hasText: 'GenOrg is not online now; they will see a missed call' }).waitFor({ timeout: 5000 });
    expect(Date.now() - t1).toBeLessThan(5000);
    await orgCall.getByRole('button', { name: 'Hang up' }).click();
    await orgCall.getByText(/Call ended/).waitFor();
  });

  it('the call log is said from the reader’s side: "you declined" for me, "they declined" for the caller (phone zh-CN → desktop en)', async () => {
    const orgB = await signIn(env.d.orgB.user.email, phone);
    const bob = await signIn(env.d.bob.user.email, desktop);
    await orgB.getByRole('link', { name: '视频', exact: true }).click();
    await orgB.getByRole('button', { name: '视频通话：Bob' }).click();
    const dialog = bob.getByRole('alertdialog');
    await dialog.getByText('OrgB is video calling you').waitFor();
    await dialog.getByRole('button', { name: 'Decline' }).click();
    await dialog.waitFor({ state: 'detached' });

    const orgBCall = callRegion(orgB, '与 Bob 通话');
    await orgBCall.getByRole('status').filter({ hasText: '通话已结束 · 对方拒绝了' }).waitFor();
    await orgBCall.getByRole('button', { name: '返回' }).click();
    await orgB.getByRole('heading', { name: '通话记录' }).waitFor();
    const orgBEntry = orgB.getByRole('listitem').filter({ hasText: '打给 Bob' });
    await orgBEntry.getByText(/对方拒接/).waitFor();
    expect(await orgBEntry.getByText(/你拒接了/).count()).toBe(0);

    await bob.getByRole('link', { name: 'Video', exact: true }).click();
    await bob.getByRole('heading', { name: 'Call log' }).waitFor();
    const bobEntry = bob.getByRole('listitem').filter({ hasText: 'From OrgB' });
    await bobEntry.getByText(/You declined/).waitFor();
    expect(await bobEntry.getByText(/They declined/).count()).toBe(0);
  });

  it('a guest link made on the desktop shows a QR code of the link and shares it; the guest’s call fills a 360×740 phone (en → zh-CN)', async () => {
    const amy = await signIn(env.d.amy.user.email, withClipboard(desktop));
    await amy.getByRole('link', { name: 'Video', exact: true }).click();
    await amy.getByLabel('Who is it for (e.g. Mum)').fill('Mum');
    await amy.getByRole('button', { name: 'Create link' }).click();

    const url = await amy.getByRole('textbox', { name: 'Link for Mum' }).inputValue();
    expect(url).toMatch(/^https?:\/\/.+/);
    const qr = amy.getByRole('img', { name: 'QR code of the link for Mum' });
    await expectQrOf(qr, url);
    // The QR code can be folded away and shown again.
    const qrToggle = amy.getByRole('button', { name: 'QR code', exact: true });
    expect(await qrToggle.getAttribute('aria-expanded')).toBe('true');
    await qrToggle.click();
    await qr.waitFor({ state: 'detached' });
    await qrToggle.click();
    await expectQrOf(qr, url);

    // Sharing (no share sheet in this browser) copies the link and says so.
    await amy.getByRole('button', { name: 'Share the link' }).click();
    await amy.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
    expect(await amy.evaluate(() => navigator.clipboard.readText())).toBe(url);

    // The guest, on a phone in Chinese, calls from the link.
    const mum = await newPage(phone);
    await mum.goto(url.replace(/^https?:\/\/[^/]+/, env.server.url));
    await mum.getByText('你好，Mum！').waitFor();
    await mum.getByRole('button', { name: '呼叫Amy' }).click();
    await amy.getByRole('alertdialog').getByText('Mum is video calling you').waitFor();
    await amy.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    const mumCall = callRegion(mum, '与 Amy 通话');
    await Promise.all([presentsFrames(mumCall.getByLabel('对方画面')), presentsFrames(amy.getByLabel('The other side'))]);

    // The call takes the whole phone screen, the picture most of it, and nothing scrolls off.
    const area = (await mumCall.boundingBox())!;
    expect(area.y).toBeLessThanOrEqual(1);
    expect(area.height).toBeGreaterThanOrEqual(740 * 0.95);
    expect(area.y + area.height).toBeLessThanOrEqual(741);
    const picture = (await mumCall.getByLabel('对方画面').boundingBox())!;
    expect(picture.height).toBeGreaterThanOrEqual(740 * 0.5);
    const hangUp = (await mumCall.getByRole('button', { name: '挂断' }).boundingBox())!;
    expect(hangUp.y + hangUp.height).toBeLessThanOrEqual(740);
    expect(await mum.evaluate(() => document.scrollingElement!.scrollHeight)).toBeLessThanOrEqual(740);

    await mumCall.getByRole('button', { name: '挂断' }).click();
    await amy.getByText(/Call ended/).waitFor();
  });

  it('a guest link made on a phone shows its QR code within the screen and a share control (zh-CN, 360×740)', async () => {
    const alice = await signIn(env.d.alice.user.email, withClipboard(phone));
    await alice.getByRole('link', { name: '视频', exact: true }).click();
    await alice.getByLabel('给谁用（例如：妈妈）').fill('妈妈');
    await alice.getByRole('button', { name: '生成链接' }).click();
    const url = await alice.getByRole('textbox', { name: '给 妈妈 的链接' }).inputValue();
    const qr = alice.getByRole('img', { name: '妈妈 的通话链接二维码' });
    await expectQrOf(qr, url);
    await qr.scrollIntoViewIfNeeded();
    const box = (await qr.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);

    await alice.getByRole('button', { name: '分享链接' }).click();
    await alice.getByRole('status').filter({ hasText: '链接已复制' }).waitFor();
    expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(url);
  });
});

/**
 * The image is a QR code of exactly `url`: its modules, read off the pixels, equal those of a QR code of the url
 * at one of the four error-correction levels.
 */
async function expectQrOf(img: Locator, url: string) {
  await waitFor(async () => (await img.evaluate((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0).catch(() => false)), 5000, 'the QR image');
  const read = await img.evaluate((el: HTMLImageElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = el.naturalWidth;
    canvas.height = el.naturalHeight;
    const g = canvas.getContext('2d')!;
    g.drawImage(el, 0, 0);
    const { data, width } = g.getImageData(0, 0, canvas.width, canvas.height);
    const dark = (x: number, y: number) => data[(Math.floor(y) * width + Math.floor(x)) * 4] < 128;
    // The top-left finder pattern: its first dark pixel is the quiet zone's end; it is 7 modules wide.
    let start = 0;
    while (start < width && !dark(start, start)) start++;
    let end = start;
    while (end < width && dark(end, start)) end++;
    const cell = (end - start) / 7;
    const count = Math.round((width - 2 * start) / cell);
    const rows: string[] = [];
    for (let r = 0; r < count; r++) {
      let row = '';
      for (let c = 0; c < count; c++) row += dark(start + (c + 0.5) * cell, start + (r + 0.5) * cell) ? '1' : '0';
      rows.push(row);
    }
    return rows;
  });
  const expected = (['L', 'M', 'Q', 'H'] as const).map((level) => {
    const code = qrcode(0, level);
    code.addData(url, 'Byte');
    code.make();
    const n = code.getModuleCount();
    return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (code.isDark(r, c) ? '1' : '0')).join(''));
  });
  expect(expected.some((rows) => rows.join('\n') === read.join('\n'))).toBe(true);
}
