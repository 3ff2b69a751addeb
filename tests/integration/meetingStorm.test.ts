import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingCounts } from '../../server/contract/model';
import { api, connect, ok, sleep, type TestSocket } from '../helpers/clients';
import { buildDistrict, createMembersFast, type District, type Person } from '../helpers/district';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/server';

// 1,000 members, each with one socket on each of two servers, sign up for 100 seats at the same moment:
// 2,000 attempts, half of them repeats. Then 200 cancellations, each of which must promote exactly one.
const MEMBERS = 1000;
const SEATS = 100;

let store: TestStore;
let servers: TestServer[];
let d: District;
let members: Person[];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  store = createTestStore();
  servers = [await startTestServer(store), await startTestServer(store)];
  d = await buildDistrict(servers[0].url, servers[0].db);
  members = await createMembersFast(servers[0].db, d.branchB.id, MEMBERS, 'storm');
}, 120_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  for (const server of servers ?? []) await server.close();
  await store?.destroy();
});

async function openAll(people: Person[], server: TestServer): Promise<TestSocket[]> {
  const out: TestSocket[] = [];
  for (let i = 0; i < people.length; i += 100) {
    out.push(...(await Promise.all(people.slice(i, i + 100).map((p) => connect(server.url, { token: p.token })))));
  }
  sockets.push(...out);
  return out;
}

async function stored(meetingId: number) {
  const db = servers[0].db.knex;
  const meeting = await db('meetings').where({ id: meetingId }).first();
  const signups: Array<{ user_id: number; status: string; waitlist_seq: number | null }> = await db('meeting_signups').where({ meeting_id: meetingId }).select('user_id', 'status', 'waitlist_seq');
  const waiting = signups.filter((s) => s.status === 'waitlisted').sort((a, b) => a.waitlist_seq! - b.waitlist_seq!);
  return { meeting, signups, waiting, confirmed: signups.filter((s) => s.status === 'confirmed') };
}

describe('a sign-up storm over two servers', () => {
  it(`seats exactly ${SEATS} of ${MEMBERS} members from ${MEMBERS * 2} attempts, waitlists the rest in commit order, and promotes one per cancellation`, async () => {
    const created = await api(servers[0].url, 'POST', '/api/meetings', {
      token: d.orgB.token,
      body: { title: 'Demolition and rehousing: an open meeting', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: SEATS, openTo: 'all', hostOrgId: d.branchB.id },
    });
    const meetingId: number = created.body.meeting.id;
    const onOne = await openAll(members, servers[0]);
    const onTwo = await openAll(members, servers[1]);

    const watcher = await connect(servers[1].url, { token: d.admin.token });
    sockets.push(watcher);
    await ok(watcher, 'meeting:watch', { meetingId });
    const seen: MeetingCounts[] = [];
    watcher.on('meeting:counts', (c) => seen.push(c));

    const started = Date.now();
    const acks = await Promise.all(
      members.flatMap((_, i) => [onOne[i], onTwo[i]]).map((socket) => socket.timeout(60_000).emitWithAck('meeting:signup', { meetingId })),
    );
    const stormMs = Date.now() - started;

    const failures = acks.filter((a) => !a.ok);
    expect(failures).toEqual([]);
    const results = acks.map((a) => (a.ok ? a.data : null))!;
    // Each member's two attempts agree.
    for (let i = 0; i < MEMBERS; i++) expect(results[2 * i + 1], `member ${i}`).toEqual(results[2 * i]);
    const perMember = members.map((_, i) => results[2 * i]!);
    expect(perMember.filter((r) => r.status === 'confirmed')).toHaveLength(SEATS);
    const positions = perMember.filter((r) => r.status === 'waitlisted').map((r) => r.position!).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: MEMBERS - SEATS }, (_, i) => i + 1));

    let state = await stored(meetingId);
    expect(state.meeting).toMatchObject({ confirmed: SEATS, waitlisted: MEMBERS - SEATS });
    expect(state.signups).toHaveLength(MEMBERS);
    expect(new Set(state.signups.map((s) => s.user_id)).size).toBe(MEMBERS);
    expect(state.confirmed).toHaveLength(SEATS);
    // The place each member was told is their rank in commit order.
    const told = new Map(members.map((m, i) => [m.user.id, perMember[i].position]));
    state.waiting.forEach((s, index) => expect(told.get(s.user_id)).toBe(index + 1));

    // Counters reached the watcher, coalesced, and the last one is the stored state.
    await sleep(400);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ meetingId, confirmed: SEATS, waitlisted: MEMBERS - SEATS, capacity: SEATS, status: 'open' });
    expect(last.version).toBe(state.meeting.version);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil((stormMs + 400) / 100) + 4);
    console.info(`sign-up storm: ${MEMBERS * 2} attempts settled in ${stormMs} ms (${state.meeting.kind ?? ''}${store.kind}); watcher got ${seen.length} counts events`);

    // 200 cancellations in two waves of 100, spread over both servers, each freeing one seat.
    const socketOf = new Map(members.map((m, i) => [m.user.id, i % 2 ? onOne[i] : onTwo[i]]));
    const originalQueue = state.waiting.map((s) => s.user_id);
    for (let wave = 0; wave < 2; wave++) {
      const holders = state.confirmed.map((s) => s.user_id).sort(() => Math.random() - 0.5);
      const cancels = await Promise.all(holders.map((userId) => socketOf.get(userId)!.timeout(60_000).emitWithAck('meeting:cancel', { meetingId })));
      expect(cancels.every((c) => c.ok)).toBe(true);
      state = await stored(meetingId);
      expect(state.meeting).toMatchObject({ confirmed: SEATS, waitlisted: MEMBERS - SEATS - SEATS * (wave + 1) });
      // Exactly the heads of the waitlist moved up, in order, and the rest kept their order.
      expect(state.confirmed.map((s) => s.user_id).sort()).toEqual(originalQueue.slice(wave * SEATS, (wave + 1) * SEATS).sort());
      expect(state.waiting.map((s) => s.user_id)).toEqual(originalQueue.slice((wave + 1) * SEATS));
    }
    const promotions = await servers[0].db.knex('notifications').where({ kind: 'meeting_promoted' }).select('user_id');
    expect(promotions.map((n: { user_id: number }) => n.user_id).sort()).toEqual(originalQueue.slice(0, 2 * SEATS).sort());
    const finalPosition = await api(servers[1].url, 'GET', `/api/meetings/${meetingId}`, { token: members.find((m) => m.user.id === originalQueue[2 * SEATS])!.token });
    expect(finalPosition.body.mySignup).toMatchObject({ status: 'waitlisted', position: 1 });
  }, 180_000);
});
