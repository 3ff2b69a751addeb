import type { Language } from '../contract/model';
import type { NotificationData, NotificationKind } from '../contract/notifications';
import { en } from './texts/en';
import type { NotificationTexts, RenderedText } from './texts/types';
import { zhCN } from './texts/zh-CN';

const CATALOGS: Record<Language, NotificationTexts> = { 'zh-CN': zhCN, en };

/** A notification's title and body in the reader's language. */
export function renderNotification<K extends NotificationKind>(kind: K, data: NotificationData[K], language: Language): RenderedText {
  const texts = CATALOGS[language] ?? CATALOGS['zh-CN'];
  return (texts[kind] as (d: NotificationData[K]) => RenderedText)(data);
}

/**
 * The same for a stored notification, falling back to the text stored with it when its data predates
 * the current texts (a notification written by an older version).
 */
export function rerender(stored: { kind: NotificationKind; data: unknown; title: string; body: string }, language: Language): RenderedText {
  try {
    const text = renderNotification(stored.kind, stored.data as never, language);
    return /undefined|NaN/.test(text.title + text.body) ? { title: stored.title, body: stored.body } : text;
  } catch {
    return { title: stored.title, body: stored.body };
  }
}
