import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { retryingSubscriber } from '../../server/realtime/adapter';
import { createPubSub } from '../../server/redisConnections';
import { waitFor } from '../helpers/clients';
import { REDIS_URL } from '../helpers/server';

// A room's last member leaves a process and the next one joins a moment later: the adapter unsubscribes from the
// room's shard channel and subscribes again before Redis has confirmed the first. On node-redis, the process must
// still hear the room afterwards (it did not: server/realtime/adapter.ts, sUnsubscribe, says why). Real node-redis
// and the real Redis, on channels of this file's own.

const log = createLogger('silent');
const prefix = `ks-test-${randomBytes(4).toString('hex')}:socket.io#/#`;
let pubsub: ReturnType<typeof createPubSub>;

beforeAll(async () => {
  pubsub = createPubSub({ redisUrl: REDIS_URL, redisClusterNodes: null }, log);
  await pubsub.ready;
});

afterAll(async () => {
  await pubsub?.close();
});

describe('shard subscriptions when a room is left and joined again at once', () => {
  it('the room is still heard after every leave-and-join, however quick', async () => {
    const subscriber = retryingSubscriber(pubsub.sub!, log);
    const heard: string[] = [];
    const listener = (message: Buffer) => heard.push(message.toString());
    const deaf: number[] = [];
    for (let round = 0; round < 40; round++) {
      const channel = `${prefix}org:${round % 4}#`;
      await subscriber.sSubscribe(channel, listener);
      await subscriber.whenSubscribed([channel]);
      // Left and joined again in one turn, as when one member's socket leaves and another's joins.
      void subscriber.sUnsubscribe(channel);
      if (round % 2 === 1) void subscriber.sUnsubscribe(channel); // a second leave in flight changes nothing
      await subscriber.sSubscribe(channel, listener);
      await subscriber.whenSubscribed([channel]);
      const body = `round ${round}`;
      await pubsub.pub.sPublish(channel, body);
      await waitFor(() => heard.includes(body), 1000, body).catch(() => deaf.push(round));
      await subscriber.sUnsubscribe(channel);
    }
    expect(deaf).toEqual([]);
  });
});
