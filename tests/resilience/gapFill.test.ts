import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../server/contract/model';
import { connect, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { buildDistrict, type District } from '../helpers/district';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/server';
import { catchUpFrom, contiguousFrom, exactRange, OwnRedis, TcpProxy } from './support/h1';

// R2: a member's gap fill (PROTOCOL.md, `room:join {roomId, since}`, then `chat:history {afterSeq}` while
// `more`) after being offline, after a restart of the server they were on, and after a restart of Redis (a
// redis-server of this file's own, nothing on disk, so every key and subscription is gone). Two servers on
// one store and that Redis; the others keep writing through the second server. The member is modelled on
// the real client (client/src/chat/chatStore.ts): it holds the room's messages by seq, catches up from the
// last seq it holds without a hole on every connect, and when a live message arrives beyond a hole that
// is still there 500 ms later. It must get exactly the messages it missed, in order, each as stored.

const ENV = { WORKERS: 'off' };
const OFFLINE_MESSAGES = 600; // 30 s offline while the room talks at 20 msg/s: more than one join's page (500)

interface CatchUp {
  reason: string;
  since: number;
  seq: number;
  got: ChatMessage[];
}

/** The member: the room's messages by seq, caught up by seq as the browser client does. */
class Member {
  readonly socket: Socket;
  readonly held = new Map<number, ChatMessage>();
  readonly catchUps: CatchUp[] = [];
  readonly conflicts: string[] = [];
  liveDuplicates = 0;
  private catchUpTimer: NodeJS.Timeout | null = null;
  private catchingUp: Promise<void> | null = null;

  constructor(url: string, token: string, readonly roomId: string) {
    this.socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    this.socket.on('connect', () => void this.catchUp('connect'));
    this.socket.on('chat:message', (m: ChatMessage) => {
      if (m.roomId !== roomId) return;
      if (this.held.has(m.seq)) this.liveDuplicates++;
      this.keep(m);
      // A live message beyond a hole: one in flight from the other server may fill it; if not, fetch it.
      if (m.seq > this.contiguous() + 1 && !this.catchUpTimer) {
        this.catchUpTimer = setTimeout(() => {
          this.catchUpTimer = null;
          if (this.contiguous() < m.seq) void this.catchUp('hole');
        }, 500);
      }
    });
  }

  contiguous(): number {
    return contiguousFrom(0, this.held.keys());
  }

  private keep(m: ChatMessage): void {
    const had = this.held.get(m.seq);
    if (had && (had.id !== m.id || had.body !== m.body)) this.conflicts.push(`seq ${m.seq}: ${had.id} and ${m.id}`);
    this.held.set(m.seq, m);
  }

  catchUp(reason: string): Promise<void> {
    const run = async () => {
      const since = this.contiguous();
      const { seq, got } = await catchUpFrom(this.socket as TestSocket, this.roomId, since);
      got.forEach((m) => this.keep(m));
      this.catchUps.push({ reason, since, seq, got });
    };
    // One catch-up at a time; a later reason runs after the one under way.
    const previous = this.catchingUp ?? Promise.resolve();
    const next = previous.then(run, run);
    this.catchingUp = next.catch(() => {});
    return next;
  }
}

/** The others in the room: they write through the second server, each message retried with its clientId until acked. */
class Flow {
  readonly acked = new Map<number, ChatMessage>();
  readonly retries: string[] = [];
  private made = 0;
  private running: Array<Promise<void>> = [];

  constructor(private readonly senders: TestSocket[], private readonly roomId: string, private readonly tag: string) {}

  private async sendOne(): Promise<void> {
    const k = this.made++;
    const socket = this.senders[k % this.senders.length];
    const payload = { roomId: this.roomId, clientId: `${this.tag}-${k}`, body: `R2 ${this.tag} ${k}` };
    for (let attempt = 0; ; attempt++) {
      const ack = await (socket.timeout(10_000) as any).emitWithAck('chat:send', payload).catch((e: Error) => ({ ok: false, error: { code: 'timeout', message: e.message } }));
      if (ack.ok) {
        this.acked.set(ack.data.message.seq, ack.data.message);
        return;
      }
      this.retries.push(`${payload.clientId}: ${ack.error.code}`);
      if (attempt > 20) throw new Error(`${payload.clientId} never acked: ${ack.error.code}`);
      await sleep(200);
    }
  }

  /** `count` messages, `parallel` at a time; resolves when all are acked. */
  async burst(count: number, parallel = 20): Promise<void> {
    let left = count;
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (left-- > 0) await this.sendOne();
    }));
  }

  /** A steady `perSecond` until `stop()`. */
  start(perSecond: number): void {
    let on = true;
    const t0 = Date.now();
    let n = 0;
    const loop = (async () => {
      while (on) {
        const due = t0 + (n * 1000) / perSecond;
        if (Date.now() < due) await sleep(due - Date.now());
        if (!on) break;
        n++;
        this.running.push(this.sendOne());
      }
    })();
    this.stop = async () => {
      on = false;
      await loop;
      await Promise.all(this.running);
      this.running = [];
    };
  }

  stop: () => Promise<void> = async () => {};
}

