import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Namespace } from 'socket.io';
import type { Logger } from '../logger';
import type { PubSubClient } from '../redisConnections';

/** The adapter's channel prefix for a deployment: every process and the worker must agree on it. */
export const adapterChannelPrefix = (keyPrefix: string) => `${keyPrefix}:socket.io`;

/** A namespace's main channel, as the sharded adapter names it (ShardedRedisAdapter's `channel`). */
export const namespaceChannel = (keyPrefix: string, nsp = '/') => `${adapterChannelPrefix(keyPrefix)}#${nsp}#`;

/** A room's own channel in dynamic mode, as the sharded adapter names it (ShardedRedisAdapter.dynamicChannel). */
export const roomChannel = (keyPrefix: string, room: string, nsp = '/') => `${namespaceChannel(keyPrefix, nsp)}${room}#`;

type Listener = (message: Buffer, channel: Buffer) => void;

/** How long a join waits for its room's subscription before it answers anyway (Redis down: gap fill covers it). */
const JOIN_WAITS_FOR_SUBSCRIPTION_MS = 2000;

interface Wanted {
  listener: Listener;
  /** Settles once SSUBSCRIBE succeeded, or the channel is no longer wanted. */
  subscribed: Promise<void>;
  settle: () => void;
}

/**
 * What the sharded adapter subscribes through: SSUBSCRIBE and SUNSUBSCRIBE, nothing else. The adapter fires them
 * and forgets them, so a subscription that fails (on a cluster: the client still connecting, or the master of the
 * channel's slot down while a member opens a room) would leave this process deaf to that room for as long as it
 * has members in it. Here a failed subscription is tried again every second while the adapter still wants it,
 * and `whenSubscribed` tells a join when its room is heard. node-redis itself subscribes again to every channel it
 * holds after a reconnect.
 */
export function retryingSubscriber(sub: PubSubClient, log: Logger, retryMs = 1000) {
  const wanted = new Map<string, Wanted>();
  const attempt = (channel: string, entry: Wanted) => {
    if (wanted.get(channel) !== entry) return; // unsubscribed, or subscribed again, meanwhile
    sub.sSubscribe(channel, entry.listener, true).then(entry.settle, (error: unknown) => {
      if (wanted.get(channel) !== entry) return;
      log.debug({ err: error }, 'a room subscription failed; trying again');
      setTimeout(() => attempt(channel, entry), retryMs).unref();
    });
  };
  return {
    sSubscribe(channel: string, listener: Listener) {
      wanted.get(channel)?.settle();
      let settle!: () => void;
      const subscribed = new Promise<void>((resolve) => (settle = resolve));
      const entry = { listener, subscribed, settle };
      wanted.set(channel, entry);
      attempt(channel, entry);
      return Promise.resolve();
    },
    /**
     * The adapter leaves a room's channel without naming its listener. node-redis, told so, keeps the channel's
     * listeners until Redis confirms, and a subscription asked for meanwhile (the room's next member, a moment
     * later) finds them, adds to them and sends nothing; the confirmation then drops them all, and the process is
     * deaf to the room while it has members there (R3 caught it under load). Named, the listener marks the channel
     * as leaving, and a subscription meanwhile is sent to Redis after the unsubscription.
     */
    sUnsubscribe(channel: string | string[]) {
      const leaving = (Array.isArray(channel) ? channel : [channel]).map((c) => {
        const entry = wanted.get(c);
        entry?.settle();
        wanted.delete(c);
        // One channel per call: a node-redis cluster sends a call's channels to the first one's master.
        const left = entry ? sub.sUnsubscribe(c, entry.listener, true) : sub.sUnsubscribe(c);
        return Promise.resolve(left).catch(() => {}); // a channel whose master is down is gone anyway
      });
      return Promise.all(leaving).then(() => {});
    },
    /** Resolves when every one of `channels` that is wanted is subscribed, or after `timeoutMs`. */
    whenSubscribed(channels: string[], timeoutMs = JOIN_WAITS_FOR_SUBSCRIPTION_MS): Promise<void> {
      const waits = channels.flatMap((c) => wanted.get(c)?.subscribed ?? []);
      if (waits.length === 0) return Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      return Promise.race([Promise.all(waits).then(() => {}), late]).finally(() => clearTimeout(timer));
    },
  };
}

/**
 * The Socket.IO adapter on Redis 7's sharded pub/sub, subscription mode `dynamic`: a room's broadcasts go to a
 * channel of its own, which only the processes with a member in that room subscribe to, so a process pays nothing
 * for rooms it does not serve, and on a cluster the channels spread over the masters. The standalone worker
 * publishes on the same channels (shardedEmitter.ts).
 *
 * In dynamic mode the first member of a room on a process makes the process subscribe, and the adapter does not
 * wait for it: a join that read the history at once could miss, for good, a message published on another process
 * before the subscription took (R3 caught it). So `socket.join` here returns a promise that settles when the
 * joined rooms' channels are subscribed, and every join in the hub awaits it before it reads anything.
 */
export function createHubAdapter(pubsub: { pub: PubSubClient; sub: PubSubClient | null }, keyPrefix: string, log: Logger) {
  if (!pubsub.sub) throw new Error('the Socket.IO adapter needs a subscribing Redis connection');
  const subscriber = retryingSubscriber(pubsub.sub, log);
  const build = createShardedAdapter(pubsub.pub, subscriber, { channelPrefix: adapterChannelPrefix(keyPrefix), subscriptionMode: 'dynamic' });
  // A function, not an arrow: Socket.IO calls it with `new`, and the object it returns is the adapter.
  return function hubAdapter(nsp: Namespace) {
    const adapter = build(nsp);
    const addAll = adapter.addAll.bind(adapter);
    adapter.addAll = (id: string, rooms: Set<string>) => {
      addAll(id, rooms);
      return subscriber.whenSubscribed([...rooms].map((room) => roomChannel(keyPrefix, room, nsp.name)));
    };
    return adapter;
  };
}
