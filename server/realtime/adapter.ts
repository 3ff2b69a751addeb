import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from '../logger';
import type { PubSubClient } from '../redisConnections';

/** The adapter's channel prefix for a deployment: every process and the worker must agree on it. */
export const adapterChannelPrefix = (keyPrefix: string) => `${keyPrefix}:socket.io`;

type Listener = (message: Buffer, channel: Buffer) => void;

/**
 * What the sharded adapter subscribes through: SSUBSCRIBE and SUNSUBSCRIBE, nothing else. The adapter fires them
 * and forgets them, so a subscription that fails (on a cluster: the client still connecting, or the master of the
 * channel's slot down while a member opens a room) would leave this process deaf to that room for as long as it
 * has members in it. Here a failed subscription is tried again every second while the adapter still wants it.
 * node-redis itself subscribes again to every channel it holds after a reconnect.
 */
export function retryingSubscriber(sub: PubSubClient, log: Logger, retryMs = 1000) {
  const wanted = new Map<string, Listener>();
  const subscribe = (channel: string, listener: Listener) => {
    if (wanted.get(channel) !== listener) return; // unsubscribed, or subscribed again, meanwhile
    sub.sSubscribe(channel, listener, true).catch((error: unknown) => {
      if (!wanted.has(channel)) return;
      log.debug({ err: error }, 'a room subscription failed; trying again');
      setTimeout(() => subscribe(channel, listener), retryMs).unref();
    });
  };
  return {
    sSubscribe(channel: string, listener: Listener) {
      wanted.set(channel, listener);
      subscribe(channel, listener);
      return Promise.resolve();
    },
    sUnsubscribe(channel: string | string[]) {
      for (const c of Array.isArray(channel) ? channel : [channel]) wanted.delete(c);
      return sub.sUnsubscribe(channel).catch(() => {}); // a channel whose master is down is gone anyway
    },
  };
}

/**
 * The Socket.IO adapter on Redis 7's sharded pub/sub, subscription mode `dynamic`: a room's broadcasts go to a
 * channel of its own, which only the processes with a member in that room subscribe to, so a process pays nothing
 * for rooms it does not serve, and on a cluster the channels spread over the masters. The standalone worker
 * publishes on the same channels (shardedEmitter.ts).
 */
export function createHubAdapter(pubsub: { pub: PubSubClient; sub: PubSubClient | null }, keyPrefix: string, log: Logger) {
  if (!pubsub.sub) throw new Error('the Socket.IO adapter needs a subscribing Redis connection');
  return createShardedAdapter(pubsub.pub, retryingSubscriber(pubsub.sub, log), { channelPrefix: adapterChannelPrefix(keyPrefix), subscriptionMode: 'dynamic' });
}
