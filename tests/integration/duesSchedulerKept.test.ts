import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueues, keepDuesScheduler } from '../../server/jobs/queues';
import { createLogger } from '../../server/logger';
import { deleteKeysWithPrefix, REDIS_URL } from '../helpers/server';

// Its own key prefix on the shared Redis; only keys under it are ever deleted.
const prefix = `kt_sched_${Math.random().toString(36).slice(2, 8)}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queues = createQueues(redis, prefix);

afterAll(async () => {
  await queues.close();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('the dues scan scheduler', () => {
  it('is set again when every key of the deployment was deleted from Redis', async () => {
    const lines: string[] = [];
    const log = createLogger('warn', { write: (line: string) => void lines.push(line) } as unknown as NodeJS.WritableStream);
    const kept = keepDuesScheduler(queues, redis, prefix, 'auto', 60_000, log, 100);
    await kept.ready;
    const queue = queues['dues'];
    expect(await queue.getJobScheduler('dues-scan')).toMatchObject({ every: 60_000 });

    expect(await deleteKeysWithPrefix(redis, prefix)).toBeGreaterThan(0);
    expect(await queue.getJobScheduler('dues-scan')).toBeUndefined();
    await expect.poll(() => queue.getJobScheduler('dues-scan'), { timeout: 5000, interval: 50 }).toMatchObject({ every: 60_000 });
    expect(lines.join('')).toContain('the dues scan scheduler was gone from Redis');
    kept.stop();
  });
});
