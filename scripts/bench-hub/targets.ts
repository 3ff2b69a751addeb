/**
 * The servers under test, each its own process: the bare Socket.IO baseline (bare-server.ts, with or
 * without the Redis adapter) and kitestring started the way `npm start` starts it (`node --import tsx
 * server/main.ts` with its defaults: only the port, the database file, the key prefix and "no demo data"
 * are set). Start → ready is timed from the spawn to the first 200 from GET /healthz. Also: one cleanup
 * list run on the way out (normal end, error or Ctrl-C) that stops every child and removes what we made.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, waitReady } from './proc';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

// ── cleanup ─────────────────────────────────────────────────────────────────────────────────────────
const cleanups: Array<{ what: string; run: () => Promise<unknown> | unknown }> = [];
export function onCleanup(what: string, run: () => Promise<unknown> | unknown): void {
  cleanups.push({ what, run });
}
let cleaning: Promise<void> | null = null;
/** Runs every cleanup once, newest first; a failing one is reported and the rest still run. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const { what, run } = cleanups.pop()!;
      try {
        await Promise.race([run(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 30_000))]);
      } catch (error) {
        process.stderr.write(`[bench:hub] cleanup of ${what} failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

/** Deletes the keys under `prefix` (SCAN + UNLINK; nothing else on the shared Redis is touched). */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Redis's own CPU seconds so far (INFO cpu); the Redis is shared, so this is indicative only. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return get('used_cpu_user') + get('used_cpu_sys');
}

// ── servers ─────────────────────────────────────────────────────────────────────────────────────────
export interface ServerProcess {
  url: string;
  pid: number;
  /** Spawn → GET /healthz answered 200, ms. */
  readyMs: number;
  logFile: string;
  stop(): Promise<void>;
}

// kitestring's settings (server/config.ts): stripped from the environment so its defaults apply.
const KITESTRING_SETTINGS = 'NODE_ENV PORT HOST DATABASE_URL REDIS_URL KEY_PREFIX ADMIN_EMAIL ADMIN_PASSWORD PUBLIC_URL ALLOWED_ORIGINS STUN_URLS TURN_URLS TURN_SECRET CHAT_RATE_LIMIT CALL_INVITE_RATE_LIMIT HISTORY_RATE_LIMIT PAYMENT_RATE_LIMIT VOICE_RATE_LIMIT SEARCH_RATE_LIMIT PUBLIC_RATE_LIMIT METRICS_TOKEN DUES_REMINDERS LOG_LEVEL WORKERS MEETING_REMINDER_LEAD CHECKIN_REMINDER_LEAD DUES_DAYS DUES_HOUR DISTRICT_TZ DUES_ESCALATION_TZ DUES_SCAN_EVERY JOB_LOCK_MS CALL_RING_TIMEOUT_MS CALL_GONE_TIMEOUT_MS GUEST_LINK_HOLD_MS TRUST_PROXY SEED_DEMO REDIS_CLUSTER_NODES'.split(' ');

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of KITESTRING_SETTINGS) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('BENCH_') || name.startsWith('BARE_')) delete env[name];
  return { ...env, ...extra };
}

async function startProcess(args: string[], env: Record<string, string>, logFile: string, label: string, cwd = REPO): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env: cleanEnv({ ...env, PORT: String(port) }), stdio: ['ignore', log, log] });
  closeSync(log);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exitedPromise;
    clearTimeout(timer);
  };
  onCleanup(`${label} (pid ${child.pid})`, stop);
  try {
    const readyAt = await waitReady(`${url}/healthz`, 120_000, () => !exited);
    return { url, pid: child.pid!, readyMs: readyAt - spawnedAt, logFile, stop };
  } catch (error) {
    await stop();
    let tail = '';
    try {
      tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      // no log
    }
    throw new Error(`${label} did not become ready: ${(error as Error).message}\n${tail}`);
  }
}

/** The bare baseline; `adapterPrefix` puts it on the Redis adapter under that key prefix. */
export function startBare(opts: { logFile: string; seats: number; redisUrl: string; adapterPrefix?: string }): Promise<ServerProcess> {
  const path = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
  const env: Record<string, string> = { BARE_SEATS: String(opts.seats), REDIS_URL: opts.redisUrl };
  if (opts.adapterPrefix) Object.assign(env, { BARE_ADAPTER: 'redis', BARE_KEY_PREFIX: opts.adapterPrefix });
  return startProcess(['--import', 'tsx', path], env, opts.logFile, opts.adapterPrefix ? 'bare+adapter server' : 'bare server');
}

/** kitestring as `npm start` runs it (without the client build of `prestart`), on 127.0.0.1. */
/** `server/main.ts` of this checkout, or of another one (`cwd`: the two-process phase's baseline). */
export function startKitestring(opts: { logFile: string; databaseUrl: string; keyPrefix: string; redisUrl: string; cwd?: string }): Promise<ServerProcess> {
  return startProcess(['--import', 'tsx', 'server/main.ts'], {
    HOST: '127.0.0.1', DATABASE_URL: opts.databaseUrl, KEY_PREFIX: opts.keyPrefix, REDIS_URL: opts.redisUrl, SEED_DEMO: 'off',
  }, opts.logFile, 'kitestring', opts.cwd);
}

/** Warnings and errors kitestring logged (pino JSON lines, level ≥ 40), with a few samples. */
export function logProblems(logFile: string): { warnings: number; errors: number; samples: string[] } {
  let warnings = 0;
  let errors = 0;
  const samples: string[] = [];
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return { warnings, errors, samples };
  }
  for (const line of text.split('\n')) {
    const level = /"level":(\d+)/.exec(line)?.[1];
    const isError = level ? Number(level) >= 50 : /error|crash|unhandled/i.test(line);
    const isWarning = level ? Number(level) === 40 : false;
    if (isError) errors++;
    if (isWarning) warnings++;
    if ((isError || isWarning) && samples.length < 5) samples.push(line.slice(0, 300));
  }
  return { warnings, errors, samples };
}
