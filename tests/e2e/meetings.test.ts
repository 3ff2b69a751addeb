import { describe, expect, it } from 'vitest';
import { useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';

const env = useBrowserServer();
const phone = (locale: string) => ({ locale, viewport: { width: 360, height: 800 } });

describe('open meetings in the browser', () => {
  it('one member signs up and the other sees the seats drop live; the organizer checks them in', async () => {
    const created = await api(env.server.url, 'POST', '/api/meetings', {
      token: env.d.orgA.token,
      body: { title: '物价圆桌会 Prices round table', topic: 'prices', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 3, openTo: 'all', hostOrgId: env.d.branchA.id, location: 'Community hall' },
    });
    const meetingId = created.body.meeting.id;

    const alice = await env.signIn(env.d.alice.user.email, phone('en-GB'));
    const bob = await env.signIn(env.d.bob.user.email, phone('zh-CN'));

    // Bob finds it through the list; Alice opens it directly.
    await bob.getByRole('link', { name: '会议' }).click();
    await bob.getByRole('link', { name: /物价圆桌会/ }).click();
    await bob.getByTestId('seats').filter({ hasText: '剩余 3 / 3 个名额' }).waitFor();
    await alice.goto(`${env.server.url}/#/meetings/${meetingId}`);
    await alice.getByTestId('seats').filter({ hasText: '3 of 3 seats left' }).waitFor();

    await alice.getByRole('button', { name: 'Sign up' }).click();
    await alice.getByText('You have a seat').waitFor();
    await alice.getByText(/Check-in code: [A-Z2-9]{6}/).waitFor();
    // Bob's page changes without a reload.
    await bob.getByTestId('seats').filter({ hasText: '剩余 2 / 3 个名额' }).waitFor();

    await bob.getByRole('button', { name: '报名' }).click();
    await bob.getByText('你已报名成功').waitFor();
    await alice.getByTestId('seats').filter({ hasText: '1 of 3 seats left' }).waitFor();

    // The organizer marks Alice present at the door.
    const organizer = await env.signIn(env.d.orgA.user.email, phone('en-GB'));
    await organizer.goto(`${env.server.url}/#/meetings/${meetingId}`);
    await organizer.getByRole('button', { name: 'Check in Alice' }).click();
    await organizer.getByText('Alice is checked in').waitFor();
    const signups = await api(env.server.url, 'GET', `/api/meetings/${meetingId}/signups`, { token: env.d.orgA.token });
    expect(signups.body.signups.find((s: { user: { id: number } }) => s.user.id === env.d.alice.user.id).status).toBe('attended');

    // A seat holder can enter the meeting's live room from the meeting page.
    await bob.getByRole('link', { name: '进入会议室' }).click();
    await bob.getByLabel('写消息').fill('大家好');
    await bob.keyboard.press('Enter');
    await bob.getByRole('log').locator('.msg:not(.pending)', { hasText: '大家好' }).waitFor();
    // Shown once, as sent: never a second, pending copy beside the stored one.
    await expect.poll(() => bob.locator('[data-pending]').count(), { timeout: 10_000 }).toBe(0);
    expect(await bob.getByRole('log').getByText('大家好').count()).toBe(1);
  });
});
