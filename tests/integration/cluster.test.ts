import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, collect, connect, next, ok, request, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { buildDistrict, type District } from '../helpers/district';
import { createTestStore, REDIS_URL, startTestServer, type TestServer, type TestStore } from '../helpers/server';

// Several servers on one database and one Redis must behave as one hub.
let store: TestStore;
let one: TestServer;
let two: TestServer;
let d: District;
const sockets: TestSocket[] = [];

async function on(server: { url: string }, person: { token: string }) {
  const socket = await connect(server.url, { token: person.token });
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  store = createTestStore();
  one = await startTestServer(store);
  two = await startTestServer(store);
  d = await buildDistrict(one.url, one.db);
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await one?.close();
  await two?.close();
  await store?.destroy();
});

const roomA = () => `org:${d.branchA.id}`;

describe('two servers, one hub', () => {
  it('fans a message out to sockets on the other server, with one seq order', async () => {
    const alice = await on(one, d.alice);
    const amy = await on(two, d.amy);
    await ok(alice, 'room:join', { roomId: roomA() });
    await ok(amy, 'room:join', { roomId: roomA() });
    const heardByAlice = collect(alice, 'chat:message');
    const heardByAmy = collect(amy, 'chat:message');
    const sends = [];
    for (let i = 0; i < 20; i++) {
      sends.push(ok(i % 2 ? alice : amy, 'chat:send', { roomId: roomA(), clientId: `x${i}`, body: `m${i}` }));
    }
    const acks = await Promise.all(sends);
    const seqs = acks.map((a) => a.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => seqs[0] + i));
    await waitFor(() => heardByAlice.length === 20 && heardByAmy.length === 20, 5000, 'fan-out');
    expect(new Set(heardByAmy.map((m) => m.id)).size).toBe(20);
  });

  it('keeps presence right across both servers', async () => {
    const bob = await on(one, d.bob);
    await ok(bob, 'room:join', { roomId: `org:${d.branchB.id}` });
    const seenByBob = next(bob, 'presence', (p) => p.online.some((u) => u.id === d.orgB.user.id));
    const orgB = await on(two, d.orgB);
    const joined = await ok(orgB, 'room:join', { roomId: `org:${d.branchB.id}` });
    expect(joined.online.map((u) => u.id).sort()).toEqual([d.bob.user.id, d.orgB.user.id].sort());
    await seenByBob;
    const left = next(orgB, 'presence', (p) => !p.online.some((u) => u.id === d.bob.user.id));
    bob.close();
    await left;
  });

  it('stores a resend through the other server once', async () => {
    const onOne = await on(one, d.amy);
    const onTwo = await on(two, d.amy);
    const results = await Promise.all([
      ok(onOne, 'chat:send', { roomId: roomA(), clientId: 'same-everywhere', body: 'one copy' }),
      ok(onTwo, 'chat:send', { roomId: roomA(), clientId: 'same-everywhere', body: 'one copy' }),
    ]);
    expect(results[0].message).toEqual(results[1].message);
    const count = await one.db.knex('messages').where({ client_id: 'same-everywhere' }).count('* as n');
    expect(Number(count[0].n)).toBe(1);
  });

  it('disconnects a removed member on every server and sees tree changes made elsewhere', async () => {
    const made = await api(one.url, 'POST', '/api/members', {
      token: d.admin.token, body: { name: 'Temp', email: 'temp-cluster@test.example', password: 'correct-horse-battery', branchId: d.branchA.id },
    });
    const token = (await api(two.url, 'POST', '/api/auth/login', { body: { email: 'temp-cluster@test.example', password: 'correct-horse-battery' } })).body.token;
    const socket = await on(two, { token });
    const gone = new Promise((r) => socket.once('disconnect', r));
    expect((await api(one.url, 'DELETE', `/api/members/${made.body.user.id}`, { token: d.admin.token })).status).toBe(204);
    await gone;

    // Appointed through server one; server two lets the new organizer moderate at once.
    const amyOnTwo = await on(two, d.amy);
    const { message } = await ok(amyOnTwo, 'chat:send', { roomId: `org:${d.branchB.id}`, clientId: 'x', body: 'x' }).catch(() => ({ message: null }));
    expect(message).toBeNull();
    expect((await api(one.url, 'POST', `/api/orgs/${d.general.id}/organizers`, { token: d.admin.token, body: { userId: d.amy.user.id } })).status).toBe(204);
    await waitFor(async () => (await amyOnTwo.timeout(2000).emitWithAck('room:join', { roomId: `org:${d.branchB.id}` })).ok, 3000, 'tree change to reach server two');
  });
});

