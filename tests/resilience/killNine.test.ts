import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/contract/events';
import type { ChatMessage } from '../../server/contract/model';
import { createDatabase, migrateToLatest, type Database } from '../../server/db/database';
import { sleep, waitFor } from '../helpers/clients';
import { buildDistrict, createMembersFast, type Person } from '../helpers/district';
import { createTestStore, REDIS_URL, type TestStore } from '../helpers/server';
import { freePort, spawnServer, TcpProxy, type ServerProcess } from './support/h1';

// R1: `kill -9` of the server three times while 200 members send. Each member is the real client's outbox:
// one message in flight at a time, in order; a message whose ack did not come (the server died under it) is
// sent again with the same clientId once the socket is back. The clients reach the server through a TCP proxy
// (the load balancer); each killed process is replaced by a fresh `server/main.ts` on the same store, booted
// beforehand so the file stays short (a boot takes seconds on a busy 2-core machine; what the kill leaves
// behind does not depend on how long the replacement took to come up).

const MEMBERS = 200;
const KILLS = 3;
const PER_MEMBER_EVERY_MS = 1000; // 200 members: ≈ 200 messages a second offered

interface Draft {
  clientId: string;
  roomId: string;
  body: string;
  attempts: number;
  /** When an attempt of it was first lost with the connection. */
  lostAt?: number;
}

type Outcome = { kind: 'ack'; ack: Ack<{ message: ChatMessage }> } | { kind: 'lost' };

class OutboxClient {
  readonly socket: Socket;
  readonly outbox: Draft[] = [];
  readonly written: Draft[] = [];
  readonly acked = new Map<string, ChatMessage>();
  readonly refused: string[] = [];
  resends = 0;
  private made = 0;
  private wake: (() => void) | null = null;

  constructor(url: string, readonly person: Person, readonly index: number, private readonly rooms: string[]) {
    this.socket = io(url, {
      auth: { token: person.token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      randomizationFactor: 0.5,
    });
  }

  /** The member types a new message: it goes into the outbox at once. */
  write(): void {
    const k = this.made++;
    const draft = { clientId: `r1-${this.index}-${k}`, roomId: this.rooms[k % this.rooms.length], body: `R1 member ${this.index} message ${k}`, attempts: 0 };
    this.outbox.push(draft);
    this.written.push(draft);
    this.wake?.();
  }

  private sendOnce(draft: Draft): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.socket.off('disconnect', onDrop);
        resolve(outcome);
      };
      const onDrop = () => done({ kind: 'lost' });
      const timer = setTimeout(onDrop, 15_000);
      this.socket.once('disconnect', onDrop);
      this.socket.emit('chat:send', { roomId: draft.roomId, clientId: draft.clientId, body: draft.body }, (ack: Ack<{ message: ChatMessage }>) => done({ kind: 'ack', ack }));
    });
  }

  /** Sends the outbox in order until `stop()` says no more is coming and the outbox is empty. */
  async run(stopped: () => boolean): Promise<void> {
    while (!(stopped() && this.outbox.length === 0)) {
      if (this.outbox.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 100);
        });
        this.wake = null;
        continue;
      }
      if (!this.socket.connected) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          this.socket.once('connect', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        continue;
      }
      const draft = this.outbox[0];
      if (draft.attempts++ > 0) this.resends++;
      const outcome = await this.sendOnce(draft);
      if (outcome.kind === 'lost') {
        draft.lostAt ??= Date.now();
        continue; // the same clientId again once the socket is back
      }
      if (outcome.ack.ok) {
        this.acked.set(draft.clientId, outcome.ack.data.message);
        this.outbox.shift();
      } else if (['unavailable', 'internal', 'timeout'].includes(outcome.ack.error.code)) {
        await sleep(200); // the server could not take it now: the same clientId again shortly
      } else {
        this.refused.push(`${draft.clientId}: ${outcome.ack.error.code} ${outcome.ack.error.message}`);
        this.outbox.shift();
      }
    }
  }
}

