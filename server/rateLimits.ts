import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Rate } from './config';
import type { LoginLimiter } from './domain/auth';
import type { RateLimiter } from './domain/ports';
import type { Logger } from './logger';
import type { RedisClient } from './redisConnections';

const seconds = (rate: Rate) => Math.max(1, Math.round(rate.windowMs / 1000));

/** A limit that holds across processes (kept in Redis); fails open (and logs) if Redis cannot answer. */
export function createRateLimiter(redis: RedisClient, keyPrefix: string, rate: Rate, log: Logger): RateLimiter {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: rate.count, duration: seconds(rate) });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        log.warn({ err: error }, 'rate limiter unavailable; allowing');
        return true;
      }
    },
  };
}

/** A limit per process, in memory: for cheap bounds on the hot path (no Redis round trip). */
export function createLocalRateLimiter(rate: Rate): RateLimiter {
  const limiter = new RateLimiterMemory({ points: rate.count, duration: seconds(rate) });
  return { consume: (key) => limiter.consume(key).then(() => true, () => false) };
}

/** The contract's sign-in limits (PROTOCOL.md, "Accounts and organizations"). */
export const LOGIN_LIMITS = {
  /** Failures per account and address pair. */
  pair: { points: 10, duration: 15 * 60 },
  /** Failures per address, whichever accounts they try. */
  address: { points: 100, duration: 15 * 60 },
  /** Failures per account from anywhere: a ceiling only an attack reaches, then the account is locked for a day. */
  account: { points: 500, duration: 24 * 3600 },
} as const;

/**
 * Sign-in attempts, taken before the password is checked: one point from each limit (pair, address,
 * account ceiling) per attempt, given back when the password was right, so only failures count and a
 * burst of parallel guesses gets no more checks than the limit. A stranger's failures lock only their own
 * address (and the pair), never the member at their own address, short of the account's daily ceiling.
 */
export function createLoginLimiter(redis: RedisClient, prefix: string): LoginLimiter {
  const limiters = {
    pair: new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:login:pair`, ...LOGIN_LIMITS.pair }),
    address: new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:login:address`, ...LOGIN_LIMITS.address }),
    account: new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:login:account`, ...LOGIN_LIMITS.account }),
  };
  // The account is an e-mail address: Redis keeps only a digest of it (key names outlive the request and show in
  // every SCAN, dump and replica), the same for every process so the limits still hold across them.
  const keysOf = ({ account, address }: { account: string; address: string }) => {
    const digest = createHash('sha256').update(`${prefix}\u0000${account}`).digest('base64url').slice(0, 32);
    return { pair: `${digest}|${address}`, address, account: digest };
  };
  return {
    async take(keys) {
      const k = keysOf(keys);
      const results = await Promise.allSettled([limiters.pair.consume(k.pair), limiters.address.consume(k.address), limiters.account.consume(k.account)]);
      const refused = results.find((r) => r.status === 'rejected');
      if (!refused) return true;
      const reason = (refused as PromiseRejectedResult).reason;
      if (reason instanceof RateLimiterRes) return false;
      throw reason; // Redis is down: sign-in fails closed (an error), never unlimited
    },
    async giveBack(keys) {
      const k = keysOf(keys);
      await Promise.allSettled([limiters.pair.reward(k.pair, 1), limiters.address.reward(k.address, 1), limiters.account.reward(k.account, 1)]);
    },
  };
}
