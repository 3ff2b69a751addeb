import { randomUUID } from 'node:crypto';
import { MessageType } from 'socket.io-adapter';
import type { PubSubClient } from '../redisConnections';
import { namespaceChannel, roomChannel } from './adapter';

const NAMESPACE = '/';
/** socket.io-parser's EVENT packet type. */
const EVENT_PACKET = 2;

/** The sharded adapter sends a room that looks like a socket id (20 characters) on the main channel, not its own. */
const looksLikeASocketId = (room: string) => room.length === 20;

/**
 * The standalone worker's way to reach sockets on the web servers without a Socket.IO server of its own.
 *
 * `@socket.io/redis-emitter` publishes with PUBLISH in the classic adapter's format, which a sharded adapter
 * (SSUBSCRIBE) never hears. This speaks the sharded adapter's own protocol (socket.io-adapter's ClusterAdapter
 * messages, as JSON) on the channels it listens to: a broadcast to one room goes to that room's channel, which
 * exactly the processes with a member in the room subscribe to; everything else goes to the namespace's channel.
 * Only what the worker needs: emit to a room, disconnect a room's sockets, and a server-side event.
 */
export class ShardedEmitter {
  /** An id of its own, so no adapter mistakes these messages for ones it sent itself. */
  private readonly uid = `emitter-${randomUUID()}`;
  private readonly channel: string;

  constructor(
    private readonly pub: PubSubClient,
    private readonly keyPrefix: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.channel = namespaceChannel(keyPrefix, NAMESPACE);
  }

  to(room: string) {
    return {
      emit: (event: string, ...args: unknown[]) => {
        const channel = looksLikeASocketId(room) ? this.channel : roomChannel(this.keyPrefix, room, NAMESPACE);
        this.publish(channel, { type: MessageType.BROADCAST, data: { opts: { rooms: [room], except: [], flags: {} }, packet: { type: EVENT_PACKET, data: [event, ...args], nsp: NAMESPACE } } });
        return true;
      },
    };
  }

  in(room: string) {
    return {
      disconnectSockets: (close = false) => this.publish(this.channel, { type: MessageType.DISCONNECT_SOCKETS, data: { opts: { rooms: [room], except: [] }, close } }),
    };
  }

  serverSideEmit(event: string, ...args: unknown[]): void {
    this.publish(this.channel, { type: MessageType.SERVER_SIDE_EMIT, data: { packet: [event, ...args] } });
  }

  private publish(channel: string, message: { type: MessageType; data: unknown }): void {
    const payload = JSON.stringify({ uid: this.uid, nsp: NAMESPACE, ...message });
    this.pub.sPublish(channel, payload).catch(this.onError);
  }
}
