import { Redis, type RedisOptions } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter } from './domain/chat';
import type { LoginThrottle } from './domain/auth';
import type { Rate } from './config';
import type { Logger } from './logger';

/**
 * A Redis connection with an error listener (an unhandled 'error' event would crash the process)
 * and a bounded retry, so commands fail instead of hanging while Redis is away.
 */
export function createRedis(url: string, name: string, log: Logger, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { connectionName: name, maxRetriesPerRequest: 2, ...extra });
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) log.warn({ err: { message: err.message }, client: name }, 'redis connection error; retrying');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) log.info({ client: name }, 'redis connection restored');
    reported = false;
  });
  return redis;
}

/** The per-user chat:send limit; fails open (and logs) if Redis cannot answer. */
export function createRateLimiter(redis: Redis, keyPrefix: string, rate: Rate, log: Logger): RateLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points: rate.count,
    duration: Math.max(1, Math.round(rate.windowMs / 1000)),
  });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        log.warn({ err: { message: (error as Error).message } }, 'rate limiter unavailable; allowing');
        return true;
      }
    },
  };
}

/** Failed sign-ins: 10 per account and 10 per address in 15 minutes, then refused until the window ends. */
export function createLoginThrottle(redis: Redis, prefix: string): LoginThrottle {
  const options = { storeClient: redis, points: 10, duration: 15 * 60 };
  const byAccount = new RateLimiterRedis({ ...options, keyPrefix: `${prefix}:rl:login:account` });
  const byAddress = new RateLimiterRedis({ ...options, keyPrefix: `${prefix}:rl:login:address` });
  const spent = (res: RateLimiterRes | null) => (res?.consumedPoints ?? 0) >= options.points;
  return {
    async isBlocked({ account, address }) {
      const [a, b] = await Promise.all([byAccount.get(account), byAddress.get(address)]);
      return spent(a) || spent(b);
    },
    async recordFailure({ account, address }) {
      await Promise.allSettled([byAccount.consume(account), byAddress.consume(address)]);
    },
  };
}
