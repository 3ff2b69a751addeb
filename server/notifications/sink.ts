import type { Language } from '../contract/model';
import type { NotificationData, NotificationKind } from '../contract/notifications';
import type { AddressedNotification, NotificationsRepo } from '../db/repositories/notifications';
import type { Clock, Tx } from '../domain/ports';
import { renderNotification } from './render';

/** A notification to send: whom, which kind, and the kind's data (its text is rendered per reader). */
export type NotificationDraft = { [K in NotificationKind]: { userId: number; kind: K; data: NotificationData[K] } }[NotificationKind];

/** Delivers stored notifications to their readers' live sockets (the realtime layer, or the worker's emitter). */
export interface NotificationPush {
  push(list: AddressedNotification[]): void;
}

export type { AddressedNotification };

/**
 * The one way notifications are made: stored inside the caller's transaction, with their text rendered
 * in each reader's language, and pushed live only after that transaction committed (see UnitOfWork).
 * Used by the domain, the commands and the jobs alike.
 */
export class NotificationSink {
  constructor(
    private readonly deps: {
      notifications: NotificationsRepo;
      languagesOf(ids: number[], tx?: Tx): Promise<Map<number, Language>>;
      push: NotificationPush;
      clock: Clock;
    },
  ) {}

  /** Stores the drafts in `tx`. Push what it returns once the transaction has committed. */
  async store(tx: Tx, drafts: NotificationDraft[]): Promise<AddressedNotification[]> {
    if (drafts.length === 0) return [];
    const languages = await this.deps.languagesOf(drafts.map((d) => d.userId), tx);
    return this.deps.notifications.insertMany(
      tx,
      drafts.map((d) => ({ ...d, ...renderNotification(d.kind, d.data as never, languages.get(d.userId) ?? 'zh-CN') })),
    );
  }

  /**
   * Stores a draft, or folds it into the reader's notification of the same `groupKey` made within the last
   * `windowMs` (`merge` combines the older data with the new). The caller holds a lock on the reader's row
   * (or is on SQLite's single writer), so two drafts of one group never both create a notification.
   */
  async storeCoalesced<K extends NotificationKind>(
    tx: Tx,
    draft: { userId: number; kind: K; data: NotificationData[K] },
    groupKey: string,
    windowMs: number,
    merge: (older: NotificationData[K], newer: NotificationData[K]) => NotificationData[K],
  ): Promise<AddressedNotification> {
    const since = new Date(this.deps.clock.now() - windowMs).toISOString();
    const previous = await this.deps.notifications.latestOfGroup(tx, draft.userId, groupKey, since);
    const language = (await this.deps.languagesOf([draft.userId], tx)).get(draft.userId) ?? 'zh-CN';
    if (previous && previous.kind === draft.kind) {
      const data = merge(previous.data as NotificationData[K], draft.data);
      return this.deps.notifications.rewrite(tx, previous.id, { data, ...renderNotification(draft.kind, data, language) });
    }
    const [stored] = await this.deps.notifications.insertMany(tx, [{ ...draft, groupKey, ...renderNotification(draft.kind, draft.data, language) }]);
    return stored;
  }

  push(list: AddressedNotification[]): void {
    if (list.length > 0) this.deps.push.push(list);
  }
}
