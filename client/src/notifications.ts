import { signal } from '@preact/signals';
import type { Notification } from '../../server/domain/types';
import { apiRequest } from './api';
import type { AppSocket } from './socket';

/** The member's notifications: loaded once, then kept live from the socket. */
export class NotificationStore {
  readonly list = signal<Notification[]>([]);
  readonly unread = signal(0);
  /** The newest live one, for a toast. */
  readonly latest = signal<Notification | null>(null);

  constructor(private readonly token: string, socket: AppSocket) {
    socket.on('notification', (notification) => {
      this.list.value = [notification, ...this.list.value.filter((n) => n.id !== notification.id)];
      this.unread.value += 1;
      this.latest.value = notification;
    });
    socket.on('connect', () => void this.load());
  }

  async load(): Promise<void> {
    const result = await apiRequest<{ notifications: Notification[]; unread: number }>('GET', '/api/notifications', this.token).catch(() => null);
    if (!result) return;
    this.list.value = result.notifications;
    this.unread.value = result.unread;
  }

  async markRead(id: number): Promise<void> {
    await apiRequest('POST', `/api/notifications/${id}/read`, this.token).catch(() => {});
    const before = this.list.value.find((n) => n.id === id);
    this.list.value = this.list.value.map((n) => (n.id === id ? { ...n, readAt: new Date().toISOString() } : n));
    if (before && !before.readAt) this.unread.value = Math.max(0, this.unread.value - 1);
  }
}
