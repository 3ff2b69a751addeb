import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../server/contract/model';
import { api, collect, connect, next, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { buildDistrict, createMembersFast, type District, type Person } from '../helpers/district';
import { RedisClusterOfOwn } from '../helpers/redisCluster';
import { createTestStore, REDIS_URL, startTestServer, type TestServer, type TestStore } from '../helpers/server';
import { periodOf } from '../../server/contract/time';

// Issue 15: kitestring on a Redis Cluster of the test's own (3 masters, no replicas), two server processes on one
// PostgreSQL schema, REDIS_CLUSTER_NODES set. Every Redis use must run on the cluster (the adapter on sharded
// pub/sub, BullMQ, limits, presence, locks) and none on the shared Redis of REDIS_URL, which the test also hands
// the servers to catch a fallback.

let cluster: RedisClusterOfOwn;
let store: TestStore;
let servers: TestServer[] = [];
let d: District;
const sockets: TestSocket[] = [];

async function on(server: TestServer, person: Person): Promise<TestSocket> {
  const socket = await connect(server.url, { token: person.token });
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  cluster = await RedisClusterOfOwn.start(3);
  store = createTestStore('postgres');
  const env = { REDIS_CLUSTER_NODES: cluster.seeds, DUES_REMINDERS: 'manual' };
  servers = [await startTestServer(store, { env }), await startTestServer(store, { env })];
  d = await buildDistrict(servers[0].url, servers[0].db);
}, 60_000);

afterAll(async () => {
  sockets.forEach((s) => s.close());
  for (const server of servers) await server.close();
  await store?.destroy();
  await cluster?.stop();
});

describe('kitestring on a Redis Cluster, two processes', () => {
  it('chat crosses processes both ways, in one gapless seq order, and never leaks into another room', async () => {
    const roomA = `org:${d.branchA.id}`;
    const roomB = `org:${d.branchB.id}`;
    const aliceOn0 = await on(servers[0], d.alice);
    const amyOn1 = await on(servers[1], d.amy);
    const bobOn1 = await on(servers[1], d.bob);
    await ok(aliceOn0, 'room:join', { roomId: roomA });
    await ok(amyOn1, 'room:join', { roomId: roomA });
    await ok(bobOn1, 'room:join', { roomId: roomB });
    const heardByAlice = collect(aliceOn0, 'chat:message');
    const heardByAmy = collect(amyOn1, 'chat:message');
    const heardByBob = collect(bobOn1, 'chat:message');

    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 40; i++) {
      const [socket, who] = i % 2 === 0 ? [aliceOn0, 'alice'] : [amyOn1, 'amy'];
      sends.push(ok(socket, 'chat:send', { roomId: roomA, clientId: `${who}-${i}`, body: `across ${i}` }));
    }
    await Promise.all(sends);
    await waitFor(() => heardByAlice.length >= 40 && heardByAmy.length >= 40, 5000, 'every message on both processes');
    const seqs = (list: ChatMessage[]) => list.filter((m) => m.roomId === roomA).map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs(heardByAlice)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(seqs(heardByAmy)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await sleep(200);
    expect(heardByBob).toEqual([]);
  });

  it('a sign-up storm on both processes never oversells the seats', async () => {
    const SEATS = 20;
    const members = await createMembersFast(servers[0].db, d.branchB.id, 200, 'cluster-seats');
    const created = await api(servers[0].url, 'POST', '/api/meetings', {
      token: d.orgB.token,
      body: { title: 'Cluster: seats', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: SEATS, openTo: 'host', hostOrgId: d.branchB.id },
    });
    expect(created.status).toBe(201);
    const meetingId: number = created.body.meeting.id;
    const seekers = await Promise.all(members.map((m, i) => on(servers[i % 2], m)));
    const acks = await Promise.all(seekers.map((s) => request(s, 'meeting:signup', { meetingId }, 60_000)));
    expect(acks.filter((a) => !a.ok)).toEqual([]);
    const rows = await servers[0].db.knex('meeting_signups').where({ meeting_id: meetingId }).select('status');
    expect(rows.filter((r) => r.status === 'confirmed')).toHaveLength(SEATS);
    expect(rows).toHaveLength(200);
    const meeting = await servers[0].db.knex('meetings').where({ id: meetingId }).first();
    expect(Number(meeting.confirmed)).toBe(SEATS);
    for (const s of seekers) s.close();
  });

  it('a dues stage run through one process reaches a member connected to the other exactly once', async () => {
    const period = periodOf(Date.now(), 'Asia/Shanghai');
    await api(servers[0].url, 'PUT', `/api/dues/unit-rates/${d.branchB.id}`, { token: d.admin.token, body: { monthlyAmount: 1200, effectiveFrom: period } });
    const bobOn1 = await on(servers[1], d.bob);
    const reminders = collect(bobOn1, 'notification');
    const run = await api(servers[0].url, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'first', orgId: d.branchB.id } });
    expect(run.status).toBe(202);
    expect(run.body.enqueued).toBeGreaterThan(0);
    await waitFor(() => reminders.some((n) => n.kind === 'dues_reminder'), 15_000, 'the reminder pushed to Bob');
    await sleep(1500); // a second one, were the stage run twice, would have arrived by now
    expect(reminders.filter((n) => n.kind === 'dues_reminder')).toHaveLength(1);
    const stored = await servers[0].db.knex('notifications').where({ user_id: d.bob.user.id, kind: 'dues_reminder' }).count({ n: '*' });
    expect(Number(stored[0].n)).toBe(1);
  });

  it('keeps every key on the cluster (queues under one hash tag) and none on the Redis of REDIS_URL', async () => {
    const onCluster = await cluster.keys(`*${store.keyPrefix}*`);
    expect(onCluster.some((k) => k.startsWith(`{${store.keyPrefix}}:`))).toBe(true); // BullMQ's queues
    expect(onCluster.some((k) => k.startsWith(`${store.keyPrefix}:{presence}:`))).toBe(true);
    const shared = new Redis(REDIS_URL);
    try {
      const [, plain] = await shared.scan('0', 'MATCH', `*${store.keyPrefix}*`, 'COUNT', 100_000);
      let cursor = '0';
      const found: string[] = [...plain];
      do {
        const [nextCursor, keys] = await shared.scan(cursor, 'MATCH', `*${store.keyPrefix}*`, 'COUNT', 10_000);
        cursor = nextCursor;
        found.push(...keys);
      } while (cursor !== '0');
      expect(found).toEqual([]);
      const channels = (await shared.pubsub('SHARDCHANNELS', `*${store.keyPrefix}*`)) as string[];
      expect(channels).toEqual([]);
      expect(((await shared.pubsub('CHANNELS', `*${store.keyPrefix}*`)) as string[])).toEqual([]);
    } finally {
      shared.disconnect();
    }
  });
});
