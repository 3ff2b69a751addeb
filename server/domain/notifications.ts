import type { Actor, Language } from '../contract/model';
import type { Notification } from '../contract/notifications';
import type { NotificationsRepo } from '../db/repositories/notifications';
import { notFound } from '../errors';
import { rerender } from '../notifications/render';

/** A member's notifications: listed newest first (in the language they read now) with the unread count, marked read one by one. */
export function createNotificationService(deps: { notifications: NotificationsRepo }) {
  const { notifications } = deps;
  return {
    async list(actor: Actor, language: Language, opts: { unreadOnly: boolean; limit: number; beforeId?: number }): Promise<{ notifications: Notification[]; unread: number; nextCursor: string | null }> {
      const [list, unread] = await Promise.all([notifications.list(actor.id, opts), notifications.unreadCount(actor.id)]);
      return {
        notifications: list.map((n) => ({ ...n, ...rerender(n, language) }) as Notification),
        unread,
        nextCursor: list.length === opts.limit ? String(list.at(-1)!.id) : null,
      };
    },
    async markAllRead(actor: Actor): Promise<void> {
      await notifications.markAllRead(actor.id);
    },
    async markRead(actor: Actor, id: number): Promise<void> {
      if ((await notifications.markRead(actor.id, id)) === 0) throw notFound('notification');
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
