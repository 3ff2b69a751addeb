import { z } from 'zod';
import { isIanaTimeZone } from './contract/time';

/** A per-user rate: `count` events per `windowMs`, or null when switched off. */
export interface Rate {
  count: number;
  windowMs: number;
}

const rateSpec = z
  .string()
  .trim()
  .transform((text, ctx): Rate | null => {
    if (text === 'off') return null;
    const match = /^(\d+)\/(\d+)(ms|s|m)$/.exec(text);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'expected "<count>/<n>s" such as 20/10s, or "off"' });
      return z.NEVER;
    }
    const unit = { ms: 1, s: 1000, m: 60_000 }[match[3] as 'ms' | 's' | 'm'];
    return { count: Number(match[1]), windowMs: Number(match[2]) * unit };
  });

const DURATION_UNITS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
/** A duration such as 90s, 15m or 1h, in milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(s|m|h)$/, 'expected a duration such as 15m, 90s or 1h')
    .default(fallback)
    .transform((text) => Number(text.slice(0, -1)) * DURATION_UNITS[text.slice(-1) as keyof typeof DURATION_UNITS]);

const commaList = z
  .string()
  .optional()
  .transform((text) => (text ?? '').split(',').map((part) => part.trim()).filter(Boolean));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/kitestring.db')
    .refine((url) => url.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(url), 'must be sqlite:<path> or postgres://…'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Seeds of a Redis Cluster (`host:port,host:port`): when set, every Redis use runs on the cluster instead of REDIS_URL. */
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const parts = (text ?? '').split(',').map((part) => part.trim()).filter(Boolean);
      const nodes = parts.map((part) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(part));
      if (nodes.some((m) => !m || Number(m[2]) > 65535)) {
        ctx.addIssue({ code: 'custom', message: 'a comma list of host:port seeds, e.g. 10.0.0.1:7000,10.0.0.2:7000' });
        return z.NEVER;
      }
      return nodes.map((m) => ({ host: m![1].replace(/^\[|\]$/g, ''), port: Number(m![2]) }));
    }),
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _.:- only').default('ks'),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  PUBLIC_URL: z.string().url().optional(),
  ALLOWED_ORIGINS: commaList,
  STUN_URLS: commaList,
  TURN_URLS: commaList,
  TURN_SECRET: z.string().optional(),
  CHAT_RATE_LIMIT: rateSpec.prefault('20/10s'),
  /** Per caller: call invites (the contract's "e.g. 10 a minute"). */
  CALL_INVITE_RATE_LIMIT: rateSpec.prefault('10/1m'),
  /** Per member and process: room joins and history pages (bounded reads). */
  HISTORY_RATE_LIMIT: rateSpec.prefault('30/10s'),
  /** Per member: payments recorded. */
  PAYMENT_RATE_LIMIT: rateSpec.prefault('10/1m'),
  /** Per user: announcements, discussions, replies, posts and comments written. */
  VOICE_RATE_LIMIT: rateSpec.prefault('30/1m'),
  /** Per user: searches. */
  SEARCH_RATE_LIMIT: rateSpec.prefault('30/10s'),
  /** Per address: public registrations, looks and cancellations (no account to hold to account). */
  PUBLIC_RATE_LIMIT: rateSpec.prefault('20/10m'),
  /** Bearer token that unlocks /metrics for a scraper on another host (else: loopback only). */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  DUES_REMINDERS: z.enum(['auto', 'manual']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `in-process`: this server also runs the BullMQ workers; `off`: run them with `npm run worker`. */
  WORKERS: z.enum(['in-process', 'off']).default('in-process'),
  /** How long before a meeting its reminder goes out, e.g. 60m. */
  MEETING_REMINDER_LEAD: duration('60m'),
  CHECKIN_REMINDER_LEAD: duration('15m'),
  /** The dues ladder: days of the month for the first and second reminder and the escalation, and the local hour. */
  DUES_DAYS: z
    .string()
    .default('5,15,25')
    .transform((text, ctx) => {
      const days = text.split(',').map((d) => Number(d.trim()));
      if (days.length !== 3 || days.some((d) => !Number.isInteger(d) || d < 1 || d > 28) || !(days[0] < days[1] && days[1] < days[2])) {
        ctx.addIssue({ code: 'custom', message: 'three increasing days of the month, 1..28, such as 5,15,25' });
        return z.NEVER;
      }
      return days as [number, number, number];
    }),
  DUES_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  /** The district's calendar: the escalation day, and the month a rate set without effectiveFrom starts in. */
  DISTRICT_TZ: z.string().refine(isIanaTimeZone, 'an IANA time zone such as Asia/Shanghai').optional(),
  /** The former name of DISTRICT_TZ, still read. */
  DUES_ESCALATION_TZ: z.string().refine(isIanaTimeZone, 'an IANA time zone such as Asia/Shanghai').optional(),
  DUES_SCAN_EVERY: duration('10m'),
  /** BullMQ lock duration and stalled-job check interval (ms): how soon a killed worker's jobs are retried. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Tuning (and tests): how long a call rings, and how long a party may be gone before the call ends. */
  CALL_RING_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(45_000),
  CALL_GONE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Tuning (and tests): how long a guest link stays held by a handshake that never completed. */
  GUEST_LINK_HOLD_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  /** Express "trust proxy": set when behind a reverse proxy so the client address comes from X-Forwarded-For. */
  TRUST_PROXY: z.string().optional(),
  /** Skip the demo district even on an empty database (tests, deployments that seed themselves). */
  SEED_DEMO: z.enum(['auto', 'off']).default('auto'),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** Seeds of the Redis Cluster every Redis use runs on, or null for the single Redis at `redisUrl`. */
  redisClusterNodes: ReadonlyArray<Readonly<{ host: string; port: number }>> | null;
  keyPrefix: string;
  admin: { email: string; password: string } | null;
  publicUrl: string;
  /** PUBLIC_URL was given (else links follow the address a page was served from). */
  publicUrlSet: boolean;
  allowedOrigins: readonly string[];
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  turnSecret: string | null;
  chatRateLimit: Rate | null;
  callInviteRateLimit: Rate | null;
  historyRateLimit: Rate | null;
  paymentRateLimit: Rate | null;
  voiceRateLimit: Rate | null;
  searchRateLimit: Rate | null;
  publicRateLimit: Rate | null;
  metricsToken: string | null;
  duesReminders: 'auto' | 'manual';
  logLevel: string;
  seedDemo: boolean;
  trustProxy: boolean | number | string;
  workers: 'in-process' | 'off';
  meetingReminderLeadMs: number;
  checkinReminderLeadMs: number;
  duesLadder: { first: number; second: number; escalation: number; hour: number };
  /** The district's calendar (DISTRICT_TZ). */
  districtTimeZone: string;
  duesScanEveryMs: number;
  jobLockMs: number;
  callRingTimeoutMs: number;
  callGoneTimeoutMs: number;
  guestLinkHoldMs: number;
}>;

