/**
 * The bench's side of the load generators: forks them, splits sockets between them (round-robin),
 * starts each phase on all of them at one epoch instant, samples the servers' CPU over the same measured
 * window from /proc, and merges what they report (latencies, deliveries per message: lost / duplicated).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChatCommand, ChatResult, Command, ConnectResult, Reply, SignupResult, SocketSpec } from './protocol';
import { cpuSeconds, epochNow, machineBusySeconds, untilEpoch } from './proc';

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function concatSorted(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all.sort();
}

export interface ConnectSummary {
  ok: number;
  failed: number;
  errors: string[];
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  generatorCpu: number;
  serverCpuSeconds: number;
  /** Cores the rest of the machine (Redis included) kept busy meanwhile. */
  otherCores: number;
}

export interface ChatSummary {
  rate: number;
  roomSize: number;
  sockets: number;
  sent: number;
  sentInWindow: number;
  deliveriesExpected: number;
  deliveriesInWindowPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  ackP50: number;
  ackP99: number;
  ackErrors: number;
  ackErrorSamples: string[];
  lost: number;
  duplicated: number;
  outOfOrder: number;
  gaps: number;
  disconnects: number;
  sendLagP99: number;
  generatorCpu: number;
  serverCpuSeconds: number;
  /** Server CPU during the window ÷ deliveries received in it, µs. */
  cpuPerDeliveryUs: number;
  drainMs: number;
  /** Redis CPU (INFO cpu; the Redis is shared, so indicative) during the window ÷ deliveries in it, µs. */
  redisCpuPerDeliveryUs: number;
  /** Cores the rest of the machine (not the servers, generators or Redis: other sessions) kept busy during the window. */
  otherCores: number;
  /** Latencies sorted, kept only until the caller has what it needs. */
  latencies?: Float64Array;
}

export interface SignupSummary {
  attempts: number;
  allAcksMs: number;
  confirmed: number;
  waitlisted: number;
  positionsOk: boolean;
  errors: string[];
  generatorCpu: number;
}

