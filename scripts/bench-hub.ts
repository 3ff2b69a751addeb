/**
 * The honest instrument of issue 13: kitestring's hot path against a bare Socket.IO 4 server, side by
 * side, in one run on this machine, with the same load generator, offered loads and room sizes.
 *
 *   npm run bench:hub                       the issue's sizes (≈ 9–10 minutes on 2 cores)
 *   BENCH_SCALE=0.2 npm run bench:hub       a quick run: members, sockets and rates × 0.2 (rooms stay 50 / 100)
 *
 * Other knobs: BENCH_SECONDS (measured seconds per chat phase, 15), BENCH_WARMUP (3), BENCH_TARGETS
 * (comma list of bare, bare+adapter, kitestring), BENCH_GENERATORS (load processes, 1),
 * BENCH_CONNECT_CONCURRENCY (50), BENCH_TWO_PROCESSES=0 (skip the two-process phases), BENCH_MULTI_DB
 * (sqlite: the two processes share the SQLite file, as README "Several processes" allows; postgres: a fresh
 * schema in TEST_PG_URL, dropped afterwards), BENCH_TWO_PROCESS_BASELINE (another checkout measured beside
 * this one on two processes: bench-hub/twoProcesses.ts), BENCH_TARGETS=none (only the two-process phases).
 *
 * Every server and generator is its own process. Progress goes to stderr, one line per phase; the table
 * to stdout; JSON and an SVG of delivery latency against offered load to bench-results/hub-<time>.{json,svg}.
 * A run is marked INVALID when a generator used ≥ 90 % of a core during a measured phase; a figure is
 * marked * (and its verdict "disturbed") when the generator fell more than 50 ms (p99) behind its send
 * schedule, i.e. the machine was oversubscribed and the load was not offered as planned. "Rest of machine"
 * in the progress lines is the CPU that other processes (other sessions on a shared machine) used meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { config, type TargetName } from './bench-hub/config';
import { Generators, type ChatSummary } from './bench-hub/gens';
import { fmt, idleBlock, largeBlock, smallBlock, type Context } from './bench-hub/phases';
import { openFilesLimit } from './bench-hub/proc';
import { buildRows, formatTable, integrityLines, LAG_LIMIT_MS, latencySvg, ratioOf, verdict, type TargetRun } from './bench-hub/report';
import { seedDistrict } from './bench-hub/seed';
import { cleanupAll, deleteRedisPrefix, logProblems, onCleanup, REPO, startBare, startKitestring, type ServerProcess } from './bench-hub/targets';
import { runTwoProcesses, twoProcessLines, type TwoProcessResult } from './bench-hub/twoProcesses';

const began = performance.now();
const progress = (line: string) => process.stderr.write(`[bench:hub ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping every child process and cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

async function main() {
  const suffix = randomBytes(4).toString('hex');
  const keyPrefix = `bh_${suffix}`;
  const runTag = `h${suffix}`;
  const tmp = mkdtempSync(join(tmpdir(), 'kitestring-bench-hub-'));
  onCleanup(`temp dir ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));
  onCleanup(`Redis keys ${keyPrefix}*`, async () => progress(`deleted ${await deleteRedisPrefix(config.redisUrl, keyPrefix)} Redis keys under ${keyPrefix}`));

  const { small, large, idle, signup } = config;
  const idleSockets = large.members * idle.socketsPerMember;
  const fdLimit = openFilesLimit();
  progress(`scale ${config.scale}: small chat ${small.members} members / rooms of ${small.roomSize} at ${small.rate} msg/s; large chat ${large.members} / rooms of ${large.roomSize} at ${large.rates.join(', ')} msg/s; ` +
    `${idleSockets} idle sockets; sign-up storm ${signup.members} for ${signup.seats} seats; ${config.warmupSeconds} + ${config.seconds} s per chat phase; ` +
    `${config.generators} generator process(es); ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; open files limit ${fdLimit}`);
  const fdNeeded = Math.ceil(idleSockets / config.generators) + 500;
  if (fdLimit < idleSockets + 500) progress(`WARNING: the open files limit (${fdLimit}) is below what ${idleSockets} sockets need (~${fdNeeded} per generator, ~${idleSockets + 500} for the server); raise it with "ulimit -n" before the run, connects will fail`);

  // One district for every target (the bare servers ignore the tokens, but use the same rooms).
  const sqliteUrl = `sqlite:${join(tmp, 'k.db')}`;
  const seeded = await seedDistrict(sqliteUrl, { small, large, seats: signup.seats });
  progress(`seeded ${sqliteUrl}: ${seeded.small.length + seeded.large.length} members with tokens, meeting ${seeded.meetingId}`);

  const gens = new Generators(config.generators);
  onCleanup('load generators', () => gens.stop());
  const redis = new Redis(config.redisUrl);
  onCleanup('Redis connection', () => redis.disconnect());

  const runs: Partial<Record<TargetName, TargetRun>> = {};
  const notes: string[] = [];
  const json: Record<string, unknown> = { startedAt: new Date().toISOString(), config, machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtStart: loadavg(), openFilesLimit: fdLimit } };
  let two: TwoProcessResult | undefined;
  let coldReadyMs: number | undefined;
  let kitestringLog: ReturnType<typeof logProblems> | undefined;

  // Every server starts first (each timed alone), then each block of phases runs on every target in
  // turn, so the targets of one figure are measured minutes apart, not a quarter of an hour: on a shared,
  // noisy machine that keeps the ratios honest. Servers not under test sit idle meanwhile.
  const servers = new Map<TargetName, ServerProcess>();
  const contexts = new Map<TargetName, Context>();
  for (const target of config.targets) {
    contexts.set(target, { cfg: config, gens, redis, target, progress, runTag: `${runTag}${target.replace(/[^a-z]/g, '')}` });
    if (target === 'kitestring') {
      const cold = await startKitestring({ logFile: join(tmp, 'kitestring-cold.log'), databaseUrl: `sqlite:${join(tmp, 'cold.db')}`, keyPrefix: `${keyPrefix}c`, redisUrl: config.redisUrl });
      coldReadyMs = cold.readyMs;
      await cold.stop();
      progress(`kitestring: start → ready on an empty database (migrations run) ${fmt(coldReadyMs, 0)} ms`);
      servers.set(target, await startKitestring({ logFile: join(tmp, 'kitestring.log'), databaseUrl: sqliteUrl, keyPrefix, redisUrl: config.redisUrl }));
    } else {
      const bare = () => startBare({ logFile: join(tmp, `${target}.log`), seats: signup.seats, redisUrl: config.redisUrl, adapterPrefix: target === 'bare+adapter' ? `${keyPrefix}b` : undefined });
      // An untimed start first, so tsx's compile cache is as warm for the baseline as for kitestring's timed start.
      await (await bare()).stop();
      servers.set(target, await bare());
    }
    const server = servers.get(target)!;
    progress(`${target}: started, pid ${server.pid}, start → ready ${fmt(server.readyMs, 0)} ms`);
    runs[target] = { readyMs: server.readyMs, phases: { large: [] } };
  }
  for (const block of [idleBlock, smallBlock, largeBlock]) {
    for (const target of config.targets) {
      const server = servers.get(target)!;
      await block(contexts.get(target)!, { urls: [server.url], pids: [server.pid] }, seeded, runs[target]!.phases);
    }
  }
  for (const server of servers.values()) await server.stop();
  const kitestring = servers.get('kitestring');
  if (kitestring) kitestringLog = logProblems(kitestring.logFile);
  if (config.twoProcesses && (kitestring || config.targets.length === 0)) {
    const ctx: Context = { cfg: config, gens, redis, target: 'kitestring×2', progress, runTag: `${runTag}two` };
    two = await runTwoProcesses(ctx, tmp, sqliteUrl, keyPrefix, seeded.small);
  }

  // ── the report ────────────────────────────────────────────────────────────────────────────────────
  const labels = {
    small: `chat ${small.members.toLocaleString('en-US')} members, rooms of ${small.roomSize}, ${small.rate} msg/s`,
    large: `chat ${large.members.toLocaleString('en-US')}, rooms of ${large.roomSize}, ${large.tableRate} msg/s`,
    offered: `${large.members.toLocaleString('en-US')}, rooms of ${large.roomSize}, ${large.offeredRate} msg/s offered`,
    connects: `${large.members.toLocaleString('en-US')} authenticated sockets joining their rooms`,
    idle: `idle ${idleSockets.toLocaleString('en-US')} sockets`,
    signup: `sign-up storm ${signup.members.toLocaleString('en-US')} members, ${signup.seats} seats`,
  };
  const rows = buildRows(runs, labels, large.tableRate, large.offeredRate);

  const invalid: string[] = [];
  for (const [name, run] of Object.entries(runs) as Array<[TargetName, TargetRun]>) {
    const measured: Array<[string, number | undefined]> = [
      ['small chat', run.phases.small?.generatorCpu], ['connects', run.phases.connects?.generatorCpu],
      // A storm over in a few ms keeps any process busy all along: judged only when it lasts 100 ms or more.
      ['sign-up storm', (run.phases.signup?.allAcksMs ?? 0) >= 100 ? run.phases.signup?.generatorCpu : undefined],
      ...run.phases.large.map((c): [string, number] => [`large chat ${c.rate} msg/s`, c.generatorCpu]),
    ];
    for (const [phase, share] of measured) if (share !== undefined && share >= config.cpuBoundShare) invalid.push(`${name} ${phase}: generator at ${fmt(share * 100, 0)} % of a core`);
    const chats = [run.phases.small, ...run.phases.large].filter((c): c is ChatSummary => c !== undefined);
    const late = chats.filter((c) => c.sendLagP99 > 10);
    if (late.length) notes.push(`${name}: sends left behind schedule (p99) by ${late.map((c) => `${fmt(c.sendLagP99)} ms at ${c.rate} msg/s`).join(', ')} (the generator was not scheduled in time)`);
    const busy = [...chats.map((c): [string, number] => [`${c.rate} msg/s`, c.otherCores]), ['connects', run.phases.connects?.otherCores ?? 0] as [string, number]].filter(([, cores]) => cores > 0.25);
    if (busy.length) notes.push(`${name}: other processes kept ${busy.map(([phase, cores]) => `${fmt(cores, 2)} cores busy during ${phase}`).join(', ')} (shared machine: figures disturbed)`);
  }
  for (const r of two?.runs ?? []) if (r.chat.generatorCpu >= config.cpuBoundShare) invalid.push(`kitestring two processes, ${r.checkout} ${r.layout}: generator at ${fmt(r.chat.generatorCpu * 100, 0)} % of a core`);

  const out: string[] = [];
  out.push('');
  out.push(`kitestring against a bare Socket.IO 4 server, same generator and loads, scale ${config.scale}${config.scale === 1 ? ' (the issue\'s sizes)' : ''}; ${config.warmupSeconds} s warm-up + ${config.seconds} s measured per chat phase; ${cpus().length} CPUs`);
  out.push(`load ${config.generators} generator process(es), open loop; delivery = send → receipt at every socket in the room (sender included)`);
  out.push('');
  out.push(formatTable(rows));
  if (rows.some((r) => r.suspect?.length)) out.push(`* the generator fell behind its schedule (send lag p99 > ${LAG_LIMIT_MS} ms) or was CPU-bound: that load was not offered as planned (an oversubscribed machine), so the figure is not the server's alone`);
  if (two) {
    out.push('');
    out.push(...twoProcessLines(two, runs.kitestring?.phases.small?.p99, labels.small));
  }
  if (coldReadyMs !== undefined) out.push(`kitestring start → ready on an empty database (migrations run): ${fmt(coldReadyMs, 0)} ms`);
  out.push('');
  out.push('integrity (every delivery owed at every socket of the room, counted after a drain):');
  for (const [name, run] of Object.entries(runs) as Array<[TargetName, TargetRun]>) {
    out.push(...integrityLines(name, [['small chat', run.phases.small], ...run.phases.large.map((c): [string, ChatSummary] => [`large chat ${c.rate} msg/s`, c])]));
    const s = run.phases.signup;
    if (s) out.push(`  ${name.padEnd(13)} ${'sign-up storm'.padEnd(22)} ${s.attempts} attempts: ${s.confirmed} confirmed, ${s.waitlisted} waitlisted, waitlist positions ${s.positionsOk ? '1..n in order' : 'WRONG'}${s.errors.length ? `, errors: ${s.errors.join('; ')}  ← CHECK` : ''}`);
    for (const [phase, c] of [['idle', run.phases.idle?.connect], ['connects', run.phases.connects]] as const) if (c?.failed) out.push(`  ${name.padEnd(13)} ${phase}: ${c.failed} connects failed (${c.errors.join('; ')})  ← CHECK`);
  }
  for (const r of two?.runs ?? []) out.push(...integrityLines('kitestring×2', [[`${r.checkout} ${r.layout}`, r.chat]]));
  if (two?.log && (two.log.errors || two.log.warnings)) out.push(`kitestring×2 logs: ${two.log.errors} errors, ${two.log.warnings} warnings\n    ${two.log.samples.join('\n    ')}`);
  if (kitestringLog) out.push(`kitestring log: ${kitestringLog.errors} errors, ${kitestringLog.warnings} warnings${kitestringLog.samples.length ? `\n    ${kitestringLog.samples.join('\n    ')}` : ''}`);
  out.push('');
  for (const note of notes) out.push(`note: ${note}`);
  const disturbed = rows.filter((r) => r.suspect?.length).length;
  out.push(invalid.length ? `RUN INVALID — the generator was CPU-bound:\n  ${invalid.join('\n  ')}` : `run valid: no generator reached ${config.cpuBoundShare * 100} % of a core in a measured phase` +
    (disturbed ? `; but ${disturbed} figure(s) marked * are disturbed: the generator could not keep its schedule (machine oversubscribed)` : ''));

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(REPO, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const curves: Partial<Record<TargetName, ChatSummary[]>> = {};
  for (const [name, run] of Object.entries(runs) as Array<[TargetName, TargetRun]>) curves[name] = run.phases.large;
  const svgTitle = `Delivery latency vs offered load, ${large.members.toLocaleString('en-US')} members, rooms of ${large.roomSize} (scale ${config.scale})`;
  writeFileSync(join(dir, `hub-${stamp}.svg`), latencySvg(curves, svgTitle));
  Object.assign(json, {
    finishedAt: new Date().toISOString(), loadavgAtEnd: loadavg(), valid: invalid.length === 0, invalid, disturbedFigures: disturbed, notes,
    rows: rows.map((r) => ({ ...r, ratio: ratioOf(r), verdict: verdict(r) })),
    runs, twoProcesses: two, coldReadyMs, kitestringLog,
  });
  writeFileSync(join(dir, `hub-${stamp}.json`), JSON.stringify(json, (_, v) => (v instanceof Float64Array ? undefined : v), 2));
  out.push(`wrote bench-results/hub-${stamp}.json and bench-results/hub-${stamp}.svg`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main()
  .catch((error) => {
    progress(`failed: ${(error as Error)?.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (interrupted) return;
    await cleanupAll();
    process.exit(process.exitCode ?? 0);
  });
