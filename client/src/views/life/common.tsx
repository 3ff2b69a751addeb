/**
 * What the member-life pages share (transfers, lost contact, report-in, training, the card, the audit log).
 * Every one of them is loaded on demand, and this module brings their strings and styles along, so none of it
 * weighs on the first load.
 */
import { describeError } from '../../errors';
import { addMessages, formatLocale, t, type MessageKey } from '../../i18n';
import { lifeEn } from '../../i18n/life/en';
import { lifeZhCN, type LifeKey } from '../../i18n/life/zh-CN';
import { SubNav } from '../controls';
import { isDateOnly } from './logic';
import './life.css';

addMessages({ 'zh-CN': lifeZhCN, en: lifeEn });

/** `t()` for the member-life pages: their own catalog part and the shared one. */
export function tl(key: LifeKey | MessageKey, params: Record<string, string | number> = {}): string {
  return t(key as MessageKey, params);
}

/** The one error presenter, with member-life words for the codes a page knows more about. */
export function lifeError(error: unknown, overrides: Partial<Record<string, LifeKey | MessageKey>> = {}): string {
  return describeError(error, overrides as Partial<Record<string, MessageKey>>);
}

export type { Say } from '../controls';

/** A day in the viewer's zone, with its year (a certificate's dates); a plain date stays that day everywhere. */
export function formatDate(value: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', timeZone: isDateOnly(value) ? 'UTC' : timeZone };
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(formatLocale(), options).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

/** Training hours (1.5 → "1.5 学时"). */
export function formatHours(hours: number): string {
  return tl('life.hours', { hours: new Intl.NumberFormat(formatLocale(), { maximumFractionDigits: 2 }).format(hours) });
}

export { nameOf, useOrgs } from '../orgs';

/** The member's own record pages: the card, moving the membership, reporting home, training. */
export function RecordNav({ current }: { current: 'card' | 'transfer' | 'report' | 'trainings' }) {
  const links: Array<[typeof current, string, LifeKey]> = [
    ['card', '#/card', 'record.card'],
    ['transfer', '#/transfer', 'record.transfer'],
    ['report', '#/report-in', 'record.report'],
    ['trainings', '#/trainings', 'record.trainings'],
  ];
  return <SubNav class="no-print" label={t('nav.record')} current={current} links={links.map(([id, href, key]) => [id, href, tl(key)])} />;
}