let redis: OwnRedis | undefined;
let store: TestStore | undefined;
let one: TestServer | undefined;
let two: TestServer | undefined;
let proxy: TcpProxy | undefined;
let d: District;
let flow: Flow;
const roomId = () => `org:${d.branchA.id}`;
const members: Member[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  redis = await OwnRedis.start();
  store = createTestStore();
  one = await startTestServer(store, { env: { REDIS_URL: redis.url, ...ENV } });
  two = await startTestServer(store, { env: { REDIS_URL: redis.url, ...ENV } });
  d = await buildDistrict(one.url, one.db);
  proxy = await new TcpProxy().listen(one.port);
  const senders = await Promise.all([d.amy, d.orgA, d.genOrg].map((p) => connect(two!.url, { token: p.token })));
  sockets.push(...senders);
  flow = new Flow(senders, roomId(), 'r2');
  await flow.burst(30); // the room has a past
});

afterAll(async () => {
  members.forEach((m) => m.socket.close());
  sockets.forEach((s) => s.close());
  await proxy?.close();
  await one?.close();
  await two?.close();
  await redis?.kill();
  await store?.destroy();
});

/** What the member's catch-ups since `from` brought: each exactly since+1.. in order, and the room as stored. */
async function verify(member: Member, from: number, missed: number[]) {
  const catchUps = member.catchUps.slice(from);
  const problems: string[] = [];
  for (const c of catchUps) {
    problems.push(...exactRange(c.got, c.since + 1, Math.max(c.seq, c.since + c.got.length)).map((p) => `${c.reason} catch-up since ${c.since}: ${p}`));
    for (const m of c.got) {
      const truth = flow.acked.get(m.seq);
      if (truth && (truth.id !== m.id || truth.body !== m.body)) problems.push(`${c.reason} catch-up: seq ${m.seq} is not the stored message`);
    }
  }
  const brought = new Set(catchUps.flatMap((c) => c.got.map((m) => m.seq)));
  const notBrought = missed.filter((s) => !brought.has(s));
  if (notBrought.length > 0) problems.push(`${notBrought.length} missed messages not brought by a catch-up [${notBrought.slice(0, 5)}]`);
  // Everything the member holds is the room from 1 on, each once, as the database has it.
  const rows: Array<{ id: number; seq: number; body: string }> = await one!.db.knex('messages').where({ room_id: roomId() }).orderBy('seq').select('id', 'seq', 'body');
  const held = [...member.held.values()].sort((a, b) => a.seq - b.seq);
  problems.push(...exactRange(held, 1, rows.length).map((p) => `held: ${p}`));
  held.forEach((m, i) => {
    if (rows[i] && (Number(rows[i].id) !== m.id || rows[i].body !== m.body)) problems.push(`held seq ${m.seq} differs from the database`);
  });
  problems.push(...member.conflicts);
  return { problems, catchUps, brought: brought.size };
}

const summary = (cs: CatchUp[]) => cs.map((c) => `${c.reason} since ${c.since} → ${c.got.length} (${c.got[0]?.seq ?? '-'}..${c.got[c.got.length - 1]?.seq ?? '-'})`).join(', ');