let store: TestStore | undefined;
let db: Database | undefined;
let proxy: TcpProxy | undefined;
const processes: ServerProcess[] = [];
const clients: OutboxClient[] = [];

afterAll(async () => {
  clients.forEach((c) => c.socket.close());
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await proxy?.close();
  await db?.close();
  await store?.destroy();
});

describe('R1: kill -9 of the server while 200 members send', () => {
  it('loses no acked message, stores none twice, keeps each sender\'s order and every room\'s seq gapless', async () => {
    const started = Date.now();
    // SQLite in the suite; R1_DB=postgres runs the same against PostgreSQL.
    store = createTestStore(process.env.R1_DB === 'postgres' ? 'postgres' : undefined);
    db = createDatabase(store.databaseUrl);
    await migrateToLatest(db);
    const env = { DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, WORKERS: 'off' };
    // The first process and its three replacements, on the same store.
    for (let i = 0; i <= KILLS; i++) processes.push(spawnServer(env));
    const ports = await Promise.all(processes.map((p) => p.ready));
    const bootedMs = Date.now() - started;
    proxy = await new TcpProxy().listen(ports[0]);

    const d = await buildDistrict(`http://127.0.0.1:${ports[0]}`, db, `r1${Date.now().toString(36)}`);
    const inA = await createMembersFast(db, d.branchA.id, MEMBERS / 2, 'r1a');
    const inB = await createMembersFast(db, d.branchB.id, MEMBERS / 2, 'r1b');
    // Each member writes to their branch room and the two rooms above it, shared with the other branch.
    const shared = [`org:${d.general.id}`, `org:${d.committee.id}`];
    const people = [...inA.map((p) => ({ p, rooms: [`org:${d.branchA.id}`, ...shared] })), ...inB.map((p) => ({ p, rooms: [`org:${d.branchB.id}`, ...shared] }))];
    people.forEach(({ p, rooms }, i) => clients.push(new OutboxClient(proxy!.url, p, i, rooms)));
    await waitFor(() => clients.every((c) => c.socket.connected), 20_000, 'every member to connect');

    let generating = true;
    const writers = clients.map((c) => {
      const tick = async () => {
        await sleep(Math.random() * PER_MEMBER_EVERY_MS);
        while (generating) {
          c.write();
          await sleep(PER_MEMBER_EVERY_MS * (0.5 + Math.random()));
        }
      };
      return tick();
    });
    const senders = clients.map((c) => c.run(() => !generating));
    const ackedCount = () => clients.reduce((n, c) => n + c.acked.size, 0);

    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const from = ackedCount();
      const since = Date.now();
      await waitFor(() => ackedCount() - from >= 200 && Date.now() - since >= 1000, 30_000, `load on process ${k + 1}`);
      const inFlight = clients.filter((c) => c.outbox.length > 0).length;
      proxy.setTarget(ports[k + 1]);
      processes[k].child.kill('SIGKILL');
      expect(await processes[k].exited).toBe('SIGKILL');
      kills.push(`kill ${k + 1} at ${ackedCount()} acked, ${inFlight} members with a message in flight`);
    }
    const sinceLast = ackedCount();
    await waitFor(() => ackedCount() - sinceLast >= 200, 30_000, 'load on the last process');
    generating = false;
    await Promise.all(writers);
    await Promise.race([Promise.all(senders), sleep(30_000).then(() => { throw new Error('outboxes did not drain within 30 s'); })]);

    // What the clients hold, against what the database holds.
    const written = clients.flatMap((c) => c.written.map((w) => ({ ...w, author: c.person.user.id })));
    const refused = clients.flatMap((c) => c.refused);
    const acks = clients.flatMap((c) => [...c.acked.values()]);
    const resends = clients.reduce((n, c) => n + c.resends, 0);
    const rooms = [`org:${d.branchA.id}`, `org:${d.branchB.id}`, ...shared];
    const rows: Array<{ id: number; room_id: string; seq: number; author_id: number; client_id: string; body: string; created_at: string }> =
      await db.knex('messages').whereIn('room_id', rooms).select('id', 'room_id', 'seq', 'author_id', 'client_id', 'body', 'created_at');
    const byKey = new Map<string, typeof rows>();
    for (const row of rows) {
      const key = `${row.room_id}|${row.author_id}|${row.client_id}`;
      byKey.set(key, [...(byKey.get(key) ?? []), row]);
    }
    const storedTwice = [...byKey.values()].filter((list) => list.length > 1).length;
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const lost = acks.filter((m) => {
      const row = byId.get(m.id);
      return !row || row.client_id !== m.clientId || Number(row.seq) !== m.seq || row.room_id !== m.roomId || row.body !== m.body;
    });
    const neverStored = written.filter((w) => !byKey.has(`${w.roomId}|${w.author}|${w.clientId}`));
    const strangers = rows.filter((r) => !r.client_id.startsWith('r1-'));
    // Each sender's messages, in the order they were written: ids (commit order) and, per room, seqs rising.
    let orderBroken = 0;
    for (const c of clients) {
      const ids = c.written.map((w) => c.acked.get(w.clientId)?.id ?? 0);
      if (ids.some((id, i) => i > 0 && id <= ids[i - 1])) orderBroken++;
      const lastSeq = new Map<string, number>();
      for (const w of c.written) {
        const seq = c.acked.get(w.clientId)?.seq ?? 0;
        if (seq <= (lastSeq.get(w.roomId) ?? 0)) orderBroken++;
        lastSeq.set(w.roomId, seq);
      }
    }
    const gaps: string[] = [];
    for (const room of rooms) {
      const seqs = rows.filter((r) => r.room_id === room).map((r) => Number(r.seq)).sort((a, b) => a - b);
      const bad = seqs.findIndex((s, i) => s !== i + 1);
      if (bad >= 0) gaps.push(`${room}: seq ${seqs[bad]} at position ${bad + 1}`);
      const counter = await db.knex('rooms').where({ id: room }).first('last_seq');
      if (Number(counter.last_seq) !== seqs.length) gaps.push(`${room}: counter ${counter.last_seq}, ${seqs.length} stored`);
    }
    // Messages caught by a kill: stored by the dying process (its ack died with it; the resend got the stored
    // message back) or not stored yet (the resend stored it).
    const caught = clients.flatMap((c) => c.written.filter((w) => w.lostAt !== undefined).map((w) => ({ w, m: c.acked.get(w.clientId)! })));
    const storedBeforeDrop = caught.filter(({ w, m }) => Date.parse(m.createdAt) < w.lostAt!).length;
    const recovered = caught.length;

    console.info(
      `R1 (${store.kind}) kill -9 ×${KILLS} under ${MEMBERS} members sending (boot of 4 processes ${(bootedMs / 1000).toFixed(1)} s): ${written.length} written, ${acks.length} acked, ${rows.length} stored; ` +
        `${lost.length} acked lost, ${storedTwice} stored twice, ${neverStored.length} never stored, ${orderBroken} sender order breaks, ${gaps.length} rooms with seq gaps (${rooms.length} rooms, last seqs ${rooms.map((r) => rows.filter((x) => x.room_id === r).length).join('/')}); ` +
        `${recovered} messages caught in flight by a kill (${storedBeforeDrop} already stored, their ack lost; ${recovered - storedBeforeDrop} not yet stored), ${resends} resends; ${refused.length} refused; ${kills.join('; ')}`,
    );
    expect(refused).toEqual([]);
    expect(lost).toEqual([]);
    expect(storedTwice).toBe(0);
    expect(neverStored).toEqual([]);
    expect(strangers).toEqual([]);
    expect(rows.length).toBe(written.length);
    expect(acks.length).toBe(written.length);
    expect(orderBroken).toBe(0);
    expect(gaps).toEqual([]);
    expect(recovered).toBeGreaterThan(0); // the kills did land on messages in flight
  }, 120_000);
});
