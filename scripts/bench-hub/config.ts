/**
 * Sizes of `npm run bench:hub`: the table (issue 13) at BENCH_SCALE=1, everything counted in
 * members, sockets and messages per second multiplied by the scale (room sizes stay 50 and 100, so the
 * fan-out per message is the same at any scale).
 */

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
};

export const SCALE = num('BENCH_SCALE', 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));

export type TargetName = 'bare' | 'bare+adapter' | 'kitestring';
export const ALL_TARGETS: TargetName[] = ['bare', 'bare+adapter', 'kitestring'];

export const config = {
  scale: SCALE,
  /** `none`: no one-process target, only the two-process phases. */
  targets: (process.env.BENCH_TARGETS === 'none' ? [] : process.env.BENCH_TARGETS ? process.env.BENCH_TARGETS.split(',').map((t) => t.trim()) : ALL_TARGETS) as TargetName[],
  /** Measured seconds of each chat phase, after `warmupSeconds` of the same load. */
  seconds: num('BENCH_SECONDS', 15),
  warmupSeconds: num('BENCH_WARMUP', 3),
  /** Load generator processes (sockets split round-robin between them). */
  generators: Math.round(num('BENCH_GENERATORS', 1)),
  /** Connects in flight at once while measuring connects/s. */
  connectConcurrency: Math.round(num('BENCH_CONNECT_CONCURRENCY', 50)),
  /** A generator using this share of one core (or more) during a measured phase makes the run invalid. */
  cpuBoundShare: 0.9,
  small: { members: scaled(1000), roomSize: 50, rate: scaled(200) },
  large: { members: scaled(5000), roomSize: 100, rates: [100, 200, 300, 600].map(scaled), tableRate: scaled(300), offeredRate: scaled(600) },
  idle: { socketsPerMember: 3 },
  signup: { members: scaled(2000), seats: scaled(100) },
  twoProcesses: process.env.BENCH_TWO_PROCESSES !== '0',
  /** Database of the two-process phase: the same SQLite file (default) or a fresh PostgreSQL schema. */
  multiDb: (process.env.BENCH_MULTI_DB ?? 'sqlite') as 'sqlite' | 'postgres',
  /** Another checkout of kitestring whose two-process figures are measured beside this one's (scripts/bench-hub/twoProcesses.ts). */
  twoProcessBaseline: process.env.BENCH_TWO_PROCESS_BASELINE || undefined,
  pgUrl: process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  bodyLength: 100,
};

export type BenchConfig = typeof config;

for (const t of config.targets) if (!ALL_TARGETS.includes(t)) throw new Error(`BENCH_TARGETS: unknown target ${t} (known: ${ALL_TARGETS.join(', ')})`);
if (config.signup.members > config.large.members) config.signup.members = config.large.members;
