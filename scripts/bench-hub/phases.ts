/**
 * One target's run (the same phases, sizes and generator for every target): idle sockets' memory, the
 * small chat (rooms of 50), connects of the large district, the large chat at each offered rate (rooms
 * of 100), the sign-up storm. The two-process phases are in twoProcesses.ts.
 */
import type { Redis } from 'ioredis';
import type { BenchConfig } from './config';
import type { ChatSummary, ConnectSummary, Generators, SignupSummary } from './gens';
import { cpuSeconds, rssBytes } from './proc';
import type { SocketSpec } from './protocol';
import type { Member } from './seed';
import { redisCpuSeconds } from './targets';

export interface IdleResult {
  sockets: number;
  rssBefore: number;
  rssAfter: number;
  bytesPerSocket: number;
  connect: ConnectSummary;
}

export interface PhaseResults {
  /** Server CPU with no socket open (timers, queues, presence refresh), ms per second. */
  idleCpuMsPerSecond?: number;
  idle?: IdleResult;
  small?: ChatSummary;
  connects?: ConnectSummary & { cpuPerConnectMs: number };
  large: ChatSummary[];
  signup?: SignupSummary;
}

export interface Context {
  cfg: BenchConfig;
  gens: Generators;
  redis: Redis;
  target: string;
  progress: (line: string) => void;
  runTag: string;
}

let phaseCounter = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function specs(members: Member[], urls: string[], copies = 1): SocketSpec[] {
  const out: SocketSpec[] = [];
  for (let c = 0; c < copies; c++) members.forEach((m, i) => out.push({ url: urls[(i + c) % urls.length], token: m.token, room: m.room }));
  return out;
}

function roomCounts(list: SocketSpec[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of list) counts.set(s.room, (counts.get(s.room) ?? 0) + 1);
  return counts;
}

function describeChat(c: ChatSummary): string {
  const problems = [c.lost && `lost ${c.lost}`, c.duplicated && `dup ${c.duplicated}`, c.outOfOrder && `out of order ${c.outOfOrder}`, c.ackErrors && `ack errors ${c.ackErrors}`, c.disconnects && `disconnects ${c.disconnects}`].filter(Boolean);
  return `${c.rate} msg/s: delivery p50 ${fmt(c.p50)} ms p99 ${fmt(c.p99)} ms, ${Math.round(c.deliveriesInWindowPerSecond)} deliveries/s, ` +
    `server CPU ${fmt(c.cpuPerDeliveryUs)} µs/delivery (Redis ${fmt(c.redisCpuPerDeliveryUs)}), ack p99 ${fmt(c.ackP99)} ms, generator ${fmt(c.generatorCpu * 100, 0)} % CPU, ` +
    `send lag p99 ${fmt(c.sendLagP99)} ms, rest of machine ${fmt(c.otherCores, 2)} cores` +
    (problems.length ? ` — ${problems.join(', ')}` : '');
}

/** One chat phase on an open pool. */
export async function chatPhase(ctx: Context, pool: string, list: SocketSpec[], rate: number, serverPids: number[], label: string): Promise<ChatSummary> {
  const counts = roomCounts(list);
  const chat = await ctx.gens.chat(pool, {
    rate, rooms: [...counts.keys()], roomSockets: counts, warmupMs: ctx.cfg.warmupSeconds * 1000, measureMs: ctx.cfg.seconds * 1000,
    // Unique per phase: kitestring stores a (room, author, clientId) once and broadcasts a resend never.
    tag: `${ctx.runTag}p${++phaseCounter}`, bodyLength: ctx.cfg.bodyLength, serverPids, redisCpu: () => redisCpuSeconds(ctx.redis),
  });
  ctx.progress(`${ctx.target}: ${label} ${describeChat(chat)}`);
  return chat;
}

type Server = { urls: string[]; pids: number[] };
type District = { small: Member[]; large: Member[]; meetingId: number };

