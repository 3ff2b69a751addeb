import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { periodOf } from '../../server/contract/time';
import { useBrowserServer } from '../helpers/browser';
import { api } from '../helpers/clients';
import type { Person } from '../helpers/district';

const env = useBrowserServer();

const phone: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 360, height: 740 } };
const desktop: BrowserContextOptions = { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } };

/** `period` moved by `months` (YYYY-MM). */
function shift(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The member's months, newest first, as the server keeps them. */
async function ledgerOf(person: Person): Promise<Array<{ period: string; paid: number; status: string }>> {
  return (await api(env.server.url, 'GET', '/api/dues/me', { token: person.token })).body.periods;
}

async function setRate(organizer: Person, member: Person, effectiveFrom: string, monthlyAmount = 5000) {
  const res = await api(env.server.url, 'PUT', `/api/dues/rates/${member.user.id}`, { token: organizer.token, body: { monthlyAmount, effectiveFrom } });
  expect(res.status).toBe(200);
}

async function paymentsOf(person: Person): Promise<unknown[]> {
  return (await api(env.server.url, 'GET', '/api/dues/me', { token: person.token })).body.payments;
}

const noticeText = async (notice: Locator) => (await notice.textContent())?.replace('×', '').trim();

/**
 * Form controls in the page's main area whose content does not fit them: a month (or date) field narrower than
 * it needs to show its value, a select narrower than its chosen option, a text field whose value or placeholder
 * is wider than its box; and labels and headings cut off.
 */
function cutOff(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const main = document.getElementById('main')!;
    const nameOf = (el: Element) => (el as HTMLInputElement).labels?.[0]?.textContent?.trim() || el.getAttribute('aria-label') || el.id || el.outerHTML.slice(0, 80);
    const canvas = document.createElement('canvas').getContext('2d')!;
    /** Width the control takes when left to size itself to its content. */
    const natural = (el: HTMLElement, prune?: (clone: HTMLElement) => void) => {
      const clone = el.cloneNode(true) as HTMLElement;
      if (clone instanceof HTMLSelectElement || clone instanceof HTMLInputElement) clone.value = (el as HTMLInputElement).value;
      prune?.(clone);
      Object.assign(clone.style, { width: 'auto', minWidth: '0', maxWidth: 'none', flex: 'none', position: 'absolute', visibility: 'hidden' });
      el.parentElement!.appendChild(clone);
      const width = clone.getBoundingClientRect().width;
      clone.remove();
      return width;
    };
    for (const el of main.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
      if (el.type === 'hidden' || el.type === 'checkbox' || el.type === 'radio') continue;
      const box = el.getBoundingClientRect().width;
      if (el instanceof HTMLSelectElement) {
        const chosen = el.selectedIndex;
        const need = natural(el, (clone) => [...(clone as HTMLSelectElement).options].forEach((o, i) => i !== chosen && o.remove()));
        if (need > box + 1) bad.push(`select "${nameOf(el)}": needs ${need}px, has ${box}px`);
      } else if (['month', 'date', 'datetime-local', 'time', 'week'].includes(el.type)) {
        const need = natural(el);
        if (need > box + 1) bad.push(`${el.type} "${nameOf(el)}": needs ${need}px, has ${box}px`);
      } else {
        const style = getComputedStyle(el);
        canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - (el.type === 'number' ? 16 : 0);
        for (const [what, text] of [['value', el.value], ['placeholder', el.placeholder]] as const) {
          if (text && canvas.measureText(text).width > room + 1) bad.push(`${what} of "${nameOf(el)}" (${text}): needs ${canvas.measureText(text).width}px, has ${room}px`);
        }
      }
      if (el.scrollWidth > el.clientWidth + 1) bad.push(`"${nameOf(el)}" scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    for (const el of main.querySelectorAll<HTMLElement>('label, h1, h2, h3, th, button, .filters')) {
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') bad.push(`${el.tagName} "${el.textContent?.trim().slice(0, 40)}" cut off`);
      const r = el.getBoundingClientRect();
      if (r.right > document.documentElement.clientWidth + 1) bad.push(`${el.tagName} "${el.textContent?.trim().slice(0, 40)}" runs past the edge`);
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}`);
    return bad;
  });
}

