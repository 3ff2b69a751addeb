import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, type TestSocket } from '../helpers/clients';
import { buildDistrict, createMembersFast, type District, type Person } from '../helpers/district';
import { createDatabase, type Database } from '../../server/db/database';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/server';

// R11: 10,000 sign-ups for a meeting of 100 seats open to the public, at once, on two server processes of one
// store: members over Socket.IO (one socket each, half on each server) and people without an account over HTTP
// (POST /api/public/meetings/:id/registrations, alternating servers). Then 1,000 cancellations at once, by
// members and registrants, of seats, of the head of the waitlist (racing their own promotion) and of places
// further back. Run on SQLite and on PostgreSQL.
// The row asks for 10,000 (R11_SIGNUPS=10000); the suite runs 4,000 per database to stay within its time on a
// shared 2-core machine (docs/reliability.md has the figures of both).
const SEATS = 100;
const TOTAL = Number(process.env.R11_SIGNUPS ?? 4_000);
const MEMBERS = Math.round(TOTAL / 5);
const PUBLIC = TOTAL - MEMBERS;
const IN_FLIGHT = 200; // HTTP requests in flight at once (sockets all emit at once)

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** One person who asks for a seat: a member with their socket, or a registrant with their code. */
type Seeker = { key: string; member?: Person; socket?: TestSocket; name?: string; code?: string; server: TestServer };