/** Warm-up (not measured), the server's CPU with nothing connected, then idle sockets' memory. */
export async function idleBlock(ctx: Context, server: Server, seeded: District, results: PhaseResults): Promise<void> {
  const { cfg, gens, progress, target } = ctx;
  const pids = server.pids;
  // The first connects compile the handshake and join paths.
  await gens.connect('warm', specs(seeded.large.slice(0, Math.min(200, seeded.large.length)), server.urls), cfg.connectConcurrency, pids);
  await gens.close('warm');
  await sleep(5000);
  const cpu0 = pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
  await sleep(5000);
  results.idleCpuMsPerSecond = ((pids.reduce((n, pid) => n + cpuSeconds(pid), 0) - cpu0) / 5) * 1000;

  // 3 sockets per member of the large district, each joined to the member's room: RSS after minus before.
  const idleSpecs = specs(seeded.large, server.urls, cfg.idle.socketsPerMember);
  const rssBefore = pids.reduce((n, pid) => n + rssBytes(pid), 0);
  const connect = await gens.connect('idle', idleSpecs, cfg.connectConcurrency, pids);
  await sleep(3000);
  const rssAfter = pids.reduce((n, pid) => n + rssBytes(pid), 0);
  results.idle = { sockets: connect.ok, rssBefore, rssAfter, bytesPerSocket: (rssAfter - rssBefore) / connect.ok, connect };
  progress(`${target}: idle CPU ${fmt(results.idleCpuMsPerSecond)} ms/s; ${connect.ok} idle sockets (${connect.failed} failed${connect.errors.length ? `: ${connect.errors[0]}` : ''}) in ${fmt(connect.seconds)} s, ` +
    `RSS ${fmt(rssBefore / 2 ** 20)} → ${fmt(rssAfter / 2 ** 20)} MB = ${fmt(results.idle.bytesPerSocket / 1024)} KB/socket`);
  await gens.close('idle');
  await sleep(3000);
}

/** The small chat: 1,000 members in rooms of 50. */
export async function smallBlock(ctx: Context, server: Server, seeded: District, results: PhaseResults): Promise<void> {
  const small = specs(seeded.small, server.urls);
  const connect = await ctx.gens.connect('small', small, ctx.cfg.connectConcurrency, server.pids);
  if (connect.failed) ctx.progress(`${ctx.target}: small — ${connect.failed} connects failed: ${connect.errors.join('; ')}`);
  await sleep(1000);
  results.small = await chatPhase(ctx, 'small', small, ctx.cfg.small.rate, server.pids, `chat ${seeded.small.length} members, rooms of ${ctx.cfg.small.roomSize},`);
  await ctx.gens.close('small');
  await sleep(2000);
}

/** Connects of the large district, its chat at every offered rate, then the sign-up storm. */
export async function largeBlock(ctx: Context, server: Server, seeded: District, results: PhaseResults): Promise<void> {
  const { cfg, gens, progress, target } = ctx;
  const pids = server.pids;
  const large = specs(seeded.large, server.urls);
  const connects = await gens.connect('large', large, cfg.connectConcurrency, pids);
  results.connects = { ...connects, cpuPerConnectMs: (connects.serverCpuSeconds / connects.ok) * 1000 };
  progress(`${target}: connects — ${connects.ok} in ${fmt(connects.seconds)} s = ${Math.round(connects.perSecond)}/s, server CPU ${fmt(results.connects.cpuPerConnectMs, 2)} ms/connect, ` +
    `connect p99 ${fmt(connects.p99)} ms, generator ${fmt(connects.generatorCpu * 100, 0)} % CPU, rest of machine ${fmt(connects.otherCores, 2)} cores` +
    `${connects.failed ? `, ${connects.failed} failed: ${connects.errors.join('; ')}` : ''}`);
  await sleep(1000);
  // Ascending: the saturating rate last.
  for (const rate of cfg.large.rates) {
    results.large.push(await chatPhase(ctx, 'large', large, rate, pids, `chat ${seeded.large.length} members, rooms of ${cfg.large.roomSize},`));
    await sleep(1000);
  }
  // The first members of the large district all sign up for one meeting at once.
  const signup = await gens.signup('large', cfg.signup.members, seeded.meetingId, cfg.signup.seats);
  results.signup = signup;
  progress(`${target}: sign-up storm — ${signup.attempts} sign-ups, all acked in ${fmt(signup.allAcksMs)} ms, ${signup.confirmed} confirmed, ${signup.waitlisted} waitlisted` +
    `${signup.positionsOk ? '' : ' (WAITLIST POSITIONS WRONG)'}${signup.errors.length ? `, errors: ${signup.errors.join('; ')}` : ''}`);
  await gens.close('large');
  await sleep(2000);
}
