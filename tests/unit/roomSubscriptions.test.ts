import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { retryingSubscriber } from '../../server/realtime/adapter';
import type { PubSubClient } from '../../server/redisConnections';

// The sharded adapter's subscriber (server/realtime/adapter.ts): a failed SSUBSCRIBE is tried again while the room
// is wanted, and a join waits for its room's subscription (bounded), so it never reads history before the room is
// heard. The Redis side is a stand-in here; tests/scale/shardedRestart.test.ts and R3 run it on a real Redis.

const log = createLogger('silent');
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** SSUBSCRIBE that fails `failures` times per channel, then answers after `delayMs`. */
function fakeClient(failures: number, delayMs = 0) {
  const calls: string[] = [];
  const failed = new Map<string, number>();
  const client = {
    sSubscribe(channel: string) {
      calls.push(`sub ${channel}`);
      const n = failed.get(channel) ?? 0;
      if (n < failures) {
        failed.set(channel, n + 1);
        return Promise.reject(new Error('CLUSTERDOWN'));
      }
      return new Promise((r) => setTimeout(r, delayMs));
    },
    sUnsubscribe(channel: string) {
      calls.push(`unsub ${channel}`);
      return Promise.resolve();
    },
  };
  return { client: client as unknown as PubSubClient, calls };
}

describe('room subscriptions of the sharded adapter', () => {
  it('a join waits until its room is subscribed, through failed attempts', async () => {
    const { client, calls } = fakeClient(2);
    const subscriber = retryingSubscriber(client, log, 20);
    await subscriber.sSubscribe('ks:socket.io#/#org:1#', () => {});
    let heard = false;
    const waiting = subscriber.whenSubscribed(['ks:socket.io#/#org:1#'], 5000).then(() => (heard = true));
    await tick(10);
    expect(heard).toBe(false);
    await waiting;
    expect(calls.filter((c) => c.startsWith('sub'))).toHaveLength(3);
  });

  it('waits no longer than its bound while Redis cannot answer, and not at all for rooms without a channel', async () => {
    const { client } = fakeClient(1000);
    const subscriber = retryingSubscriber(client, log, 20);
    await subscriber.sSubscribe('c', () => {});
    const started = Date.now();
    await subscriber.whenSubscribed(['c'], 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const at = Date.now();
    await subscriber.whenSubscribed(['socket-id-room', 'other'], 5000);
    expect(Date.now() - at).toBeLessThan(50);
    await subscriber.sUnsubscribe('c');
  });

  it('stops trying once the room is left, and settles whoever waited', async () => {
    const { client, calls } = fakeClient(1000);
    const subscriber = retryingSubscriber(client, log, 20);
    await subscriber.sSubscribe('c', () => {});
    const waiting = subscriber.whenSubscribed(['c'], 5000);
    await tick(50);
    await subscriber.sUnsubscribe('c');
    await waiting;
    const attempts = calls.filter((c) => c === 'sub c').length;
    await tick(80);
    expect(calls.filter((c) => c === 'sub c').length).toBe(attempts);
  });
});
