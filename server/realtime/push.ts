import { userRoom } from '../contract/events';
import type { AddressedNotification, NotificationPush } from '../notifications/sink';

/** Anything that can emit to a room across processes: the Socket.IO server, or the worker's Redis emitter. */
interface RoomEmitter {
  to(room: string): { emit(event: 'notification', payload: unknown): unknown };
}

/**
 * Pushes stored notifications to their readers' sockets on every process: through the Socket.IO server
 * in a web process, through the Redis emitter in the standalone worker. Attached once the emitter exists.
 */
export class SocketNotificationPush implements NotificationPush {
  private emitter: RoomEmitter | null = null;

  attach(emitter: RoomEmitter | null): void {
    this.emitter = emitter;
  }

  push(list: AddressedNotification[]): void {
    for (const { userId, ...notification } of list) this.emitter?.to(userRoom(userId)).emit('notification', notification);
  }
}
