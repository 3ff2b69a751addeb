/**
 * kitestring on two processes (issue 15): the small chat (rooms of 50) with the members laid out two ways,
 *
 *  - spread: each room's members over both processes (every message crosses Redis to the other process);
 *  - split:  each process holds half of the rooms whole (a process never has a member of the other's rooms),
 *
 * plus a third process that holds no member at all (a bystander), whose CPU during the chat says what a
 * process pays for rooms it does not serve: with the classic adapter every process hears every broadcast;
 * with the sharded adapter in dynamic mode it hears only the rooms it has members in.
 *
 * BENCH_TWO_PROCESS_BASELINE=<dir> runs the same phases, in the same run and alternating with this checkout,
 * on another checkout of kitestring (e.g. `git worktree add /tmp/before 65460a5 && (cd /tmp/before && npm ci)`,
 * the commit before the sharded adapter), so "before" and "after" are minutes apart on the same machine.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ChatSummary } from './gens';
import { chatPhase, fmt, specs, type Context } from './phases';
import { cpuSeconds } from './proc';
import type { SocketSpec } from './protocol';
import { dropSchema, seedDistrict, type Member } from './seed';
import { logProblems, onCleanup, REPO, startKitestring, type ServerProcess } from './targets';

export type Layout = 'spread' | 'split';

export interface TwoProcessRun {
  checkout: string;
  layout: Layout;
  chat: ChatSummary;
  /** CPU of the process holding no member during the chat phase (warm-up and drain included), ms per second. */
  bystanderCpuMsPerSecond: number;
}

