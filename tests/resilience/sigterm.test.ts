import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack } from '../../server/contract/events';
import type { ChatMessage } from '../../server/contract/model';
import { periodOf } from '../../server/contract/time';
import { createDatabase, migrateToLatest, type Database } from '../../server/db/database';
import { api, sleep, waitFor } from '../helpers/clients';
import { buildDistrict, createMembersFast, type Person } from '../helpers/district';
import { createTestStore, REDIS_URL } from '../helpers/server';
import { alive, kill, listening, remindersPerMemberAndStage, sentCount, startChild, startNpmStart, waitForOutput, type Child } from './support/h4';

// R15: SIGTERM under full chat load and a dues run. Two web processes of one deployment, both with their BullMQ
// workers in-process (the default): A started by `npm start` (the SIGTERM goes to npm, as a process manager
// sends it), B by `node --import tsx server/main.ts` as the start script runs it; and a worker process
// (`npm run worker`'s command). Members chat at full speed on both (each socket sends its next message as soon
// as the last is acked) while a dues run for several thousand members is on the three processes' workers. All
// three get SIGTERM at once. Then: every acked message is in the database exactly once; each process exits 0
// within 25 s; no job was left active (the workers closed); a server restarted on the same Redis and database
// sees no stalled job and finishes the run with exactly one reminder per member.
//
// What the figures also show (not a broken promise, so not asserted): a web process keeps taking new chat
// commands and new jobs until its 5 s socket grace runs out. The grace waits for no command to be in flight,
// which never happens while members keep sending, and app.close() closes the in-process workers only after
// the sockets; the worker process, which closes its workers at the signal, exits in a fraction of a second.

const MEMBERS = 6000;
const CHATTERS = 160; // 80 sockets on each web process
const LOCK_MS = 3000; // the jobs' lock and stalled check: a job left active would be found stalled within 2 × this
const EXIT_BOUND_MS = 25_000;

type Outcome = { kind: 'ack'; ack: Ack<{ message: ChatMessage }> } | { kind: 'lost' };

/** One member sending at full speed: one message in flight, the next as soon as its ack arrives. */
class Chatter {
  readonly socket: Socket;
  readonly acked = new Map<string, ChatMessage>();
  readonly refused: string[] = [];
  /** Sent, and the connection closed before an answer came. */
  readonly unanswered: string[] = [];
  private made = 0;

  constructor(url: string, readonly person: Person, readonly index: number, private readonly rooms: string[]) {
    this.socket = io(url, { auth: { token: person.token }, transports: ['websocket'], forceNew: true, reconnection: false });
  }

  private sendOnce(roomId: string, clientId: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const done = (outcome: Outcome) => {
        this.socket.off('disconnect', onDrop);
        resolve(outcome);
      };
      const onDrop = () => done({ kind: 'lost' });
      this.socket.once('disconnect', onDrop);
      this.socket.emit('chat:send', { roomId, clientId, body: `R15 member ${this.index} message ${clientId}` }, (ack: Ack<{ message: ChatMessage }>) => done({ kind: 'ack', ack }));
    });
  }

  /** Sends until the server goes away (the socket does not reconnect). */
  async run(): Promise<void> {
    while (this.socket.connected) {
      const k = this.made++;
      const clientId = `r15-${this.index}-${k}`;
      const outcome = await this.sendOnce(this.rooms[k % this.rooms.length], clientId);
      if (outcome.kind === 'lost') this.unanswered.push(clientId);
      else if (outcome.ack.ok) this.acked.set(clientId, outcome.ack.data.message);
      else this.refused.push(`${clientId}: ${outcome.ack.error.code}`);
    }
  }
}