describe('R2: gap fill', () => {
  it('after being offline (the network silent, then a new connection): exactly the missed messages, in order', async () => {
    const member = new Member(proxy!.url, d.alice.token, roomId());
    members.push(member);
    await waitFor(() => member.catchUps.length === 1, 10_000, 'first join');
    const before = member.contiguous();
    expect(before).toBe(flow.acked.size);

    // The phone's network goes silent: nothing in or out, and neither side notices (a ping every 20 s,
    // 20 s to answer). The room talks on: 30 s worth at 20 msg/s.
    proxy!.blackhole(true);
    const started = Date.now();
    const from = member.catchUps.length;
    await flow.burst(OFFLINE_MESSAGES);
    const missed = [...flow.acked.keys()].filter((s) => s > before).sort((a, b) => a - b); // acked out of order by parallel senders
    const stillListed = (await one!.app.io.local.fetchSockets()).filter((s) => s.data.actor?.id === d.alice.user.id).length;
    // The phone comes back on another network: the old connection is dead, a new one opens.
    proxy!.blackhole(false);
    proxy!.cut();
    await waitFor(() => member.catchUps.length > from && member.contiguous() >= flow.acked.size, 15_000, 'the catch-up');
    const offlineMs = Date.now() - started;
    const { problems, catchUps, brought } = await verify(member, from, missed);
    console.info(
      `R2 offline: ${missed.length} messages written while the member's network was silent (${(offlineMs / 1000).toFixed(1)} s here; the server still held ${stillListed} socket(s) for it, as it would through 30 s); ` +
        `the catch-up brought ${brought} (${summary(catchUps)}), ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
    expect(catchUps[0].got.map((m) => m.seq)).toEqual(missed);
  });

  it('after a restart of the server the member was on: exactly the missed messages, in order', async () => {
    const member = members[0];
    const from = member.catchUps.length;
    const before = member.contiguous();
    flow.start(40);
    await sleep(500);
    const port = one!.port;
    let droppedAt = -1;
    member.socket.once('disconnect', () => (droppedAt = member.contiguous()));
    const stopped = Date.now();
    await one!.close();
    await sleep(1000); // down for a second while the room talks on through the other server
    one = await startTestServer(store!, { port, env: { REDIS_URL: redis!.url, ...ENV } });
    const downMs = Date.now() - stopped;
    await waitFor(() => member.catchUps.length > from, 15_000, 'the catch-up after the restart').catch((e) => {
      throw new Error(`${e.message}: connected ${member.socket.connected}, proxy open ${proxy!.open}, catch-ups ${summary(member.catchUps)}`);
    });
    await sleep(500);
    await flow.stop();
    await waitFor(() => member.contiguous() >= flow.acked.size, 10_000, 'every message');
    // The first catch-up after the restart starts where the member was when its connection dropped, and brings
    // everything from there to the room's end at that moment (later ones arrive live).
    const first = member.catchUps[from];
    const missed = [...flow.acked.keys()].filter((s) => s > droppedAt && s <= first.seq).sort((a, b) => a - b);
    const { problems, catchUps } = await verify(member, from, missed);
    console.info(
      `R2 server restart: down ${(downMs / 1000).toFixed(1)} s at 40 msg/s through the other server; the member held 1..${droppedAt} when its connection dropped and reconnected by itself; catch-ups: ${summary(catchUps)}; ` +
        `${member.liveDuplicates} live messages already held (dropped by seq), ${problems.length} problems; holds 1..${member.contiguous()} of ${flow.acked.size}`,
    );
    expect(problems).toEqual([]);
    expect(first.reason).toBe('connect');
    expect(first.since).toBe(droppedAt);
    expect(first.got.map((m) => m.seq)).toEqual(missed);
    expect(droppedAt).toBeGreaterThan(before); // it was hearing the room live until the restart
  });

  it('after a restart of Redis (every key and subscription gone): exactly the missed messages, in order', async () => {
    const member = members[0];
    const from = member.catchUps.length;
    const liveBefore = member.held.size;
    flow.start(40);
    await sleep(500);
    const stopped = Date.now();
    await redis!.kill();
    await sleep(2000); // the room talks on; the second server stores, but its broadcasts have nowhere to go
    const restarted = Date.now();
    await redis!.start();
    const downMs = Date.now() - stopped;
    await waitFor(async () => (await fetch(`${one!.url}/healthz`)).status === 200 && (await fetch(`${two!.url}/healthz`)).status === 200, 15_000, 'both servers healthy again');
    await sleep(1500);
    await flow.stop();
    await waitFor(() => member.contiguous() >= flow.acked.size, 15_000, 'every message');
    const { problems, catchUps } = await verify(member, from, []);
    const broughtLater = catchUps.reduce((n, c) => n + c.got.length, 0);
    const storedWhileDown = [...flow.acked.values()].filter((m) => Date.parse(m.createdAt) >= stopped && Date.parse(m.createdAt) < restarted).length;
    console.info(
      `R2 Redis restart: Redis down ${(downMs / 1000).toFixed(1)} s at 40 msg/s through the other server; ${storedWhileDown} messages stored while it was down; the member stayed connected; ` +
        `${member.held.size - liveBefore} new messages held, ${broughtLater} of them brought by catch-ups after a hole (their broadcasts lost in the outage: ${summary(catchUps) || 'none'}); ${problems.length} problems; holds 1..${member.contiguous()} of ${flow.acked.size}`,
    );
    expect(problems).toEqual([]);
    expect(storedWhileDown).toBeGreaterThan(0); // the room did talk on during the outage
  });
});