describe.each(['sqlite', 'postgres'] as const)('R11: seats on %s', (kind) => {
  let store: TestStore;
  let servers: TestServer[] = [];
  let d: District;
  let members: Person[];
  let reader: Database; // the test's own connections: the servers' pools are theirs
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    store = createTestStore(kind);
    servers = [await startTestServer(store), await startTestServer(store)];
    reader = createDatabase(store.databaseUrl);
    d = await buildDistrict(servers[0].url, servers[0].db);
    members = await createMembersFast(servers[0].db, d.branchB.id, MEMBERS, `r11${kind}`);
    for (let i = 0; i < members.length; i += 200) {
      sockets.push(...(await Promise.all(members.slice(i, i + 200).map((p, j) => connect(servers[(i + j) % 2].url, { token: p.token })))));
    }
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    for (const server of servers) await server.close();
    await reader?.close();
    await store?.destroy();
  });

  it(`${MEMBERS + PUBLIC} sign-ups (${MEMBERS} members over sockets, ${PUBLIC} public over HTTP) on 2 processes: exactly ${SEATS} seated, the waitlist gapless in commit order; 1,000 cancellations each promote one`, async () => {
    const knex = reader.knex;
    const created = await api(servers[0].url, 'POST', '/api/meetings', {
      token: d.orgB.token,
      body: { title: 'R11: an open meeting on rehousing', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: SEATS, openTo: 'public', hostOrgId: d.branchB.id },
    });
    expect(created.status).toBe(201);
    const meetingId: number = created.body.meeting.id;

    // Seated at every moment, read in one statement (one snapshot): the counter and the rows.
    const samples: Array<{ counter: number; rows: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await knex('meetings')
          .where({ id: meetingId })
          .select('confirmed as counter', knex('meeting_signups').where({ meeting_id: meetingId, status: 'confirmed' }).count('*').as('rows'));
        samples.push({ counter: Number(row.counter), rows: Number(row.rows) });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    // Members and the public, interleaved: member i on server i % 2; registrant j on server j % 2.
    const seekers: Seeker[] = [
      ...members.map((m, i) => ({ key: `u${m.user.id}`, member: m, socket: sockets[i], server: servers[i % 2] })),
      ...Array.from({ length: PUBLIC }, (_, j) => ({ key: `g访客${kind}${j}`, name: `访客${kind}${j}`, server: servers[j % 2] })),
    ];
    const stormStarted = Date.now();
    const [memberAcks, publicAnswers] = await Promise.all([
      Promise.all(seekers.filter((s) => s.member).map((s) => s.socket!.timeout(120_000).emitWithAck('meeting:signup', { meetingId }))),
      pool(seekers.filter((s) => !s.member), IN_FLIGHT, (s, j) =>
        api(s.server.url, 'POST', `/api/public/meetings/${meetingId}/registrations`, { body: { name: s.name, contact: `139${String(j).padStart(8, '0')}` } }),
      ),
    ]);
    const stormMs = Date.now() - stormStarted;
    expect(memberAcks.filter((a) => !a.ok)).toEqual([]);
    expect(publicAnswers.filter((a) => a.status !== 201).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    const told = new Map<string, { status: string; position: number | null }>();
    seekers.filter((s) => s.member).forEach((s, i) => told.set(s.key, (memberAcks[i] as { ok: true; data: { status: string; position: number | null } }).data));
    seekers.filter((s) => !s.member).forEach((s, j) => {
      s.code = publicAnswers[j].body.code;
      told.set(s.key, { status: publicAnswers[j].body.status, position: publicAnswers[j].body.position });
    });
    const byKey = new Map(seekers.map((s) => [s.key, s]));

    const stored = async () => {
      const meeting = await knex('meetings').where({ id: meetingId }).first();
      const rows: Array<{ user_id: number | null; guest_name: string | null; status: string; waitlist_seq: number | null }> = await knex('meeting_signups')
        .where({ meeting_id: meetingId })
        .select('user_id', 'guest_name', 'status', 'waitlist_seq');
      const keyOf = (r: (typeof rows)[number]) => (r.user_id === null ? `g${r.guest_name}` : `u${r.user_id}`);
      return {
        meeting: { confirmed: Number(meeting.confirmed), waitlisted: Number(meeting.waitlisted) },
        rows: rows.length,
        keys: new Set(rows.map(keyOf)).size,
        confirmed: rows.filter((r) => r.status === 'confirmed').map(keyOf),
        waiting: rows.filter((r) => r.status === 'waitlisted').sort((a, b) => Number(a.waitlist_seq) - Number(b.waitlist_seq)).map(keyOf),
        cancelled: rows.filter((r) => r.status === 'cancelled').map(keyOf),
      };
    };

    // Exactly SEATS seated; everyone else told a place, 1..N without a gap or a repeat, which is their rank in
    // commit order.
    const total = MEMBERS + PUBLIC;
    let state = await stored();
    expect(state.rows).toBe(total);
    expect(state.keys).toBe(total);
    expect(state.meeting).toEqual({ confirmed: SEATS, waitlisted: total - SEATS });
    expect(state.confirmed).toHaveLength(SEATS);
    expect([...told.values()].filter((t) => t.status === 'confirmed')).toHaveLength(SEATS);
    expect(new Set(state.confirmed)).toEqual(new Set([...told].filter(([, t]) => t.status === 'confirmed').map(([k]) => k)));
    const positions = [...told.values()].filter((t) => t.status === 'waitlisted').map((t) => t.position!);
    expect(positions.sort((a, b) => a - b)).toEqual(Array.from({ length: total - SEATS }, (_, i) => i + 1));
    const misplaced = state.waiting.filter((key, rank) => told.get(key)!.position !== rank + 1);
    expect(misplaced).toEqual([]);
    const seatedMembers = state.confirmed.filter((k) => k.startsWith('u')).length;

    // 1,000 cancellations at once: 60 seats, the 140 at the head of the waitlist (promoted or not by the time
    // theirs commits), 800 places further back; members over their socket, registrants by their code over HTTP.
    const seats = [...state.confirmed];
    const queue = [...state.waiting];
    const shuffle = <T,>(xs: T[]) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
    const cancelling = shuffle([...shuffle(seats).slice(0, 60), ...queue.slice(0, 140), ...shuffle(queue.slice(140)).slice(0, 800)]);
    expect(new Set(cancelling).size).toBe(1000);
    const cancelStarted = Date.now();
    const [memberCancels, publicCancels] = await Promise.all([
      Promise.all(cancelling.filter((k) => k.startsWith('u')).map((k) => byKey.get(k)!.socket!.timeout(120_000).emitWithAck('meeting:cancel', { meetingId }))),
      pool(cancelling.filter((k) => k.startsWith('g')), IN_FLIGHT, (k, i) => api(servers[i % 2].url, 'DELETE', `/api/public/registrations/${byKey.get(k)!.code}`)),
    ]);
    const cancelMs = Date.now() - cancelStarted;
    sampling = false;
    await sampler;
    expect(memberCancels.filter((a) => !a.ok)).toEqual([]);
    expect(publicCancels.filter((a) => a.status !== 204).map((a) => a.status)).toEqual([]);

    // The end state is the one a promotion of exactly one per cancelled seat gives, whatever the commit order:
    // the seats not given up, then the head of the waitlist without the cancelled, in order; the rest waits in
    // its order.
    const gone = new Set(cancelling);
    const kept = seats.filter((k) => !gone.has(k));
    const stillWaiting = queue.filter((k) => !gone.has(k));
    const promotedTo = stillWaiting.slice(0, SEATS - kept.length);
    state = await stored();
    expect(state.meeting).toEqual({ confirmed: SEATS, waitlisted: total - 1000 - SEATS });
    expect(new Set(state.confirmed)).toEqual(new Set([...kept, ...promotedTo]));
    expect(state.waiting).toEqual(stillWaiting.slice(SEATS - kept.length));
    expect(new Set(state.cancelled)).toEqual(gone);
    // Seated at every sample, before and after each of those commits: exactly SEATS (never one more or less).
    const filled = samples.findIndex((s) => s.rows === SEATS);
    expect(filled).toBeGreaterThanOrEqual(0);
    const afterFill = samples.slice(filled);
    const off = afterFill.filter((s) => s.rows !== SEATS || s.counter !== SEATS);
    expect(samples.every((s) => s.rows <= SEATS && s.counter <= SEATS)).toBe(true);
    expect(off).toEqual([]);
    // A promoted member heard of it once (a registrant sees it on their page): every member moved up by the end
    // has one notification, and nobody who never waited has any.
    const notes: Array<{ user_id: number; n: string | number }> = await knex('notifications').where({ kind: 'meeting_promoted' }).whereIn('user_id', members.map((m) => m.user.id)).groupBy('user_id').select('user_id').count('* as n');
    expect(notes.filter((n) => Number(n.n) !== 1)).toEqual([]);
    const notified = new Set(notes.map((n) => `u${n.user_id}`));
    for (const k of promotedTo.filter((k) => k.startsWith('u'))) expect(notified.has(k), k).toBe(true);
    for (const k of notified) expect(queue.includes(k), k).toBe(true);
    // What people read back: a sample of places over the whole waitlist, by the public page or the member's.
    const sample = [...new Set([0, 1, 2, state.waiting.length - 1, ...Array.from({ length: 150 }, () => Math.floor(Math.random() * state.waiting.length))])];
    const readBack = await pool(sample, 50, async (rank, i) => {
      const s = byKey.get(state.waiting[rank])!;
      const res = s.member
        ? await api(servers[i % 2].url, 'GET', `/api/meetings/${meetingId}`, { token: s.member.token }).then((r) => r.body.mySignup)
        : await api(servers[i % 2].url, 'GET', `/api/public/registrations/${s.code}`).then((r) => r.body);
      return res.status === 'waitlisted' && res.position === rank + 1;
    });
    expect(readBack.filter((okay) => !okay)).toHaveLength(0);

    const seatedCancels = cancelling.filter((k) => seats.includes(k)).length;
    console.info(
      `R11 seats (${kind}): ${total} sign-ups (${MEMBERS} members over sockets, ${PUBLIC} public over HTTP, 2 processes) settled in ${stormMs} ms: ${SEATS} seated (${seatedMembers} members), ` +
        `waitlist 1..${total - SEATS} gapless in commit order; 1,000 cancellations (${seatedCancels} seats, 140 at the head, 800 further back) in ${cancelMs} ms: ` +
        `${promotedTo.length} moved up (${promotedTo.filter((k) => k.startsWith('u')).length} members notified once), waitlist 1..${state.waiting.length} gapless (${readBack.length} places read back); ` +
        `${samples.length} samples of the seats, ${afterFill.length} after they filled: all exactly ${SEATS}`,
    );
  }, 180_000);
});
