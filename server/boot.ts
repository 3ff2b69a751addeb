import { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config } from './config';
import { createDatabase, migrateToLatest, type Database } from './db/database';

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

/** Answers within a few seconds whether Redis is reachable, and says how to fix it if not. */
export async function checkRedis(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new BootError(
      `cannot reach Redis at ${url} (${(error as Error).message}); start it with ` +
        `"redis-server --daemonize yes --port 6379 --save '' --appendonly no" or point REDIS_URL at a running Redis`,
    );
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
    const where = url.startsWith('sqlite:') ? url : url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    throw new BootError(`cannot open the database ${where} (${(error as Error).message}); check DATABASE_URL`);
  }
}
