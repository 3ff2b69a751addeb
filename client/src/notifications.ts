import { signal } from '@preact/signals';
import type { Notification } from '../../server/contract/model';
import { apiRequest } from './api';
import type { AppSocket } from './socket';

/**
 * The loaded list, plus any notification pushed while it was on its way (newer than everything in it),
 * so a reminder that arrives during a (re)load is neither lost from the list nor left out of the count.
 */
export function withPushedMeanwhile(
  shown: readonly Notification[],
  loaded: { notifications: Notification[]; unread: number },
): { notifications: Notification[]; unread: number } {
  const newest = loaded.notifications.reduce((max, n) => Math.max(max, n.id), 0);
  const pushed = shown.filter((n) => n.id > newest);
  return { notifications: [...pushed, ...loaded.notifications], unread: loaded.unread + pushed.filter((n) => !n.readAt).length };
}

/** The member's notifications: loaded once, then kept live from the socket. */
export class NotificationStore {
  readonly list = signal<Notification[]>([]);
  readonly unread = signal(0);
  /** The newest live one, for a toast. */
  readonly latest = signal<Notification | null>(null);

  constructor(private readonly token: string, socket: AppSocket) {
    socket.on('notification', (notification) => {
      const known = this.list.value.some((n) => n.id === notification.id);
      this.list.value = [notification, ...this.list.value.filter((n) => n.id !== notification.id)];
      if (!known && !notification.readAt) this.unread.value += 1;
      this.latest.value = notification;
    });
    socket.on('connect', () => void this.load());
  }

  async load(): Promise<void> {
    const result = await apiRequest<{ notifications: Notification[]; unread: number }>('GET', '/api/notifications', this.token).catch(() => null);
    if (!result) return;
    const merged = withPushedMeanwhile(this.list.value, result);
    this.list.value = merged.notifications;
    this.unread.value = merged.unread;
  }

  async markRead(id: number): Promise<void> {
    await apiRequest('POST', `/api/notifications/${id}/read`, this.token).catch(() => {});
    const before = this.list.value.find((n) => n.id === id);
    this.list.value = this.list.value.map((n) => (n.id === id ? { ...n, readAt: new Date().toISOString() } : n));
    if (before && !before.readAt) this.unread.value = Math.max(0, this.unread.value - 1);
  }
}
