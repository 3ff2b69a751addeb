import { afterAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../server/contract/model';
import { connect, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { buildDistrict, createMembersFast } from '../helpers/district';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/server';
import { contiguousFrom, exactRange, percentile } from './support/h1';

// R3: a room joined 1,000 times while 20 messages a second flow into it. Two server processes' worth of
// servers on one store; the messages are sent through both; 40 members join and leave again and again on
// either server, half the joins plain (the last 50), half from the seq they held (`since`), as the client
// does on coming back. Each join's history plus what arrives live afterwards must be the room's exact
// sequence from the history's start on: no gap, no message twice, each as stored.

const JOINERS = 40;
const JOINS = 1000;
const RATE = 20; // messages a second into the room
const LIVE_AFTER_JOIN = 2; // live messages each join waits for before it leaves again

let store: TestStore | undefined;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

afterAll(async () => {
  sockets.forEach((s) => s.close());
  for (const s of servers) await s.close();
  await store?.destroy();
});

describe('R3: joining a room 1,000 times while 20 msg/s flow', () => {
  it('each join\'s history plus the live messages after it are the exact sequence: no gap, no repeat', async () => {
    store = createTestStore();
    servers.push(await startTestServer(store), await startTestServer(store));
    const [one, two] = servers;
    const d = await buildDistrict(one.url, one.db);
    const roomId = `org:${d.branchA.id}`;
    const joiners = await createMembersFast(one.db, d.branchA.id, JOINERS, 'r3');

    // The flow: two senders on the two servers, one message every 50 ms between them, never waiting for acks.
    const senders = [await connect(one.url, { token: d.orgA.token }), await connect(two.url, { token: d.amy.token })];
    sockets.push(...senders);
    const stored = new Map<number, ChatMessage>();
    const sendErrors: string[] = [];
    let sent = 0;
    const send = () => {
      const k = sent++;
      return request(senders[k % 2], 'chat:send', { roomId, clientId: `r3-${k}`, body: `R3 message ${k}` }, 15_000).then(
        (ack) => (ack.ok ? stored.set(ack.data.message.seq, ack.data.message) : sendErrors.push(`${ack.error.code} ${ack.error.message}`)),
        (error: Error) => sendErrors.push(error.message),
      );
    };
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < 60; i++) inFlight.push(send()); // a room with more than one join's worth of history
    await Promise.all(inFlight);
    let flowing = true;
    const flowStarted = Date.now();
    const flow = (async () => {
      while (flowing) {
        // Paced against the clock, so a slow tick does not lower the rate.
        const due = flowStarted + ((sent - 60) * 1000) / RATE;
        if (Date.now() < due) await sleep(due - Date.now());
        if (flowing) inFlight.push(send());
      }
    })();

    const problems: string[] = [];
    const joinMs: number[] = [];
    let plain = 0;
    let fromSince = 0;
    let liveChecked = 0;
    let overlap = 0;
    let arrivedOutOfOrder = 0;
    let joinsDone = 0;
    const check = (where: string, m: ChatMessage) => {
      const truth = stored.get(m.seq);
      // A message whose sender's ack is still on its way is checked against the database at the end.
      if (truth && (truth.id !== m.id || truth.clientId !== m.clientId || truth.body !== m.body)) problems.push(`${where}: seq ${m.seq} is not the stored message`);
    };
    const seen = new Map<number, ChatMessage>();

    const member = async (index: number) => {
      const socket = await connect((index % 2 ? two : one).url, { token: joiners[index].token });
      sockets.push(socket);
      let live: ChatMessage[] = [];
      socket.on('chat:message', (m) => {
        if (m.roomId === roomId) live.push(m);
      });
      let held: number | undefined; // the seq this member holds without a hole, from its last visit
      for (let cycle = 0; joinsDone < JOINS; cycle++) {
        joinsDone++;
        live = [];
        const since = cycle % 2 === 1 ? held : undefined;
        const started = Date.now();
        const ack = await request(socket, 'room:join', { roomId, ...(since === undefined ? {} : { since }) }, 15_000);
        joinMs.push(Date.now() - started);
        const where = `member ${index} join ${cycle}${since === undefined ? '' : ` since ${since}`}`;
        if (!ack.ok) {
          problems.push(`${where}: ${ack.error.code} ${ack.error.message}`);
          break;
        }
        const { seq, messages } = ack.data;
        if (since === undefined) plain++;
        else fromSince++;
        const first = since === undefined ? Math.max(1, seq - 49) : since + 1;
        problems.push(...exactRange(messages, first, seq).map((p) => `${where}: history ${p}`));
        messages.forEach((m) => check(where, m));
        // Live: everything after the history's end, until LIVE_AFTER_JOIN of them have come and no hole is left
        // among them (across two servers, a message committed on the other one may arrive after a later one:
        // the client merges by seq; a hole that stays is a gap).
        const holeFree = () => {
          const seqs = live.filter((m) => m.seq > seq).map((m) => m.seq);
          return seqs.length >= LIVE_AFTER_JOIN && contiguousFrom(seq, seqs) === Math.max(...seqs);
        };
        await waitFor(holeFree, 10_000, `${where}: live messages without a hole`).catch((error: Error) => problems.push(error.message));
        const snapshot = [...live];
        const after = snapshot.filter((m) => m.seq > seq);
        // Sent before the history was read and heard live too: the client drops it by seq (already held).
        overlap += snapshot.length - after.length;
        const stale = snapshot.filter((m) => m.seq < first);
        if (stale.length > 0) problems.push(`${where}: ${stale.length} live messages older than the history it got`);
        const bySeq = [...after].sort((a, b) => a.seq - b.seq);
        if (bySeq.some((m, i) => m.seq !== after[i].seq)) arrivedOutOfOrder++;
        problems.push(...exactRange(bySeq, seq + 1, seq + after.length).map((p) => `${where}: live ${p}`));
        after.forEach((m) => check(where, m));
        liveChecked += after.length;
        [...messages, ...after].forEach((m) => seen.set(m.seq, m));
        const ackLeave = await request(socket, 'room:leave', { roomId }, 15_000);
        if (!ackLeave.ok) problems.push(`${where}: leave ${ackLeave.error.code}`);
        // What this member holds now: the history and the live run after it, as the client's cache would.
        held = contiguousFrom(seq, after.map((m) => m.seq));
      }
    };
    const phaseStarted = Date.now();
    await Promise.all(joiners.map((_, i) => member(i)));
    const phaseMs = Date.now() - phaseStarted;
    flowing = false;
    await flow;
    await Promise.all(inFlight);
    const flowedDuringJoins = (sent - 60) / ((Date.now() - flowStarted) / 1000);

    // The room in the database: 1..N, each message once, and each message a join saw is that one.
    const rows: Array<{ id: number; seq: number; client_id: string; body: string }> = await one.db.knex('messages').where({ room_id: roomId }).orderBy('seq').select('id', 'seq', 'client_id', 'body');
    problems.push(...exactRange(rows.map((r) => ({ seq: Number(r.seq) })), 1, sent).map((p) => `database: ${p}`));
    const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
    for (const m of seen.values()) {
      const row = bySeq.get(m.seq);
      if (!row || Number(row.id) !== m.id || row.client_id !== m.clientId || row.body !== m.body) problems.push(`seq ${m.seq} seen differs from the database`);
    }

    console.info(
      `R3 ${plain + fromSince} joins (${plain} plain, ${fromSince} since the held seq) by ${JOINERS} members on 2 servers in ${(phaseMs / 1000).toFixed(1)} s while ${flowedDuringJoins.toFixed(1)} msg/s flowed (${sent} messages): ` +
        `${problems.length} problems (gaps, repeats, wrong messages); ${liveChecked} live messages checked after their join's history, ${overlap} heard live and in the history (dropped by seq), ${arrivedOutOfOrder} joins with live messages out of seq order; ` +
        `join ack p50 ${percentile(joinMs, 50)} ms, p99 ${percentile(joinMs, 99)} ms`,
    );
    expect(sendErrors).toEqual([]);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(plain + fromSince).toBeGreaterThanOrEqual(JOINS);
    expect(flowedDuringJoins).toBeGreaterThan(RATE * 0.9);
  }, 120_000);
});
