import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { withoutPassword, type Config } from './config';
import type { Logger } from './logger';

/**
 * Every Redis use of a process goes through this module: one Redis (`REDIS_URL`) or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`), never both. Commands, BullMQ and rate limits run on ioredis (BullMQ requires it);
 * the Socket.IO adapter's sharded pub/sub runs on node-redis (the `redis` package), the client Socket.IO
 * documents the sharded adapter on.
 */
export type RedisClient = Redis | Cluster;
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisClusterNodes'>;

/** Where the deployment's Redis is, for messages: a URL without its password, or the cluster's seeds. */
export function describeTarget(target: RedisTarget): string {
  if (target.redisClusterNodes) return `the Redis Cluster at ${target.redisClusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  return `Redis at ${withoutPassword(target.redisUrl)}`;
}

/**
 * The prefix of BullMQ's keys. On a cluster every key of one queue must hash to one slot (BullMQ's scripts take
 * several), so the prefix is a hash tag, as BullMQ's guide requires; on one Redis it is the plain KEY_PREFIX.
 */
export function queuePrefix(config: Pick<Config, 'keyPrefix' | 'redisClusterNodes'>): string {
  return config.redisClusterNodes ? `{${config.keyPrefix}}` : config.keyPrefix;
}

/** Logs the first error of a broken connection and its return, not every retry in between. */
function reportOutages(client: Pick<NodeJS.EventEmitter, 'on'>, name: string, log: Logger, events = { error: ['error'], ready: 'ready' }) {
  let reported = false;
  for (const event of events.error) {
    client.on(event, (err: unknown) => {
      if (!reported) log.warn({ err, client: name }, 'redis connection error; retrying');
      reported = true;
    });
  }
  client.on(events.ready, () => {
    if (reported) log.info({ client: name }, 'redis connection restored');
    reported = false;
  });
}

/**
 * An ioredis connection (or cluster client) with an error listener (an unhandled 'error' event would crash the
 * process) and a bounded retry, so commands fail instead of hanging while Redis is away.
 */
export function createRedis(target: RedisTarget, name: string, log: Logger, extra: RedisOptions = {}): RedisClient {
  const redisOptions: RedisOptions = { connectionName: name, maxRetriesPerRequest: 2, ...extra };
  if (!target.redisClusterNodes) {
    const redis = new Redis(target.redisUrl, redisOptions);
    reportOutages(redis, name, log);
    return redis;
  }
  const cluster = new Cluster(
    target.redisClusterNodes.map((n) => ({ host: n.host, port: n.port })),
    {
      redisOptions,
      // A master that is down without a replica leaves its slots uncovered: commands for them fail after a few
      // short retries (the client hears `unavailable`) rather than queueing while the outage lasts.
      retryDelayOnClusterDown: 100,
      retryDelayOnFailover: 100,
      maxRedirections: 8,
      slotsRefreshTimeout: 2000,
    },
  );
  reportOutages(cluster, name, log);
  return cluster;
}

type NodeRedisClient = ReturnType<typeof createClient>;
type NodeRedisCluster = ReturnType<typeof createCluster>;
export type PubSubClient = NodeRedisClient | NodeRedisCluster;

/**
 * The adapter's two node-redis connections: one that publishes (SPUBLISH) and one that subscribes (SSUBSCRIBE), on
 * the single Redis or on every master of the cluster. node-redis reconnects by itself and subscribes again to
 * every channel it held; `ready` waits until both answer.
 */
export function createPubSub(target: RedisTarget, log: Logger, { subscribe = true } = {}): { pub: PubSubClient; sub: PubSubClient | null; ready: Promise<void>; close(): Promise<void>; destroy(): void } {
  // Reconnect quickly, and never give up: a process that stops retrying would stay deaf to other processes.
  const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** Math.min(retries, 4), 1000);
  const socket = { reconnectStrategy, connectTimeout: 3000 };
  const connection = (disableOfflineQueue: boolean): PubSubClient =>
    target.redisClusterNodes
      ? createCluster({
          rootNodes: target.redisClusterNodes.map((n) => ({ url: `redis://${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}` })),
          defaults: { socket, disableOfflineQueue },
        })
      : createClient({ url: target.redisUrl, socket, disableOfflineQueue });
  // The sharded adapter delivers a broadcast to this process's own sockets only once its SPUBLISH has answered:
  // queued while Redis is away, members on one process stopped hearing each other until it was back. Refused at
  // once instead, the local delivery goes on (the other processes' members catch up by seq). The subscriber keeps
  // its queue: an SUNSUBSCRIBE given while Redis is away is sent when it is back.
  const pub = connection(true);
  const sub = subscribe ? connection(false) : null;
  // A node-redis cluster reports a node's failure as 'node-error' and its return as 'node-ready'.
  const events = target.redisClusterNodes ? { error: ['error', 'node-error'], ready: 'node-ready' } : undefined;
  reportOutages(pub as never, 'pub', log, events);
  if (sub) reportOutages(sub as never, 'sub', log, events);
  // Connected at once: node-redis refuses commands on a client never connected, and the adapter subscribes when
  // it is built. Commands given while connecting wait in its queue.
  const ready = Promise.all([pub.connect(), sub?.connect()]).then(() => {});
  ready.catch(() => {}); // a boot that cannot reach Redis is reported by whoever awaits `ready`
  return {
    pub,
    sub,
    ready,
    async close() {
      await Promise.all([pub, sub].map((client) => (client?.isOpen ? client.close().catch(() => client.destroy()) : undefined)));
    },
    destroy() {
      for (const client of [pub, sub]) if (client?.isOpen) client.destroy();
    },
  };
}

/**
 * A process's Redis connections: `data` for commands (limits, presence, locks, live calls), `jobs` for BullMQ (it wants
 * commands to wait for a reconnect rather than fail), and the adapter's pub/sub pair.
 */
export function createRedisConnections(config: RedisTarget, log: Logger, options: { subscribe?: boolean } = {}) {
  const data = createRedis(config, 'data', log);
  const jobs = createRedis(config, 'jobs', log, { maxRetriesPerRequest: null });
  const pubsub = createPubSub(config, log, options);
  return {
    data,
    jobs,
    pubsub,
    /** Resolves once every connection answers. */
    async ready(): Promise<void> {
      await Promise.all([data.ping(), jobs.ping(), pubsub.ready]);
    },
    /** Closes gracefully, or at once after `graceMs`: QUIT waits forever for a node that is down. */
    async close(graceMs = 2000): Promise<void> {
      const graceful = Promise.all([...[data, jobs].map((client) => client.quit().catch(() => {})), pubsub.close()]);
      const late = await Promise.race([graceful.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
      if (late) {
        data.disconnect();
        jobs.disconnect();
        pubsub.destroy();
      }
    },
  };
}

export type RedisConnections = ReturnType<typeof createRedisConnections>;
