import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createDatabase, migrateToLatest, type Database } from '../../server/db/database';
import type { Clock } from '../../server/domain/ports';
import { createLogger, type Logger } from '../../server/logger';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A private database (SQLite file or PostgreSQL schema) and Redis key prefix for one test file. */
export interface TestStore {
  databaseUrl: string;
  keyPrefix: string;
  kind: 'sqlite' | 'postgres';
  /** Drops the schema / deletes the file and the Redis keys. */
  destroy(): Promise<void>;
}

/** Deletes every key under `prefix` (a test's own) from the shared Redis; returns how many. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export function createTestStore(kind = (process.env.TEST_DB as 'sqlite' | 'postgres') ?? 'sqlite'): TestStore {
  const suffix = randomBytes(5).toString('hex');
  const keyPrefix = `kst_${suffix}`;
  const cleanRedis = async () => {
    const redis = new Redis(REDIS_URL);
    await deleteKeysWithPrefix(redis, keyPrefix);
    await redis.quit();
  };
  if (kind === 'postgres') {
    const schema = `t_${suffix}`;
    return {
      kind,
      keyPrefix,
      databaseUrl: `${PG_URL}?schema=${schema}`,
      async destroy() {
        const db = createDatabase(PG_URL);
        await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await db.close();
        await cleanRedis();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'kitestring-test-'));
  return {
    kind,
    keyPrefix,
    databaseUrl: `sqlite:${join(dir, 'test.db')}`,
    async destroy() {
      rmSync(dir, { recursive: true, force: true });
      await cleanRedis();
    },
  };
}

export interface TestServer {
  url: string;
  port: number;
  app: App;
  db: Database;
  close(): Promise<void>;
}

/**
 * Starts the real app on 127.0.0.1 (port 0 unless given) against the store. Several servers on one
 * store behave like several processes of one deployment: their own connections, one database, one Redis.
 */
export async function startTestServer(store: TestStore, options: { env?: Record<string, string>; port?: number; clock?: Clock; log?: Logger } = {}): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    DATABASE_URL: store.databaseUrl,
    REDIS_URL,
    KEY_PREFIX: store.keyPrefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    CHAT_RATE_LIMIT: 'off',
    VOICE_RATE_LIMIT: 'off',
    SEARCH_RATE_LIMIT: 'off',
    PUBLIC_RATE_LIMIT: 'off',
    PUBLIC_URL: 'http://kitestring.test',
    TRUST_PROXY: 'loopback',
    ...options.env,
  });
  const db = createDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const app = createApp({ config, db, log: options.log ?? createLogger(config.logLevel), clock: options.clock });
  await app.start();
  await new Promise<void>((resolve) => app.httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    db,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
