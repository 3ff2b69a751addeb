// Helpers of R1, R2 and R3 (chat durability): server child processes, a TCP proxy that stands in for the
// load balancer (or the phone's network), and a redis-server of the test's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { ChatMessage } from '../../../server/contract/model';
import { request, sleep, type TestSocket } from '../../helpers/clients';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** Resolves with the port once the server prints that it is running. */
  ready: Promise<number>;
  output(): string;
  /** Resolves when the process has exited (with its code or signal). */
  exited: Promise<number | string | null>;
}

/** `server/main.ts` as its own process, exactly as `npm start` runs it, on a free port. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'off', CHAT_RATE_LIMIT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /http:\/\/localhost:(\d+)\//.exec(output);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before it was ready: ${output}`)));
  });
  ready.catch(() => {});
  return { child, ready, exited, output: () => output };
}

/**
 * A TCP proxy on 127.0.0.1: what a load balancer (or a phone's network) is to the clients. It forwards each
 * connection to the current target; `cut` drops every connection abruptly; `blackhole` stops moving bytes
 * either way without closing anything (a network that went silent: neither side notices until a ping times out).
 */
export class TcpProxy {
  private server!: Server;
  private target = 0;
  private silent = false;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  port = 0;

  async listen(target: number): Promise<this> {
    this.target = target;
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.target });
      const pair = { client, upstream };
      this.pairs.add(pair);
      const drop = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
      if (this.silent) {
        client.pause();
        upstream.pause();
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** New connections go to `port`; those open now stay where they are. */
  setTarget(port: number): void {
    this.target = port;
  }

  /** Stops forwarding in both directions (the bytes wait in the kernel's buffers, then die with `cut`). */
  blackhole(on: boolean): void {
    this.silent = on;
    for (const { client, upstream } of this.pairs) {
      if (on) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      } else {
        client.pipe(upstream);
        upstream.pipe(client);
      }
    }
  }

  /** Drops every open connection at once, both sides (a reset, not a goodbye). */
  cut(): number {
    const count = this.pairs.size;
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
    return count;
  }

  get open(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A redis-server of the test's own (nothing on disk, as in the README's set-up), restartable on its port. */
export class OwnRedis {
  private child: ChildProcess | null = null;
  /** `args`: more redis-server options (a cluster node's, say). */
  constructor(readonly port: number, private readonly args: string[] = []) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.args], { stdio: 'ignore' });
    const until = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      const up = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
      probe.disconnect();
      if (up) return;
      if (Date.now() > until) throw new Error(`redis-server on ${this.port} did not start`);
      await sleep(50);
    }
  }

  /** Kills it (SIGKILL: whatever it held is gone, as after a crash). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
}

/** The highest seq reached without a hole, starting from `from` (the seq already held). */
export function contiguousFrom(from: number, seqs: Iterable<number>): number {
  const have = new Set(seqs);
  let at = from;
  while (have.has(at + 1)) at++;
  return at;
}

/** Checks that `messages` are exactly the seqs from..to, ascending, each once; returns what is wrong. */
export function exactRange(messages: Array<Pick<ChatMessage, 'seq'>>, from: number, to: number): string[] {
  const problems: string[] = [];
  const seqs = messages.map((m) => m.seq);
  const expected = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  if (seqs.length !== expected.length || seqs.some((s, i) => s !== expected[i])) {
    const missing = expected.filter((s) => !seqs.includes(s));
    const extra = seqs.filter((s) => s < from || s > to);
    const repeats = seqs.filter((s, i) => seqs.indexOf(s) !== i);
    const disorder = seqs.some((s, i) => i > 0 && s < seqs[i - 1]);
    problems.push(`expected seq ${from}..${to} (${expected.length}), got ${seqs.length}: missing ${missing.length} [${missing.slice(0, 5)}], extra [${extra.slice(0, 5)}], repeated [${repeats.slice(0, 5)}]${disorder ? ', out of order' : ''}`);
  }
  return problems;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Gap fill as the client does it (client/src/chat/chatStore.ts): `room:join {roomId, since}`, then
 * `chat:history {afterSeq}` while `more`. Returns the room's seq at the join and every message after `since`.
 */
export async function catchUpFrom(socket: TestSocket, roomId: string, since: number, timeoutMs = 10_000): Promise<{ seq: number; got: ChatMessage[] }> {
  const join = await request(socket, 'room:join', { roomId, since }, timeoutMs);
  if (!join.ok) throw new Error(`catch-up join: ${join.error.code} ${join.error.message}`);
  const got = [...join.data.messages];
  let more = join.data.more === true;
  while (more) {
    const afterSeq = got.length > 0 ? got[got.length - 1].seq : since;
    const page = await request(socket, 'chat:history', { roomId, afterSeq, limit: 200 }, timeoutMs);
    if (!page.ok) throw new Error(`catch-up page: ${page.error.code}`);
    got.push(...page.data.messages);
    more = page.data.messages.length === 200;
  }
  return { seq: join.data.seq, got };
}
