import { readFile } from 'node:fs/promises';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Org, User } from '../../server/contract/model';
import { useBrowserServer } from '../helpers/browser';
import { api, waitFor } from '../helpers/clients';

const env = useBrowserServer();
const desktop: BrowserContextOptions = { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } };
const phone: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 740 } };

/** Signs in through the login form with any password (the helper's signIn knows only the district's). */
async function signInWith(email: string, password: string, options: BrowserContextOptions): Promise<Page> {
  const page = await (await env.browser.newContext(options)).newPage();
  await page.goto(env.server.url);
  await page.getByLabel(/Email|邮箱/).fill(email);
  await page.getByLabel(/Password|密码/).fill(password);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
  await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor();
  return page;
}

/** A failure is shown once, in the error style (red, announced), in the reader's language. */
async function expectError(page: Page, text: string) {
  const alert = page.getByRole('alert').filter({ hasText: text });
  await alert.waitFor();
  expect(await alert.getAttribute('class')).toMatch(/\berror\b/);
}

/** A success line (announced politely, not in the error style). */
async function expectDone(page: Page, text: string) {
  const status = page.getByRole('status').filter({ hasText: text });
  await status.waitFor();
  expect(await status.getAttribute('class')).toMatch(/\bsuccess\b/);
}

/** Nothing on the page runs past the right edge of a 360 px screen. */
async function expectFits(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what}: page is ${width}px wide`).toBeLessThanOrEqual(360);
}

/** The innermost item of the tree that holds the unit's own row (its subtree is inside it). */
const unitItem = (tree: Locator, name: string) => {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return tree.getByRole('listitem').filter({ has: tree.page().getByRole('button', { name: new RegExp(`^(Organizers of ${n}|${n} 的组织员)$`) }) }).last();
};

const orgsNow = async (): Promise<Org[]> => (await api(env.server.url, 'GET', '/api/orgs?limit=200', { token: env.d.admin.token })).body.orgs;
const orgByName = async (name: string) => (await orgsNow()).find((o) => o.name === name)!;
const organizersOf = async (orgId: number): Promise<string[]> =>
  (await api(env.server.url, 'GET', `/api/orgs/${orgId}/organizers`, { token: env.d.admin.token })).body.organizers.map((o: { name: string }) => o.name);
const member = async (id: number): Promise<User> => (await api(env.server.url, 'GET', `/api/members/${id}`, { token: env.d.admin.token })).body.user;
const membersUnder = async (orgId: number, token = env.d.admin.token): Promise<User[]> =>
  (await api(env.server.url, 'GET', `/api/members?orgId=${orgId}&limit=200`, { token })).body.members;

describe('the admin console in the browser', () => {
  it('the admin (desktop, English) is offered every room and builds the org tree: add, rename, move a subtree, organizers, refusals', async () => {
    const { d } = env;
    const page = await env.signIn(d.admin.user.email, desktop);

    // Every unit's room is offered, and the console.
    const rooms = page.getByRole('navigation', { name: 'Rooms' });
    for (const unit of [d.committee, d.general, d.branchA, d.branchB]) await rooms.getByRole('link', { name: unit.name, exact: true }).waitFor();
    expect(await page.getByText('You have no chat rooms yet.').count()).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Manage' }).waitFor();
    await page.getByRole('navigation', { name: 'Manage' }).getByRole('link', { name: 'Organization tree' }).click();
    await page.waitForURL(/#\/admin\/orgs$/);

    const tree = page.getByRole('list', { name: 'Organization tree' });
    for (const unit of [d.committee, d.general, d.branchA, d.branchB]) await tree.getByText(unit.name, { exact: true }).waitFor();
    // The branches sit inside the general branch, inside the committee.
    await unitItem(tree, d.general.name).getByText(d.branchB.name, { exact: true }).waitFor();

    // Add units under others: a committee under the committee, a general branch beside it, a branch under that.
    const add = async (parent: string, name: string, kind: string) => {
      await tree.getByRole('button', { name: `Add a unit under ${parent}`, exact: true }).click();
      await tree.getByLabel('Name', { exact: true }).fill(name);
      await tree.getByRole('combobox', { name: 'Kind', exact: true }).selectOption({ label: kind });
      await tree.getByRole('button', { name: 'Add', exact: true }).click();
      await expectDone(page, `${name} added`);
      await unitItem(tree, parent).getByText(name, { exact: true }).waitFor();
      // The form closed itself.
      expect(await tree.getByRole('button', { name: `Add a unit under ${parent}`, exact: true }).getAttribute('aria-expanded')).toBe('false');
      await page.locator('.notice').getByRole('button', { name: 'Dismiss' }).click();
    };
    await add(d.committee.name, 'North committee', 'committee');
    await add(d.committee.name, 'East general branch', 'general branch');
    await add('East general branch', 'East branch', 'branch');
    // A branch holds no units: it is not offered "Add".
    expect(await tree.getByRole('button', { name: 'Add a unit under East branch' }).count()).toBe(0);

    // Rename.
    await tree.getByRole('button', { name: 'Rename East branch', exact: true }).click();
    await tree.getByLabel('Name', { exact: true }).fill('Harbour branch');
    await tree.getByRole('button', { name: 'Save' }).click();
    await expectDone(page, 'Renamed');
    await tree.getByText('Harbour branch', { exact: true }).waitFor();
    expect(await tree.getByText('East branch', { exact: true }).count()).toBe(0);

    // Move the general branch (with its branch) under the new committee.
    await tree.getByRole('button', { name: 'Move East general branch', exact: true }).click();
    const moveUnder = tree.getByRole('combobox', { name: 'Move under', exact: true });
    // A general branch is not offered a place under a branch.
    expect(await moveUnder.locator('option', { hasText: d.branchA.name }).count()).toBe(0);
    await moveUnder.selectOption({ label: 'North committee' });
    await tree.getByRole('button', { name: 'Move', exact: true }).click();
    await expectDone(page, 'Moved');
    await unitItem(tree, 'North committee').getByText('East general branch', { exact: true }).waitFor();
    await unitItem(tree, 'North committee').getByText('Harbour branch', { exact: true }).waitFor();
    const north = await orgByName('North committee');
    const east = await orgByName('East general branch');
    expect(east.parentId).toBe(north.id);
    expect((await orgByName('Harbour branch')).parentId).toBe(east.id);
    expect(north.parentId).toBe(d.committee.id);

    // Refusals, in the error style and in English (not the server's words):
    // an empty name,
    await tree.getByRole('button', { name: 'Rename Harbour branch', exact: true }).click();
    await tree.getByLabel('Name', { exact: true }).fill('   ');
    await tree.getByRole('button', { name: 'Save' }).click();
    await expectError(page, 'That is not valid');
    expect((await orgByName('Harbour branch')).kind).toBe('branch');
    await tree.getByRole('button', { name: 'Rename Harbour branch', exact: true }).click();
    // and a move the rules refuse: meanwhile someone else put a new top committee under North committee,
    // so moving North committee under it (still offered by this page's older view) would make a loop.
    await page.getByRole('region', { name: 'Add a top unit (committee)' }).getByLabel('Name', { exact: true }).fill('South committee');
    await page.getByRole('region', { name: 'Add a top unit (committee)' }).getByRole('button', { name: 'Add' }).click();
    await expectDone(page, 'South committee added');
    await tree.getByText('South committee', { exact: true }).waitFor();
    const south = await orgByName('South committee');
    expect((await api(env.server.url, 'PATCH', `/api/orgs/${south.id}`, { token: d.admin.token, body: { parentId: north.id } })).status).toBe(200);
    await tree.getByRole('button', { name: 'Move North committee', exact: true }).click();
    await tree.getByRole('combobox', { name: 'Move under', exact: true }).selectOption({ label: 'South committee' });
    await tree.getByRole('button', { name: 'Move', exact: true }).click();
    await expectError(page, 'That is not valid');
    expect(await page.getByText(/cannot move/).count()).toBe(0);
    expect((await orgByName('North committee')).parentId).toBe(d.committee.id);

    // Organizers: appoint one picked by name, then remove them (after a confirmation).
    await page.reload();
    await tree.getByRole('button', { name: `Organizers of ${d.branchB.name}`, exact: true }).click();
    const branchB = unitItem(tree, d.branchB.name);
    await branchB.getByText('OrgB', { exact: true }).waitFor();
    await branchB.getByRole('combobox', { name: 'Appoint as organizer', exact: true }).selectOption({ label: 'Bob' });
    await branchB.getByRole('button', { name: 'Appoint', exact: true }).click();
    await expectDone(page, `Bob now organizes ${d.branchB.name}`);
    await branchB.getByRole('button', { name: 'Remove Bob', exact: true }).waitFor();
    expect(await organizersOf(d.branchB.id)).toEqual(['Bob', 'OrgB']);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await branchB.getByRole('button', { name: 'Remove Bob', exact: true }).click();
    await waitFor(async () => (await branchB.getByRole('button', { name: 'Remove Bob' }).count()) === 0, 5000, 'Bob to leave the organizers');
    expect(asked).toBe(`Remove Bob as organizer of ${d.branchB.name}?`);
    expect(await organizersOf(d.branchB.id)).toEqual(['OrgB']);

    await page.context().close();
  });

  it('the admin (desktop, English) imports members from CSV: a per-row report of refusals, the new accounts and their passwords', async () => {
    const { d } = env;
    const page = await env.signIn(d.admin.user.email, desktop);
    await page.goto(`${env.server.url}/#/admin/members`);
    await page.getByRole('heading', { level: 2, name: 'Import members from CSV' }).waitFor();

    const tag = Math.random().toString(36).slice(2, 8);
    const lina = `lina-${tag}@test.example`;
    const csv = [
      'name,email,branch,timezone,mobile,location',
      `Lina Zhou,${lina},${d.branchA.name},Europe/Berlin,yes,Berlin`, // row 2: added
      `No Address,not-an-email,${d.branchA.name},,,`, // row 3: a bad e-mail
      `Mo Chen,mo-${tag}@test.example,${d.branchB.id},,no,`, // row 4: added (branch by id)
      `Lina Again,${lina},${d.branchB.name},,,`, // row 5: the same e-mail twice in the file
      `Nobody,nobody-${tag}@test.example,Branch Z,,,`, // row 6: no such branch
      `Alice Twin,${d.alice.user.email},${d.branchA.name},,,`, // row 7: someone already has it
    ].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '2 added, 4 rows refused' }).waitFor({ timeout: 20_000 });

    const report = page.getByRole('table', { name: 'Rows refused' });
    const rows = await report.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['3', 'not-an-email'],
      ['5', lina],
      ['6', `nobody-${tag}@test.example`],
      ['7', d.alice.user.email],
    ]);
    expect(rows[0][2]).toMatch(/e-?mail/i);
    expect(rows[1][2]).toMatch(/row 2/);
    expect(rows[2][2]).toMatch(/Branch Z/);
    expect(rows[3][2]).toMatch(/e-?mail|taken|exists|already/i);

    // The initial passwords of the new accounts are handed over once, as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download the new accounts and initial passwords/ }).click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('name,email,password');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([`Lina Zhou,${lina}`, `Mo Chen,mo-${tag}@test.example`]);
    const linaPassword = lines[1].split(',')[2];

    // The list shows the new members; their details came from the file.
    await page.getByRole('combobox', { name: 'Unit', exact: true }).selectOption({ label: d.committee.name });
    await page.getByRole('button', { name: 'Edit Lina Zhou', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit Mo Chen', exact: true }).waitFor();
    const created = (await membersUnder(d.branchA.id)).find((m) => m.email === lina)!;
    expect(created).toMatchObject({ name: 'Lina Zhou', branchId: d.branchA.id, timezone: 'Europe/Berlin', mobile: true, location: 'Berlin' });

    // Lina signs in with the password from the file and lands in her branch's room.
    const linaPage = await signInWith(lina, linaPassword, desktop);
    await linaPage.getByRole('heading', { level: 1, name: d.branchA.name }).waitFor();
    // A plain member is offered no console.
    expect(await linaPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manage' }).count()).toBe(0);
    await linaPage.context().close();
    await page.context().close();
  });

  it('the admin (phone, zh-CN) finds, adds, edits and deactivates members, and uses the tree at 360 px', async () => {
    const { d } = env;
    const page = await env.signIn(d.admin.user.email, phone);
    const tabs = page.getByRole('navigation', { name: '主导航' });

    // The chat tab lists every unit's room.
    await tabs.getByRole('link', { name: '聊天' }).click();
    const rooms = page.getByRole('navigation', { name: '聊天室' });
    for (const unit of [d.committee, d.general, d.branchA, d.branchB]) await rooms.getByRole('link', { name: unit.name, exact: true }).waitFor();
    expect(await page.getByText('你还没有可用的聊天室。').count()).toBe(0);
    await expectFits(page, 'room list');

    await tabs.getByRole('link', { name: '管理' }).click();
    await page.getByRole('heading', { level: 1, name: '管理' }).waitFor();
    await page.getByRole('combobox', { name: '单位', exact: true }).selectOption({ label: d.committee.name });
    const edit = (name: string) => page.getByRole('button', { name: `编辑 ${name}`, exact: true });
    for (const name of ['Alice', 'Amy', 'Bob', 'OrgA', 'OrgB', 'GenOrg']) await edit(name).waitFor();
    await expectFits(page, 'member list');

    // Search by name, then filter the migrant members.
    await page.getByRole('searchbox', { name: '查找' }).fill('Bob');
    await waitFor(async () => (await edit('Alice').count()) === 0, 5000, 'the search to narrow the list');
    await edit('Bob').waitFor();
    await page.getByRole('searchbox', { name: '查找' }).fill('nobody-like-this');
    await page.getByText('没有符合条件的党员。').waitFor();
    await page.getByRole('searchbox', { name: '查找' }).fill('');
    await edit('Amy').waitFor();
    await page.getByRole('combobox', { name: '流动党员', exact: true }).selectOption({ label: '流动党员' });
    await waitFor(async () => (await edit('Amy').count()) === 0, 5000, 'the filter to narrow the list');
    await edit('Alice').waitFor();
    for (const card of await page.locator('.card').all()) await card.getByText(/流动党员 · /).waitFor();
    expect(await edit('Bob').count()).toBe(0);
    await page.getByRole('combobox', { name: '流动党员', exact: true }).selectOption({ label: '本地' });
    await edit('Amy').waitFor();
    expect(await edit('Alice').count()).toBe(0);
    await page.getByRole('combobox', { name: '流动党员', exact: true }).selectOption({ label: '全部' });
    await edit('Alice').waitFor();

    // Add a member with every field.
    const tag = Math.random().toString(36).slice(2, 8);
    const email = `hong-${tag}@test.example`;
    await page.getByRole('button', { name: '添加党员', expanded: false }).click();
    const form = page.locator('form').filter({ has: page.getByLabel('初始密码') });
    await form.getByLabel('姓名').fill('陈小红');
    await form.getByLabel('邮箱').fill(email);
    await form.getByRole('combobox', { name: '所在支部', exact: true }).selectOption({ label: d.branchB.name });
    await form.getByLabel('时区').fill('Europe/Paris');
    await form.getByLabel('现在在哪里').fill('巴黎');
    await form.getByLabel('流动党员').check();
    const password = await form.getByLabel('初始密码').inputValue();
    expect(password.length).toBeGreaterThanOrEqual(8);
    await expectFits(page, 'new member form');
    await form.getByRole('button', { name: '添加党员' }).click();
    await expectDone(page, `已添加 陈小红，初始密码：${password}`);
    await edit('陈小红').waitFor();
    const hong = (await membersUnder(d.branchB.id)).find((m) => m.email === email)!;
    expect(hong).toMatchObject({ name: '陈小红', branchId: d.branchB.id, timezone: 'Europe/Paris', location: '巴黎', mobile: true });
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password } })).status).toBe(200);

    // An e-mail someone already has is refused, in Chinese, in the error style.
    await page.getByRole('button', { name: '添加党员', expanded: false }).click();
    await form.getByLabel('姓名').fill('重复的人');
    await form.getByLabel('邮箱').fill(d.alice.user.email);
    await form.getByRole('button', { name: '添加党员' }).click();
    await expectError(page, '这个邮箱已经有人用了');
    await page.getByRole('button', { name: '添加党员', expanded: true }).click();

    // Edit Amy: migrant now, in Tokyo.
    await edit('Amy').click();
    const amyCard = page.getByRole('listitem').filter({ has: edit('Amy') });
    await amyCard.getByLabel('时区').fill('Asia/Tokyo');
    await amyCard.getByLabel('现在在哪里').fill('东京');
    await amyCard.getByLabel('流动党员').check();
    await expectFits(page, 'edit form');
    await amyCard.getByRole('button', { name: '保存' }).click();
    await expectDone(page, 'Amy 的信息已保存');
    await amyCard.getByText('流动党员 · 东京 · Asia/Tokyo').waitFor();
    expect(await member(d.amy.user.id)).toMatchObject({ mobile: true, location: '东京', timezone: 'Asia/Tokyo' });

    // Deactivate 陈小红: nothing happens if the confirmation is declined; accepted, she is gone and cannot sign in.
    const deactivate = page.getByRole('button', { name: '停用 陈小红', exact: true });
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await deactivate.click();
    await waitFor(() => asked !== '', 5000, 'the confirmation');
    expect(asked).toBe('停用 陈小红 的账号？他/她会立即退出登录。');
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password } })).status).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await deactivate.click();
    await expectDone(page, '陈小红 的账号已停用');
    await waitFor(async () => (await deactivate.count()) === 0, 5000, 'the member to leave the list');
    expect((await membersUnder(d.branchB.id)).some((m) => m.email === email)).toBe(false);
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password } })).status).toBe(401);

    // The tree at 360 px: every unit, its actions, and a refusal in Chinese.
    await page.getByRole('navigation', { name: '管理' }).getByRole('link', { name: '组织架构' }).click();
    const tree = page.getByRole('list', { name: '组织架构' });
    for (const unit of [d.committee, d.general, d.branchA, d.branchB]) await tree.getByText(unit.name, { exact: true }).waitFor();
    await expectFits(page, 'org tree');
    await tree.getByRole('button', { name: `给 ${d.branchB.name} 改名`, exact: true }).click();
    await tree.getByLabel('名称', { exact: true }).fill(' ');
    await expectFits(page, 'rename form');
    await tree.getByRole('button', { name: '保存' }).click();
    await expectError(page, '内容不符合要求');
    expect((await orgByName(d.branchB.name)).id).toBe(d.branchB.id);
    await tree.getByRole('button', { name: `移动 ${d.branchB.name}`, exact: true }).click();
    await tree.getByRole('combobox', { name: '移到', exact: true }).waitFor();
    await expectFits(page, 'move form');
    await tree.getByRole('button', { name: `${d.branchB.name} 的组织员`, exact: true }).click();
    await tree.getByRole('combobox', { name: '任命为组织员', exact: true }).waitFor();
    await expectFits(page, 'organizers');
    await page.context().close();
  });

  it('an organizer of branch A (desktop, English) manages only branch A', async () => {
    const { d } = env;
    const page = await env.signIn(d.orgA.user.email, desktop);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Manage' }).waitFor();

    // Members: only branch A's, and only those under them.
    const unit = page.getByRole('combobox', { name: 'Unit', exact: true });
    await page.getByRole('button', { name: 'Edit Alice', exact: true }).waitFor();
    expect(await unit.locator('option').allTextContents()).toEqual([d.branchA.name]);
    await page.getByRole('button', { name: 'Edit Amy', exact: true }).waitFor();
    for (const other of ['Bob', 'OrgB', 'GenOrg', 'OrgA']) expect(await page.getByRole('button', { name: `Edit ${other}`, exact: true }).count()).toBe(0);
    await page.getByRole('searchbox', { name: 'Find' }).fill('Bob');
    await page.getByText('No members match.').waitFor();
    await page.getByRole('searchbox', { name: 'Find' }).fill('');
    await page.getByRole('button', { name: 'Edit Alice', exact: true }).waitFor();
    // New members go to branch A only.
    await page.getByRole('button', { name: 'Add a member' }).click();
    expect(await page.getByRole('combobox', { name: 'Branch', exact: true }).locator('option').allTextContents()).toEqual([d.branchA.name]);
    // The server agrees: branch B is not theirs.
    expect((await api(env.server.url, 'GET', `/api/members?orgId=${d.branchB.id}`, { token: d.orgA.token })).status).toBe(403);

    // The tree: their unit only, with no building tools; its organizers are shown but appointed from above.
    await page.getByRole('link', { name: 'Organization tree' }).click();
    const tree = page.getByRole('list', { name: 'Organization tree' });
    await tree.getByText(d.branchA.name, { exact: true }).waitFor();
    await page.getByText('You appoint and remove the organizers of the units below the ones you run.').waitFor();
    for (const other of [d.committee, d.general, d.branchB]) expect(await tree.getByText(other.name, { exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Rename|Move|Add a unit under) / }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Add a top unit (committee)' }).count()).toBe(0);
    const candidates = page.waitForResponse((r) => r.url().includes(`/api/members?orgId=${d.branchA.id}`));
    await tree.getByRole('button', { name: `Organizers of ${d.branchA.name}`, exact: true }).click();
    await tree.getByText('OrgA', { exact: true }).waitFor();
    await candidates;
    await page.waitForLoadState('networkidle');
    // Only the admin or an organizer above branch A appoints or removes its organizers: none of that is offered here.
    expect.soft(await tree.getByRole('combobox', { name: 'Appoint as organizer', exact: true }).count(), 'orgA is offered "Appoint" on their own unit').toBe(0);
    expect.soft(await tree.getByRole('button', { name: 'Remove OrgA' }).count(), 'orgA is offered to remove themself').toBe(0);
    await page.context().close();
  });

  it('the general branch organizer (phone, zh-CN) sees their subtree, appoints and removes a branch organizer', async () => {
    const { d } = env;
    const page = await env.signIn(d.genOrg.user.email, phone);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '管理' }).click();
    await page.getByRole('heading', { level: 1, name: '管理' }).waitFor();

    // Members: the general branch and its two branches; everyone under them, not themself.
    const unit = page.getByRole('combobox', { name: '单位', exact: true });
    await page.getByRole('button', { name: '编辑 Bob', exact: true }).waitFor();
    expect((await unit.locator('option').allTextContents()).sort()).toEqual([d.general.name, d.branchA.name, d.branchB.name].sort());
    await unit.selectOption({ label: d.general.name });
    for (const name of ['Alice', 'Amy', 'Bob', 'OrgA', 'OrgB']) await page.getByRole('button', { name: `编辑 ${name}`, exact: true }).waitFor();
    expect(await page.getByRole('button', { name: '编辑 GenOrg', exact: true }).count()).toBe(0);
    await expectFits(page, 'member list');

    // The tree from the general branch down.
    await page.getByRole('link', { name: '组织架构' }).click();
    const tree = page.getByRole('list', { name: '组织架构' });
    for (const name of [d.general.name, d.branchA.name, d.branchB.name]) await tree.getByText(name, { exact: true }).waitFor();
    expect(await tree.getByText(d.committee.name, { exact: true }).count()).toBe(0);
    await expectFits(page, 'org tree');

    // Appoint Amy (picked by name) as an organizer of branch A, then remove her.
    await tree.getByRole('button', { name: `${d.branchA.name} 的组织员`, exact: true }).click();
    const branchA = unitItem(tree, d.branchA.name);
    await branchA.getByText('OrgA', { exact: true }).waitFor();
    await branchA.getByRole('combobox', { name: '任命为组织员', exact: true }).selectOption({ label: 'Amy' });
    await expectFits(page, 'organizers');
    await branchA.getByRole('button', { name: '任命', exact: true }).click();
    await expectDone(page, '已任命 Amy');
    await branchA.getByRole('button', { name: '免去 Amy', exact: true }).waitFor();
    expect(await organizersOf(d.branchA.id)).toEqual(['Amy', 'OrgA']);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await branchA.getByRole('button', { name: '免去 Amy', exact: true }).click();
    await waitFor(async () => (await branchA.getByRole('button', { name: '免去 Amy' }).count()) === 0, 5000, 'Amy to leave the organizers');
    expect(asked).toBe(`免去 Amy 在“${d.branchA.name}”的组织员职务？`);
    expect(await organizersOf(d.branchA.id)).toEqual(['OrgA']);
    await page.context().close();
  });
});