describe('losing a right on another server', () => {
  it('a sign-up cancelled through one server takes the member\'s sockets on the other out of the meeting room within a second', async () => {
    const meeting = (await api(one.url, 'POST', '/api/meetings', {
      token: d.orgA.token,
      body: { hostOrgId: d.branchA.id, title: 'Across servers', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 10, openTo: 'all' },
    })).body.meeting;
    const roomId = `meeting:${meeting.id}`;
    const [bobOnOne, bobOnTwo, aliceOnOne] = await Promise.all([on(one, d.bob), on(two, d.bob), on(one, d.alice)]);
    await ok(bobOnOne, 'meeting:signup', { meetingId: meeting.id });
    await ok(aliceOnOne, 'meeting:signup', { meetingId: meeting.id });
    await ok(bobOnTwo, 'room:join', { roomId });
    await ok(aliceOnOne, 'room:join', { roomId });
    const heard = collect(bobOnTwo, 'chat:message');
    const started = Date.now();
    const gone = next(aliceOnOne, 'presence', (p) => p.roomId === roomId && !p.online.some((u) => u.id === d.bob.user.id), 1500);
    await ok(bobOnOne, 'meeting:cancel', { meetingId: meeting.id });
    await gone;
    expect(Date.now() - started).toBeLessThan(1000);
    await ok(aliceOnOne, 'chat:send', { roomId, clientId: 'after-cancel-x', body: 'not for bob' });
    await sleep(300);
    expect(heard).toHaveLength(0);
  });
});

describe('losing a role', () => {
  it('takes a removed organizer out of rooms they may no longer use, on every server', async () => {
    const roomB = `org:${d.branchB.id}`;
    const genOrg = await on(two, d.genOrg);
    await ok(genOrg, 'room:join', { roomId: roomB });
    const heard = collect(genOrg, 'chat:message');
    expect((await api(one.url, 'DELETE', `/api/orgs/${d.general.id}/organizers/${d.genOrg.user.id}`, { token: d.admin.token })).status).toBe(204);
    const orgB = await on(one, d.orgB);
    await waitFor(async () => !(await ok(orgB, 'room:join', { roomId: roomB })).online.some((u) => u.id === d.genOrg.user.id), 3000, 'presence to drop the former organizer');
    await ok(orgB, 'chat:send', { roomId: roomB, clientId: 'after-demotion', body: 'not for former organizers' });
    await sleep(300);
    expect(heard.filter((m) => m.clientId === 'after-demotion')).toHaveLength(0);
    expect((await request(genOrg, 'chat:history', { roomId: roomB })).ok).toBe(false);
  });
});

describe('a separate server process', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGTERM'));

  it('fans out between this process and a real `server/main.ts` process', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, LOG_LEVEL: 'warn', SEED_DEMO: 'off', CHAT_RATE_LIMIT: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk) => {
        output += chunk;
        const match = /http:\/\/localhost:(\d+)\//.exec(output);
        if (match) resolve(`http://127.0.0.1:${match[1]}`);
      });
      child!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
    const inChild = await on({ url }, d.bob);
    const here = await on(one, d.orgB);
    await ok(inChild, 'room:join', { roomId: `org:${d.branchB.id}` });
    const heard = next(inChild, 'chat:message', (m) => m.body === 'across processes');
    await ok(here, 'chat:send', { roomId: `org:${d.branchB.id}`, clientId: 'proc', body: 'across processes' });
    expect((await heard).author.id).toBe(d.orgB.user.id);
    // Stopping that process drops its own sockets only; sockets on this server stay connected.
    let droppedHere = false;
    here.on('disconnect', () => (droppedHere = true));
    const droppedThere = new Promise((r) => inChild.once('disconnect', r));
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await droppedThere;
    await sleep(300);
    expect(droppedHere).toBe(false);
    expect(here.connected).toBe(true);
  });
});