describe('R15: SIGTERM under full chat load and a dues run', () => {
  it('every acked message stored once, each process exits 0 within 25 s, no job left active or stalled, one reminder per member', async () => {
    const began = Date.now();
    const store = createTestStore();
    const env = {
      PORT: '0', HOST: '127.0.0.1', DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, PUBLIC_URL: 'http://kitestring.test',
      DUES_REMINDERS: 'manual', JOB_LOCK_MS: String(LOCK_MS), CHAT_RATE_LIMIT: 'off',
    };
    const db: Database = createDatabase(store.databaseUrl);
    await migrateToLatest(db);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('dues', { connection, prefix: store.keyPrefix });
    const events = new QueueEvents('dues', { connection: { url: REDIS_URL }, prefix: store.keyPrefix });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const children: Child[] = [];
    const chatters: Chatter[] = [];
    let pidA: number | null = null;
    try {
      await events.waitUntilReady();
      const a = startNpmStart(env);
      const b = startChild('server/main.ts', env);
      const w = startChild('server/worker.ts', env);
      children.push(a, b, w);
      const portOf = async (c: Child) => Number(/localhost:(\d+)/.exec(await waitForOutput(c, /localhost:\d+/, 30_000))![1]);
      const [portA, portB] = await Promise.all([portOf(a), portOf(b), waitForOutput(w, 'kitestring worker is running', 30_000)]);
      const urlA = `http://127.0.0.1:${portA}`;
      const urlB = `http://127.0.0.1:${portB}`;
      pidA = a.serverPid();
      expect(pidA).not.toBeNull();

      const d = await buildDistrict(urlB, db);
      const branch = (await api(urlB, 'POST', '/api/orgs', { token: d.admin.token, body: { name: 'R15', kind: 'branch', parentId: d.general.id } })).body.org;
      const members = await createMembersFast(db, branch.id, MEMBERS, 'r15');
      const period = periodOf(Date.now(), 'Asia/Shanghai');
      expect((await api(urlB, 'PUT', `/api/dues/unit-rates/${branch.id}`, { token: d.admin.token, body: { monthlyAmount: 1000, effectiveFrom: period } })).status).toBeLessThan(300);
      const rooms = [`org:${branch.id}`, `org:${d.general.id}`, `org:${d.committee.id}`];
      members.slice(0, CHATTERS).forEach((p, i) => chatters.push(new Chatter(i % 2 === 0 ? urlA : urlB, p, i, rooms)));
      await waitFor(() => chatters.every((c) => c.socket.connected), 20_000, 'every member to connect');
      const setupMs = Date.now() - began;

      // Full-speed chat on both processes, then the dues run.
      const senders = chatters.map((c) => c.run());
      const ackedCount = () => chatters.reduce((n, c) => n + c.acked.size, 0);
      await waitFor(() => ackedCount() >= 1000, 30_000, 'the chat to be under way');
      const runAt = Date.now();
      const run = await api(urlA, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'first', orgId: branch.id } });
      expect(run.status).toBe(202);
      expect(run.body.enqueued).toBe(MEMBERS);
      const sent = () => sentCount(db, period, 'first');
      await waitFor(async () => (await sent()) >= MEMBERS * 0.05, 30_000, 'the dues run to be under way');

      // SIGTERM to all three at once (to npm itself for A).
      const activeAtSignal = (await queue.getJobCounts('active')).active;
      const sentAtSignal = await sent();
      const ackedAtSignal = ackedCount();
      const signalled = Date.now();
      const runMs = signalled - runAt;
      a.proc.kill('SIGTERM');
      b.proc.kill('SIGTERM');
      w.proc.kill('SIGTERM');
      let serverAGoneAt = 0;
      const watchA = waitFor(() => !alive(pidA!), 40_000, 'the server under npm to exit').then(() => (serverAGoneAt = Date.now()));
      const [exitA, exitB, exitW] = await Promise.all([a.exited, b.exited, w.exited]);
      await watchA;
      await Promise.race([Promise.all(senders), sleep(10_000).then(() => { throw new Error('a client still sends 10 s after its server exited'); })]);
      const ms = (at: number) => at - signalled;
      const portsOpen = [await listening(portA), await listening(portB)];
      // The workers closed: nothing is left active (a job left active, its lock lapsing, is what stalls).
      const afterExit = await queue.getJobCounts('active', 'waiting', 'failed', 'completed');
      const sentAtExit = await sent();

      // What the clients were told, against the database.
      const acks = chatters.flatMap((c) => [...c.acked.entries()].map(([clientId, m]) => ({ clientId, m, author: c.person.user.id })));
      const unanswered = chatters.flatMap((c) => c.unanswered.map((clientId) => ({ clientId, author: c.person.user.id })));
      const refused = chatters.flatMap((c) => c.refused);
      const rows: Array<{ id: number; room_id: string; seq: number; author_id: number; client_id: string; body: string }> =
        await db.knex('messages').whereIn('room_id', rooms).andWhere('client_id', 'like', 'r15-%').select('id', 'room_id', 'seq', 'author_id', 'client_id', 'body');
      const stored = new Map<string, typeof rows>();
      for (const row of rows) stored.set(`${row.author_id}|${row.client_id}`, [...(stored.get(`${row.author_id}|${row.client_id}`) ?? []), row]);
      const storedTwice = [...stored.values()].filter((list) => list.length > 1).length;
      const ackedNotStored = acks.filter(({ clientId, m, author }) => {
        const list = stored.get(`${author}|${clientId}`);
        return !list || list.length !== 1 || Number(list[0].id) !== m.id || Number(list[0].seq) !== m.seq || list[0].room_id !== m.roomId || list[0].body !== m.body;
      });
      const unansweredStored = unanswered.filter(({ clientId, author }) => stored.has(`${author}|${clientId}`)).length;

      // A server restarted on the same Redis and database: the stalled check finds nothing; the next run
      // (as the scan would make it) queues whoever was not reminded, and each member has exactly one.
      const c = startChild('server/main.ts', env);
      children.push(c);
      const urlC = `http://127.0.0.1:${await portOf(c)}`;
      const restarted = Date.now();
      const rerun = await api(urlC, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'first', orgId: branch.id } });
      expect(rerun.status).toBe(202);
      await waitFor(async () => (await sent()) === MEMBERS, 60_000, 'every reminder after the restart');
      const finishMs = Date.now() - restarted;
      // Two stalled checks (LOCK_MS apart) since the restart: a job left active would have been moved by now.
      await sleep(Math.max(0, restarted + 2 * LOCK_MS + 1000 - Date.now()));
      const end = await queue.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed');
      const failedStalled = (await queue.getFailed(0, 10_000)).filter((j) => /stalled/i.test(j.failedReason ?? '')).length;
      const reminders = await remindersPerMemberAndStage(db, period);

      console.info(
        `R15 sigterm: ${CHATTERS} members chatting at full speed on 2 web processes (A by npm start, B by node) and a dues run of ${MEMBERS} on 3 processes' workers (set-up ${(setupMs / 1000).toFixed(1)} s); ` +
          `SIGTERM to all three at ${ackedAtSignal} acked, ${sentAtSignal} reminders sent ${(runMs / 1000).toFixed(1)} s into the run, ${activeAtSignal} jobs active; ` +
          `messages ${acks.length} acked / ${acks.length - ackedNotStored.length} stored once, ${ackedNotStored.length} acked not stored, ${storedTwice} stored twice, ` +
          `${unanswered.length} unanswered at the close (${unansweredStored} of them stored), ${refused.length} refused${refused.length ? ` (${[...new Set(refused.map((r) => r.split(': ')[1]))].join(', ')})` : ''}; ` +
          `exit A (npm) code ${exitA.code} in ${ms(exitA.at)} ms (its node gone after ${ms(serverAGoneAt)} ms), B code ${exitB.code} in ${ms(exitB.at)} ms, worker code ${exitW.code} in ${ms(exitW.at)} ms; ports open after: ${portsOpen.filter(Boolean).length}; ` +
          `after exit: ${afterExit.active} jobs active, ${sentAtExit} sent (${Math.max(0, sentAtExit - sentAtSignal - activeAtSignal)} jobs taken after the signal), ${acks.length - ackedAtSignal} messages acked after the signal; restarted: ${stalled.length} stalled, ${failedStalled} failed as stalled, ${end.active} active, ${end.failed} failed, run finished in ${(finishMs / 1000).toFixed(1)} s (${rerun.body.enqueued} queued again); ` +
          `reminders ${reminders.total} total / ${reminders.byStage.first ?? 0} members / ${reminders.doubled} doubled`,
      );

      expect(ackedNotStored).toEqual([]);
      expect(storedTwice).toBe(0);
      for (const exit of [exitA, exitB, exitW]) {
        expect(exit.code).toBe(0);
        expect(ms(exit.at)).toBeLessThanOrEqual(EXIT_BOUND_MS);
      }
      expect(ms(serverAGoneAt)).toBeLessThanOrEqual(EXIT_BOUND_MS);
      expect(portsOpen).toEqual([false, false]);
      expect(activeAtSignal).toBeGreaterThan(0);
      expect(afterExit.active).toBe(0);
      expect(stalled).toEqual([]);
      expect(failedStalled).toBe(0);
      expect(end.active).toBe(0);
      expect(end.failed).toBe(0);
      expect(reminders.doubled).toBe(0);
      expect(reminders.byStage.first).toBe(MEMBERS);
      expect(reminders.total).toBe(MEMBERS);
    } finally {
      chatters.forEach((c) => c.socket.close());
      for (const child of children) kill(child);
      if (pidA !== null && alive(pidA)) process.kill(pidA, 'SIGKILL'); // npm killed with SIGKILL forwards nothing
      await Promise.all(children.map((child) => child.exited));
      await events.close();
      await queue.close();
      await connection.quit();
      await db.close();
      await store.destroy().catch(() => {});
    }
  }, 120_000);
});
