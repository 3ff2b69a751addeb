import type { NotificationData, NotificationKind } from '../../contract/notifications';

export interface RenderedText {
  title: string;
  body: string;
}

/** One language's texts: a function per kind, from the notification's data to its title and body. */
export type NotificationTexts = { [K in NotificationKind]: (data: NotificationData[K]) => RenderedText };

/** An amount in minor units (fen, cents) as major units with two decimals. */
export const major = (minor: number) => (minor / 100).toFixed(2);
