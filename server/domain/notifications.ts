import type { NotificationsRepo } from '../db/repositories/notifications';
import { notFound } from '../errors';
import type { Actor, Notification } from './types';

/** A member's notifications: listed newest first with the unread count, marked read one by one. */
export function createNotificationService(deps: { notifications: NotificationsRepo }) {
  const { notifications } = deps;
  return {
    async list(actor: Actor, unreadOnly: boolean): Promise<{ notifications: Notification[]; unread: number }> {
      const [list, unread] = await Promise.all([notifications.list(actor.id, unreadOnly), notifications.unreadCount(actor.id)]);
      return { notifications: list, unread };
    },
    async markRead(actor: Actor, id: number): Promise<void> {
      if ((await notifications.markRead(actor.id, id)) === 0) throw notFound('notification');
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
