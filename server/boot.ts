import { Cluster, Redis } from 'ioredis';
import { ConfigError, loadConfig, withoutPassword, type Config } from './config';
import { createDatabase, migrateToLatest, type Database } from './db/database';
import { describeTarget, type RedisTarget } from './redisConnections';

/** Thrown for a problem a person must fix before the process can run; printed as one line. */
export class BootError extends Error {}

export function loadConfigOrExplain(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new BootError(error.message);
    throw error;
  }
}

/** Answers within a few seconds whether Redis (or every slot of the Redis Cluster) is reachable, and says how to fix it if not. */
export async function checkRedis(target: RedisTarget): Promise<void> {
  const nodes = target.redisClusterNodes;
  const probe = nodes
    ? new Cluster([...nodes], { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: { connectTimeout: 3000, maxRetriesPerRequest: 0 } })
    : new Redis(target.redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    if (probe instanceof Cluster) {
      const state = /cluster_state:(\w+)/.exec(String(await probe.cluster('INFO')))?.[1];
      if (state !== 'ok') throw new Error(`cluster_state is ${state ?? 'unknown'}`);
    }
  } catch (error) {
    const fix = nodes
      ? 'check that REDIS_CLUSTER_NODES names nodes of a running Redis Cluster whose slots are all served'
      : `start it with "redis-server --daemonize yes --port 6379 --save '' --appendonly no" or point REDIS_URL at a running Redis`;
    throw new BootError(`cannot reach ${describeTarget(target)} (${(error as Error).message}); ${fix}`);
  } finally {
    probe.disconnect();
  }
}

/** Opens the database and applies migrations, or explains in one line why it cannot. */
export async function openDatabase(url: string): Promise<Database> {
  let db: Database | null = null;
  try {
    db = createDatabase(url);
    await migrateToLatest(db);
    return db;
  } catch (error) {
    await db?.close().catch(() => {});
    const where = url.startsWith('sqlite:') ? url : withoutPassword(url);
    throw new BootError(`cannot open the database ${where} (${(error as Error).message}); check DATABASE_URL`);
  }
}