export class ConfigError extends Error {}

/**
 * Reads the environment once, validates it and returns a frozen Config.
 * Throws ConfigError naming every bad variable, so the boot fails fast and says why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const allowedOrigins = [new URL(publicUrl).origin, ...e.ALLOWED_ORIGINS.map((o) => new URL(o).origin)];
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES.length > 0 ? Object.freeze(e.REDIS_CLUSTER_NODES.map((n) => Object.freeze(n))) : null,
    keyPrefix: e.KEY_PREFIX,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : null,
    publicUrl,
    publicUrlSet: e.PUBLIC_URL !== undefined,
    allowedOrigins: Object.freeze([...new Set(allowedOrigins)]),
    stunUrls: Object.freeze(e.STUN_URLS),
    turnUrls: Object.freeze(e.TURN_URLS),
    turnSecret: e.TURN_SECRET ?? null,
    chatRateLimit: e.CHAT_RATE_LIMIT,
    callInviteRateLimit: e.CALL_INVITE_RATE_LIMIT,
    historyRateLimit: e.HISTORY_RATE_LIMIT,
    paymentRateLimit: e.PAYMENT_RATE_LIMIT,
    voiceRateLimit: e.VOICE_RATE_LIMIT,
    searchRateLimit: e.SEARCH_RATE_LIMIT,
    publicRateLimit: e.PUBLIC_RATE_LIMIT,
    metricsToken: e.METRICS_TOKEN ?? null,
    duesReminders: e.DUES_REMINDERS,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO === 'auto' && e.NODE_ENV !== 'production',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    workers: e.WORKERS,
    meetingReminderLeadMs: e.MEETING_REMINDER_LEAD,
    checkinReminderLeadMs: e.CHECKIN_REMINDER_LEAD,
    duesLadder: Object.freeze({ first: e.DUES_DAYS[0], second: e.DUES_DAYS[1], escalation: e.DUES_DAYS[2], hour: e.DUES_HOUR }),
    districtTimeZone: e.DISTRICT_TZ ?? e.DUES_ESCALATION_TZ ?? 'Asia/Shanghai',
    duesScanEveryMs: e.DUES_SCAN_EVERY,
    jobLockMs: e.JOB_LOCK_MS,
    callRingTimeoutMs: e.CALL_RING_TIMEOUT_MS,
    callGoneTimeoutMs: e.CALL_GONE_TIMEOUT_MS,
    guestLinkHoldMs: e.GUEST_LINK_HOLD_MS,
  });
}

/** A connection URL fit for a message or a log: its password replaced by ***. */
export function withoutPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}
