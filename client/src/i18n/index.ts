import { signal } from '@preact/signals';
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'ks:locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const preferred = navigator.languages?.[0] ?? navigator.language ?? 'zh-CN';
  return preferred.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The current UI language; components re-render when it changes. */
export const locale = signal<Locale>(initialLocale());
document.documentElement.lang = locale.value;

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** The locale dates and money are written in: the browser's own English (en-GB writes "1 Dec", 24-hour) when reading English. */
export function formatLocale(): string {
  if (locale.value !== 'en') return locale.value;
  return navigator.languages?.find((l) => /^en(-|$)/i.test(l)) ?? 'en';
}

/** Catalog parts that load with their pages (the member-life pages' strings stay out of the first load). */
const parts: Record<Locale, Record<string, string>> = { 'zh-CN': {}, en: {} };
export function addMessages(part: Record<Locale, Record<string, string>>): void {
  Object.assign(parts['zh-CN'], part['zh-CN']);
  Object.assign(parts.en, part.en);
}

/** Looks a string up in the current language's catalog and fills `{name}` placeholders. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[locale.value][key] ?? parts[locale.value][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** A time in the viewer's own time zone, in the UI language. */
export function formatTime(iso: string, timeZone: string | undefined, withDate: boolean): string {
  const options: Intl.DateTimeFormatOptions = { timeZone, hour: '2-digit', minute: '2-digit' };
  if (withDate) Object.assign(options, { month: 'short', day: 'numeric' });
  try {
    return new Intl.DateTimeFormat(formatLocale(), options).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(formatLocale(), { ...options, timeZone: undefined }).format(new Date(iso));
  }
}

/** A day separator's label in the reader's zone: today, yesterday, or the date. */
export function formatDay(iso: string, timeZone: string | undefined): string {
  const day = (d: Date) => {
    try {
      return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
    } catch {
      return d.toISOString().slice(0, 10);
    }
  };
  const then = day(new Date(iso));
  if (then === day(new Date())) return t('day.today');
  if (then === day(new Date(Date.now() - 86_400_000))) return t('day.yesterday');
  try {
    return new Intl.DateTimeFormat(formatLocale(), { timeZone, weekday: 'short', month: 'long', day: 'numeric', year: then.slice(0, 4) === day(new Date()).slice(0, 4) ? undefined : 'numeric' }).format(new Date(iso));
  } catch {
    return then;
  }
}

export function formatFullTime(iso: string, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat(formatLocale(), {
      // Always the viewer's own zone, so no zone name; the year only when it is not this one.
      timeZone, weekday: 'short', year: new Date(iso).getFullYear() === new Date().getFullYear() ? undefined : 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit',
    }).format(new Date(iso));
  } catch {
    return new Date(iso).toLocaleString(formatLocale());
  }
}

export type { MessageKey };

/** Money from minor units (fen, cents) in the UI language, e.g. ¥50.00. */
export function formatMoney(minor: number, currency = 'CNY'): string {
  try {
    return new Intl.NumberFormat(formatLocale(), { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}
