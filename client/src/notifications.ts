import { signal } from '@preact/signals';
import type { Notification } from '../../server/contract/notifications';
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
      // A coalesced notification (missed calls) comes again with the same id: it counts once while unread.
      const before = this.list.value.find((n) => n.id === notification.id);
      this.list.value = [notification, ...this.list.value.filter((n) => n.id !== notification.id)];
      if (!notification.readAt && (!before || before.readAt)) this.unread.value += 1;
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

  async markAllRead(): Promise<void> {
    await apiRequest('POST', '/api/notifications/read-all', this.token).catch(() => {});
    const now = new Date().toISOString();
    this.list.value = this.list.value.map((n) => (n.readAt ? n : { ...n, readAt: now }));
    this.unread.value = 0;
    if (this.latest.value && !this.latest.value.readAt) this.latest.value = null;
  }

  async markRead(id: number): Promise<void> {
    await apiRequest('POST', `/api/notifications/${id}/read`, this.token).catch(() => {});
    const before = this.list.value.find((n) => n.id === id);
    this.list.value = this.list.value.map((n) => (n.id === id ? { ...n, readAt: new Date().toISOString() } : n));
    if (before && !before.readAt) this.unread.value = Math.max(0, this.unread.value - 1);
    if (this.latest.value?.id === id) this.latest.value = null;
  }
}