describe('dues pages', () => {
  it('member (360, zh-CN) is told clearly that a reused reference recorded nothing; organizer (1280, en) opens her ledger from the organizer tools and records a cash payment, shown with who recorded it', async () => {
    const { amy, orgA } = env.d;
    const now = periodOf(Date.now(), amy.user.timezone);
    const [older, last] = [shift(now, -2), shift(now, -1)];
    await setRate(orgA, amy, older);

    const member = await env.signIn(amy.user.email, phone);
    await member.getByRole('link', { name: /^党费/ }).click();
    await member.getByRole('heading', { level: 1, name: '党费' }).waitFor();
    await member.getByRole('row', { name: new RegExp(older) }).getByText('逾期').waitFor();

    // A first payment with a reference.
    await member.getByLabel('月份', { exact: true }).selectOption(older);
    await member.getByLabel('转账或支付凭证号').fill('WX-2026-000777');
    await member.getByRole('button', { name: '登记', exact: true }).click();
    const recorded = member.getByRole('status').filter({ hasText: `已登记：${older}` });
    await recorded.waitFor();
    expect(await recorded.getAttribute('class')).toMatch(/\bsuccess\b/);
    await member.getByRole('row', { name: new RegExp(older) }).getByText('已交').waitFor();

    // The same reference for another month: said to be a duplicate (naming what was recorded then), nothing new recorded.
    await member.getByLabel('月份', { exact: true }).selectOption(last);
    await member.getByLabel('转账或支付凭证号').fill('WX-2026-000777');
    await member.getByRole('button', { name: '登记', exact: true }).click();
    const duplicate = member.locator('.notice').filter({ hasText: '这个单号已经登记过' });
    await duplicate.waitFor();
    expect(await noticeText(duplicate)).toMatch(new RegExp(`^这个单号已经登记过（${older} .+），这次没有新登记。$`));
    expect(await duplicate.getAttribute('class')).not.toMatch(/\bsuccess\b/);
    expect(await member.getByText(`已登记：${last}`).count()).toBe(0);
    expect(await member.locator('.notice.success').count()).toBe(0);
    await member.getByRole('row', { name: new RegExp(last) }).getByText('逾期').waitFor();
    expect((await ledgerOf(amy)).find((p) => p.period === last)).toMatchObject({ paid: 0, status: 'overdue' });
    expect(await paymentsOf(amy)).toHaveLength(1);
    const box = (await duplicate.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(await cutOff(member)).toEqual([]);

    // The organizer finds Amy among the members of the unit and opens her ledger.
    const organizer = await env.signIn(orgA.user.email, desktop);
    await organizer.getByRole('link', { name: /^Dues/ }).click();
    await organizer.getByRole('heading', { level: 2, name: 'Organizer: dues' }).waitFor();
    await organizer.getByRole('link', { name: "Amy's dues" }).click();
    await organizer.getByRole('heading', { level: 1, name: "Amy's dues" }).waitFor();
    await organizer.getByRole('row', { name: new RegExp(last) }).getByText('overdue').waitFor();
    await organizer.getByRole('row', { name: new RegExp(older) }).getByText('paid').waitFor();

    // A cash payment handed over at the branch meeting.
    const cash = organizer.getByRole('form', { name: 'Record a cash payment' });
    await cash.getByLabel('Month', { exact: true }).selectOption(last);
    await cash.getByLabel('Amount (yuan)').fill('50');
    await cash.getByLabel('Note').fill('Cash at the branch meeting');
    expect(await cutOff(organizer)).toEqual([]);
    await cash.getByRole('button', { name: 'Record', exact: true }).click();
    await organizer.getByRole('status').filter({ hasText: `Recorded: ${last}` }).waitFor();
    await organizer.getByRole('row', { name: new RegExp(last) }).getByText('paid').waitFor();
    expect((await ledgerOf(amy)).find((p) => p.period === last)).toMatchObject({ paid: 5000, status: 'paid' });

    // The entry says it was recorded by an organizer, and by whom.
    const entry = organizer.locator('.card').filter({ hasText: 'Cash at the branch meeting' });
    await entry.waitFor();
    expect(await entry.textContent()).toContain(last);
    expect(await entry.textContent()).toMatch(/recorded by/i);
    // "Who": the organizer by name, not just "an organizer" (a unit may have several, and those above it too).
    expect.soft(await entry.textContent()).toContain(orgA.user.name);

    // The member sees the month paid.
    await member.reload();
    await member.getByRole('row', { name: new RegExp(last) }).getByText('已交').waitFor();

    await member.context().close();
    await organizer.context().close();
  });

  it('organizer (360, zh-CN) is asked before "remind now" (dismiss sends nothing, accept sends); member (1280, en) is told of a duplicate reference; the month field and placeholders fit at 1280', async () => {
    const { bob, orgB, orgA } = env.d;
    // Owed since last month in every calendar (the organizer's page starts at the current month).
    const now = periodOf(Date.now(), bob.user.timezone);
    await setRate(orgB, bob, shift(now, -1));

    const organizer = await env.signIn(orgB.user.email, phone);
    const runs: string[] = [];
    organizer.on('request', (r) => r.url().includes('/api/dues/reminders/run') && runs.push(r.postData() ?? ''));
    await organizer.getByRole('link', { name: /^党费/ }).click();
    await organizer.getByRole('heading', { level: 2, name: '组织员：党费管理' }).waitFor();
    await organizer.getByRole('link', { name: 'Bob' }).first().waitFor();
    const period = await organizer.getByLabel('月份', { exact: true }).inputValue();
    expect(period).toMatch(/^\d{4}-\d{2}$/);
    const remind = organizer.getByRole('button', { name: '立即提醒：第一次提醒' });

    const dialogs: string[] = [];
    organizer.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await remind.click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe(`现在给“${env.d.branchB.name}”发“第一次提醒”（${period}）？每人每个阶段只会发一次。`);
    await organizer.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(runs).toEqual([]);
    expect(await organizer.locator('.notice').count()).toBe(0);
    const reminders = async () => (await api(env.server.url, 'GET', '/api/notifications', { token: bob.token }))
      .body.notifications.filter((n: { kind: string; data: { period: string; stage: string } }) => n.kind === 'dues_reminder' && n.data.period === period && n.data.stage === 'first');
    expect(await reminders()).toHaveLength(0);

    organizer.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    const [response] = await Promise.all([organizer.waitForResponse((r) => r.url().includes('/api/dues/reminders/run')), remind.click()]);
    expect(response.status()).toBe(202);
    expect(runs).toHaveLength(1);
    expect(JSON.parse(runs[0])).toMatchObject({ stage: 'first', period, orgId: env.d.branchB.id });
    await organizer.getByRole('status').filter({ hasText: '已安排 1 条提醒' }).waitFor();
    await expect.poll(async () => (await reminders()).length, { timeout: 15_000 }).toBe(1);
    expect(await cutOff(organizer)).toEqual([]);
    await organizer.context().close();

    // Bob, at his desk in English: a reused reference is told as such.
    const member = await env.signIn(bob.user.email, desktop);
    await member.getByRole('link', { name: /^Dues/ }).click();
    await member.getByRole('heading', { level: 1, name: 'Dues' }).waitFor();
    const form = member.getByRole('form', { name: 'Record a payment' });
    await form.getByLabel('Month', { exact: true }).selectOption(shift(now, -1));
    await form.getByLabel('Bank transfer or payment receipt number').fill('ICBC-88120034');
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    await member.getByRole('status').filter({ hasText: `Recorded: ${shift(now, -1)}` }).waitFor();
    await form.getByLabel('Month', { exact: true }).selectOption(now);
    await form.getByLabel('Bank transfer or payment receipt number').fill('ICBC-88120034');
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    const duplicate = member.locator('.notice').filter({ hasText: 'This reference was recorded already' });
    await duplicate.waitFor();
    expect(await noticeText(duplicate)).toMatch(new RegExp(`^This reference was recorded already \\(${shift(now, -1)} .+\\); nothing new was recorded\\.$`));
    expect(await duplicate.getAttribute('class')).not.toMatch(/\bsuccess\b/);
    expect(await member.getByText(`Recorded: ${now}`).count()).toBe(0);
    expect((await ledgerOf(bob)).find((p) => p.period === now)).toMatchObject({ paid: 0 });
    expect(await cutOff(member)).toEqual([]);
    await member.context().close();

    // At 1280 × 800 the organizer's month field, selects and fields show their whole content.
    const desk = await env.signIn(orgA.user.email, desktop);
    await desk.getByRole('link', { name: /^Dues/ }).click();
    const month = desk.getByLabel('Month', { exact: true });
    await month.waitFor();
    await desk.getByRole('link', { name: "Amy's dues" }).waitFor();
    await desk.getByLabel('Monthly amount (yuan)').fill('1280.50');
    expect(await cutOff(desk)).toEqual([]);
    await desk.getByRole('link', { name: "Amy's dues" }).click();
    await desk.getByRole('heading', { level: 1, name: "Amy's dues" }).waitFor();
    await desk.getByLabel('Receipt number (optional)').fill('RECEIPT-2026-000123');
    expect(await cutOff(desk)).toEqual([]);
    await desk.context().close();
  });
});