export class Generators {
  private readonly procs: ChildProcess[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(count: number) {
    const path = fileURLToPath(new URL('./generator.ts', import.meta.url));
    for (let i = 0; i < count; i++) {
      const child = fork(path, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (reply: Reply) => {
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        if (reply.ok) waiting.resolve(reply.result);
        else waiting.reject(new Error(`generator ${i}: ${reply.error}`));
      });
      child.on('error', () => {});
      child.on('exit', (code) => {
        for (const [id, waiting] of this.pending) {
          this.pending.delete(id);
          waiting.reject(new Error(`generator ${i} exited (${code})`));
        }
      });
      this.procs.push(child);
    }
  }

  get count() {
    return this.procs.length;
  }

  get pids(): number[] {
    return this.procs.map((p) => p.pid!);
  }

  private request<T>(i: number, command: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const child = this.procs[i];
      if (!child.connected) return reject(new Error(`generator ${i} is gone`));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...command, id });
    });
  }

  private all<T>(command: (i: number) => Command): Promise<T[]> {
    return Promise.all(this.procs.map((_, i) => this.request<T>(i, command(i))));
  }

  /** Opens (and joins) the sockets of a pool; measures connects/s and the servers' CPU meanwhile. */
  async connect(pool: string, sockets: SocketSpec[], concurrency: number, serverPids: number[], join = true): Promise<ConnectSummary> {
    const G = this.count;
    const cpu0 = sumCpu(serverPids);
    const machine0 = machineBusySeconds();
    const parts = await this.all<ConnectResult>((g) => ({
      type: 'connect', pool, join, concurrency: Math.max(1, Math.ceil(concurrency / G)),
      sockets: sockets.filter((_, i) => i % G === g),
    }));
    const serverCpuSeconds = sumCpu(serverPids) - cpu0;
    const machineSeconds = machineBusySeconds() - machine0;
    const seconds = (Math.max(...parts.map((p) => p.endedAt)) - Math.min(...parts.map((p) => p.startedAt))) / 1000;
    const generatorSeconds = parts.reduce((n, p) => n + p.cpuShare, 0) * seconds;
    const latencies = concatSorted(parts.map((p) => p.latencies));
    const ok = parts.reduce((n, p) => n + p.ok, 0);
    return {
      ok, failed: parts.reduce((n, p) => n + p.failed, 0), errors: parts.flatMap((p) => p.errors).slice(0, 5),
      seconds, perSecond: ok / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
      generatorCpu: Math.max(...parts.map((p) => p.cpuShare)), serverCpuSeconds,
      otherCores: Math.max(0, (machineSeconds - serverCpuSeconds - generatorSeconds) / seconds),
    };
  }

  close(pool: string): Promise<unknown> {
    return this.all(() => ({ type: 'close', pool }));
  }

  /**
   * Offers `rate` messages a second to the pool's rooms for warmup + measured seconds, open loop;
   * `roomSockets` is how many sockets of the pool are in each room (the deliveries each message owes).
   */
  async chat(pool: string, opts: { rate: number; rooms: string[]; roomSockets: Map<string, number>; warmupMs: number; measureMs: number; tag: string; bodyLength: number; serverPids: number[]; redisCpu: () => Promise<number>; keepLatencies?: boolean }): Promise<ChatSummary> {
    const G = this.count;
    const startAt = epochNow() + 300;
    const windowStart = startAt + opts.warmupMs;
    const windowEnd = windowStart + opts.measureMs;
    const totalGlobal = Math.floor(((opts.warmupMs + opts.measureMs) * opts.rate) / 1000);
    const maxPerGen = Math.ceil(totalGlobal / G) + 1;
    const sample = async () => ({ server: sumCpu(opts.serverPids), machine: machineBusySeconds(), redis: await opts.redisCpu().catch(() => Number.NaN) });
    const sampling = untilEpoch(windowStart).then(async () => {
      const first = await sample();
      await untilEpoch(windowEnd);
      return { first, last: await sample() };
    });
    const parts = await this.all<ChatResult>((g): ChatCommand => ({
      type: 'chat', pool, rate: opts.rate, genIndex: g, genCount: G, rooms: opts.rooms, startAt,
      warmupMs: opts.warmupMs, measureMs: opts.measureMs, maxPerGen, tag: opts.tag, bodyLength: opts.bodyLength,
    }));
    const { first, last } = await sampling;
    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    parts.forEach((sender, g) => {
      for (let k = 0; k < maxPerGen; k++) {
        if (sender.roomOf[k] < 0) continue;
        const owed = opts.roomSockets.get(opts.rooms[sender.roomOf[k]]) ?? 0;
        let got = 0;
        for (const receiver of parts) got += receiver.received[g][k];
        expected += owed;
        if (got < owed) lost += owed - got;
        if (got > owed) duplicated += got - owed;
      }
    });
    const latencies = concatSorted(parts.map((p) => p.latencies));
    const acks = concatSorted(parts.map((p) => p.ackLatencies));
    const deliveriesInWindow = parts.reduce((n, p) => n + p.deliveriesInWindow, 0);
    const serverCpuSeconds = last.server - first.server;
    const redisSeconds = last.redis - first.redis;
    const sum = (f: (p: ChatResult) => number) => parts.reduce((n, p) => n + f(p), 0);
    const generatorSeconds = sum((p) => p.cpuShare) * (opts.measureMs / 1000);
    const otherSeconds = last.machine - first.machine - serverCpuSeconds - generatorSeconds - (Number.isFinite(redisSeconds) ? redisSeconds : 0);
    return {
      rate: opts.rate,
      roomSize: Math.max(...opts.roomSockets.values()),
      sockets: [...opts.roomSockets.values()].reduce((a, b) => a + b, 0),
      sent: sum((p) => p.sent), sentInWindow: sum((p) => p.sentInWindow), deliveriesExpected: expected,
      deliveriesInWindowPerSecond: deliveriesInWindow / (opts.measureMs / 1000),
      p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? Number.NaN, samples: latencies.length,
      ackP50: percentile(acks, 50), ackP99: percentile(acks, 99),
      ackErrors: sum((p) => p.ackErrors), ackErrorSamples: parts.flatMap((p) => p.ackErrorSamples).slice(0, 5),
      lost, duplicated, outOfOrder: sum((p) => p.outOfOrder), gaps: sum((p) => p.gaps), disconnects: sum((p) => p.disconnects),
      sendLagP99: Math.max(...parts.map((p) => p.sendLagP99)),
      generatorCpu: Math.max(...parts.map((p) => p.cpuShare)),
      serverCpuSeconds, cpuPerDeliveryUs: (serverCpuSeconds / deliveriesInWindow) * 1e6,
      drainMs: Math.max(...parts.map((p) => p.drainMs)),
      redisCpuPerDeliveryUs: (redisSeconds / deliveriesInWindow) * 1e6,
      otherCores: Math.max(0, otherSeconds / (opts.measureMs / 1000)),
      latencies: opts.keepLatencies ? latencies : undefined,
    };
  }

  /** Every socket of the pool with a global index below `count` signs up at once. */
  async signup(pool: string, count: number, meetingId: number, seats: number): Promise<SignupSummary> {
    const startAt = epochNow() + 300;
    const parts = await this.all<SignupResult>((g) => ({ type: 'signup', pool, count, genIndex: g, genCount: this.count, meetingId, startAt }));
    const positions = parts.flatMap((p) => p.positions).sort((a, b) => a - b);
    const confirmed = parts.reduce((n, p) => n + p.confirmed, 0);
    const waitlisted = parts.reduce((n, p) => n + p.waitlisted, 0);
    return {
      attempts: parts.reduce((n, p) => n + p.attempts, 0),
      allAcksMs: Math.max(...parts.map((p) => p.lastAckAt)) - Math.min(...parts.map((p) => p.firstSentAt)),
      confirmed, waitlisted,
      positionsOk: confirmed <= seats && positions.every((p, i) => p === i + 1),
      errors: parts.flatMap((p) => p.errors).slice(0, 5),
      generatorCpu: Math.max(...parts.map((p) => p.cpuShare)),
    };
  }

  async stop(): Promise<void> {
    await Promise.race([this.all(() => ({ type: 'exit' })).catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }

  kill(): void {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}

function sumCpu(pids: number[]): number {
  return pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
}
