// Helpers of R12, R13 and R15 (dues reminders, lost keys, shutdown): child processes and a Redis of the test's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Database } from '../../../server/db/database';
import { sleep, waitFor } from '../../helpers/clients';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/**
 * A redis-server of the test's own on a free port, set up as the README says (nothing kept on disk):
 * `restart()` kills it with SIGKILL and starts it again, empty.
 */
export async function ownRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kitestring-r-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const up = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    await waitFor(async () => (await probe.connect().then(() => probe.ping(), () => null)) === 'PONG', 10_000, 'redis-server to answer');
    probe.disconnect();
  };
  const down = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  await up();
  return {
    url,
    port,
    async restart(pauseMs = 500) {
      await down();
      await sleep(pauseMs);
      await up();
    },
    async stop() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A child process running `server/<file>` the way `npm start` / `npm run worker` do (exec node --import tsx). */
export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function startChild(file: 'server/main.ts' | 'server/worker.ts', env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', SEED_DEMO: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  return { proc, output: () => out, exited };
}

/** Waits until the child printed `text` (or fails with its output). */
export async function waitForOutput(child: Child, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const out = child.output();
    const found = typeof text === 'string' ? out.includes(text) : text.exec(out)?.[0];
    if (found) return typeof found === 'string' ? found : text.toString();
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) throw new Error(`the child exited before printing ${text}: ${out}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${text}: ${out}`);
    await sleep(50);
  }
}

export function kill(child: Child | null | undefined, signal: NodeJS.Signals = 'SIGKILL') {
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
}

/** The dues reminders stored as notifications, per member and stage: how many members got one, how many got more. */
export async function remindersPerMemberAndStage(db: Database, period: string): Promise<{ byStage: Record<string, number>; doubled: number; total: number }> {
  const rows: Array<{ user_id: number; data: string }> = await db.knex('notifications').where({ kind: 'dues_reminder' }).select('user_id', 'data');
  const seen = new Map<string, number>();
  const byStage: Record<string, number> = {};
  for (const row of rows) {
    const data = JSON.parse(row.data) as { stage: string; period: string };
    if (data.period !== period) continue;
    const key = `${row.user_id}|${data.stage}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 1) byStage[data.stage] = (byStage[data.stage] ?? 0) + 1;
  }
  return { byStage, doubled: [...seen.values()].filter((n) => n > 1).length, total: rows.length };
}

/** Send records of a period and stage (one per member once its reminder is stored). */
export async function sentCount(db: Database, period: string, stage?: string): Promise<number> {
  const q = db.knex('dues_reminders_sent').where({ period });
  if (stage) q.andWhere({ stage });
  return Number((await q.count('* as n'))[0].n);
}

/**
 * `npm start` itself (R15): npm runs the start script (`exec node --import tsx server/main.ts`) in a shell
 * that execs node, and forwards SIGTERM/SIGINT to it. `proc` is npm; `serverPid()` finds the node process
 * under it. --ignore-scripts skips prestart (the client build, which would rewrite dist/ under other tests).
 */
export function startNpmStart(env: Record<string, string>): Child & { serverPid(): number | null } {
  const proc = spawn('npm', ['run', 'start', '--ignore-scripts', '--silent'], { env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', SEED_DEMO: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const serverPid = () => {
    try {
      // /proc/<pid>/task/<pid>/children: the processes npm started (the shell became node with exec).
      const children = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      return children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server/main.ts')) ?? null;
    } catch {
      return null;
    }
  };
  return { proc, output: () => out, exited, serverPid };
}

/** Whether a process is still there (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
