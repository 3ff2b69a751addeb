import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { publicZhCN } from '../../client/src/i18n/public/zh-CN';
import { zhCN } from '../../client/src/i18n/zh-CN';
import type { Meeting } from '../../server/contract/model';
import { DESKTOP_EN, fill, go, PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { api, connect, ok } from '../helpers/clients';

/**
 * A meeting open to the public, on a phone without an account: a visitor opens the link a member passed on,
 * registers with a name and a phone number, lands on the registration's own page (waiting list, as the one
 * place went to a member), moves up when the member cancels, shows the check-in code; the organizer sees the
 * visitor's name and contact among the sign-ups and checks the visitor in by that code; the visitor's page says so.
 */
const env = useBrowserServer();
const zh = { ...zhCN, ...publicZhCN };

describe('a meeting open to the public', () => {
  it('a visitor registers without an account on a phone, waits, moves up, and is checked in by the organizer', async () => {
    const { d, server } = env;
    const title = `拆迁安置圆桌会：居民、住建办一起谈 ${Date.now().toString(36)}`;
    const { body } = await api<{ meeting: Meeting }>(server.url, 'POST', '/api/meetings', {
      token: d.orgA.token,
      body: { hostOrgId: d.branchA.id, title, description: '社区邀请住建、拆迁办和居民代表一起讨论安置方案。', startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), location: '社区党群服务中心二楼', capacity: 1, openTo: 'public' },
    });
    const meeting = body.meeting;
    expect(meeting.openTo).toBe('public');
    const amy = await connect(server.url, { token: d.amy.token });
    await ok(amy, 'meeting:signup', { meetingId: meeting.id });

    // The member's page shows the public link to pass on.
    const member = await env.open(d.alice, PHONE_ZH);
    await go(member, `/meetings/${meeting.id}`);
    const link = await member.getByTestId('public-link').getAttribute('href');
    expect(link).toContain(`#/public/meetings/${meeting.id}`);
    await member.context().close();

    const visitor = await env.newPage(PHONE_ZH);
    visitor.setDefaultTimeout(10_000);
    try {
      await visitor.goto(link!);
      await visitor.getByRole('heading', { level: 1, name: title }).waitFor();
      await visitor.getByText(zh['public.full']).waitFor();
      const form = visitor.getByRole('form', { name: zh['public.register'] });
      await form.getByLabel(zh['public.name']).fill('王大妈');
      await form.getByLabel(zh['public.contact']).fill('13800138000');
      await form.getByRole('button', { name: zh['public.submit'] }).click();
      await visitor.waitForURL(/#\/public\/registrations\/[A-Za-z0-9]{8,}$/);
      const status = visitor.getByTestId('registration-status');
      await status.filter({ hasText: fill(zh['public.waitlisted'], { position: 1 }) }).waitFor();
      expect(await visitor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

      // The member gives the place up: the visitor, back on the page, holds it, with a check-in code.
      await ok(amy, 'meeting:cancel', { meetingId: meeting.id });
      await visitor.reload();
      await status.filter({ hasText: zh['public.confirmed'] }).waitFor();
      const code = (await visitor.getByTestId('checkin-code').innerText()).trim();
      expect(code.length).toBeGreaterThanOrEqual(6);
      // The meeting's page remembers the registration on this phone.
      await visitor.getByRole('link', { name: title }).click();
      await visitor.getByRole('link', { name: zh['public.yours'] }).waitFor();

      // The organizer sees the visitor's name and contact, and checks in by the code.
      const organizer = await env.open(d.orgA, DESKTOP_EN);
      try {
        await go(organizer, `/meetings/${meeting.id}`);
        const row = organizer.locator('ol.signups > li').filter({ hasText: '王大妈' });
        await row.getByText('13800138000').waitFor();
        await organizer.getByLabel(en['meeting.codeLabel']).fill(code);
        await organizer.getByRole('button', { name: en['meeting.codeSubmit'], exact: true }).click();
        await organizer.getByRole('status').filter({ hasText: fill(en['meeting.checkedIn'], { name: '王大妈' }) }).waitFor();
      } finally {
        await organizer.context().close();
      }
      await visitor.getByRole('link', { name: zh['public.yours'] }).click();
      await status.filter({ hasText: zh['public.attended'] }).waitFor();
    } finally {
      amy.close();
      await visitor.context().close();
    }
  });
});