export interface TwoProcessResult {
  multiDb: string;
  runs: TwoProcessRun[];
  readyMs: number[];
  log: { errors: number; warnings: number; samples: string[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Socket specs for a layout: spread alternates members between the processes (as `specs`), split alternates rooms. */
function layoutSpecs(members: Member[], urls: string[], layout: Layout): SocketSpec[] {
  if (layout === 'spread') return specs(members, urls);
  const rooms = [...new Set(members.map((m) => m.room))];
  return members.map((m) => ({ url: urls[rooms.indexOf(m.room) % urls.length], token: m.token, room: m.room }));
}

async function oneRun(ctx: Context, checkout: { label: string; dir: string }, layout: Layout, processes: ServerProcess[], members: Member[]): Promise<TwoProcessRun> {
  const [a, b, bystander] = processes;
  const target = `kitestring×2 ${checkout.label} ${layout}`;
  const pool = `two-${checkout.label}-${layout}`;
  const list = layoutSpecs(members, [a.url, b.url], layout);
  const connect = await ctx.gens.connect(pool, list, ctx.cfg.connectConcurrency, [a.pid, b.pid]);
  if (connect.failed) ctx.progress(`${target}: ${connect.failed} connects failed: ${connect.errors.join('; ')}`);
  await sleep(1000);
  const cpu0 = cpuSeconds(bystander.pid);
  const t0 = performance.now();
  const chat = await chatPhase({ ...ctx, target }, pool, list, ctx.cfg.small.rate, [a.pid, b.pid], `chat ${members.length} members, rooms of ${ctx.cfg.small.roomSize},`);
  const bystanderCpuMsPerSecond = ((cpuSeconds(bystander.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 1000;
  ctx.progress(`${target}: the process holding no member used ${fmt(bystanderCpuMsPerSecond)} ms CPU per second meanwhile`);
  await ctx.gens.close(pool);
  await sleep(1000);
  return { checkout: checkout.label, layout, chat, bystanderCpuMsPerSecond };
}

export async function runTwoProcesses(ctx: Context, tmp: string, sqliteUrl: string, keyPrefix: string, seededSmall: Member[]): Promise<TwoProcessResult> {
  const { cfg } = ctx;
  let databaseUrl = sqliteUrl;
  let members = seededSmall;
  if (cfg.multiDb === 'postgres') {
    const schema = `bh_${randomBytes(4).toString('hex')}`;
    onCleanup(`PostgreSQL schema ${schema}`, () => dropSchema(cfg.pgUrl, schema));
    databaseUrl = `${cfg.pgUrl}?schema=${schema}`;
    members = (await seedDistrict(databaseUrl, { small: cfg.small, large: { ...cfg.large, members: 1 }, seats: 1 })).small;
  }
  const checkouts = [{ label: 'this', dir: REPO }];
  if (cfg.twoProcessBaseline) checkouts.unshift({ label: 'baseline', dir: cfg.twoProcessBaseline });

  const runs: TwoProcessRun[] = [];
  const readyMs: number[] = [];
  const logFiles: string[] = [];
  // Layout by layout, each checkout in turn, so the figures compared are minutes apart.
  for (const layout of ['spread', 'split'] as const) {
    for (const checkout of checkouts) {
      const prefix = `${keyPrefix}${checkout.label[0]}${layout[1]}`;
      const processes: ServerProcess[] = [];
      for (const name of ['a', 'b', 'bystander']) {
        const logFile = join(tmp, `kitestring-${checkout.label}-${layout}-${name}.log`);
        logFiles.push(logFile);
        processes.push(await startKitestring({ logFile, databaseUrl, keyPrefix: prefix, redisUrl: cfg.redisUrl, cwd: checkout.dir }));
      }
      readyMs.push(processes[0].readyMs, processes[1].readyMs);
      ctx.progress(`kitestring×2 ${checkout.label} (${checkout.dir}), ${layout}, ${cfg.multiDb}: pids ${processes.map((p) => p.pid).join(' / ')}`);
      try {
        runs.push(await oneRun(ctx, checkout, layout, processes, members));
      } finally {
        await Promise.all(processes.map((p) => p.stop()));
      }
    }
  }
  const logs = logFiles.map(logProblems);
  const log = {
    errors: logs.reduce((n, l) => n + l.errors, 0),
    warnings: logs.reduce((n, l) => n + l.warnings, 0),
    samples: logs.flatMap((l) => l.samples).slice(0, 5),
  };
  return { multiDb: cfg.multiDb, runs, readyMs, log };
}

/** The report's lines for the two-process phases. */
export function twoProcessLines(two: TwoProcessResult, onOneP99: number | undefined, label: string): string[] {
  const out = [`kitestring on two processes (one Redis, ${two.multiDb}), ${label}; a third process holds no member:`];
  out.push(`  ${'checkout'.padEnd(9)} ${'layout'.padEnd(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU µs/delivery'.padStart(16)} ${'Redis µs/delivery'.padStart(18)} ${'bystander CPU ms/s'.padStart(19)}`);
  for (const r of two.runs) {
    out.push(`  ${r.checkout.padEnd(9)} ${r.layout.padEnd(7)} ${fmt(r.chat.p50).padStart(7)} ${fmt(r.chat.p99).padStart(7)} ${fmt(r.chat.cpuPerDeliveryUs).padStart(16)} ` +
      `${fmt(r.chat.redisCpuPerDeliveryUs, 2).padStart(18)} ${fmt(r.bystanderCpuMsPerSecond).padStart(19)}${r.chat.sendLagP99 > 50 ? '  * generator behind' : ''}`);
  }
  const spread = two.runs.find((r) => r.checkout === 'this' && r.layout === 'spread');
  if (spread && onOneP99) {
    const ratio = spread.chat.p99 / onOneP99;
    out.push(`  this checkout, spread: p99 ${fmt(spread.chat.p99)} ms against ${fmt(onOneP99)} ms on one process = ${fmt(ratio, 2)}× (target ≤ 2×: ${ratio <= 2 ? 'held' : 'missed'})`);
  }
  out.push(`  start → ready ${two.readyMs.map((ms) => fmt(ms, 0)).join(' / ')} ms`);
  return out;
}
