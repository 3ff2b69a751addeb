import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { api, connect, ok, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { buildDistrict, login, PASSWORD, type District } from '../helpers/district';
import { createTestStore, REDIS_URL, startTestServer, type TestServer, type TestStore } from '../helpers/server';

// R16: after a mixed run (sign-ins, a failed one, a password change, chat with recognisable bodies, guest links,
// e-mail addresses and phone numbers in profiles, reports and public registrations, meetings, dues reminders on
// BullMQ, logout), neither the servers' logs (at the most verbose level) nor anything this deployment keeps in Redis
// (every key under its KEY_PREFIX, every type, BullMQ's job data included) holds a message body, a password, a
// token, an e-mail address or a contact.

const tag = randomBytes(4).toString('hex');
let store: TestStore;
let one: TestServer;
let two: TestServer;
let d: District;
const lines: string[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  store = createTestStore();
  const sink = () => new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  one = await startTestServer(store, { log: createLogger('trace', sink()) });
  two = await startTestServer(store, { log: createLogger('trace', sink()) });
  d = await buildDistrict(one.url, one.db, tag);
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await one?.close();
  await two?.close();
  await store?.destroy();
});

/** Every key under the prefix with everything it holds, as text (key names included). */
async function dumpRedis(prefix: string): Promise<{ keys: number; byType: Record<string, number>; text: string[] }> {
  const redis = new Redis(REDIS_URL);
  const out: string[] = [];
  const byType: Record<string, number> = {};
  let cursor = '0';
  let keys = 0;
  try {
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of batch) {
        keys++;
        const type = await redis.type(key);
        byType[type] = (byType[type] ?? 0) + 1;
        let value: unknown;
        if (type === 'string') value = (await redis.getBuffer(key))?.toString('latin1');
        else if (type === 'hash') value = Object.entries(await redis.hgetallBuffer(key)).map(([f, v]) => `${f}=${v.toString('latin1')}`);
        else if (type === 'list') value = (await redis.lrangeBuffer(key, 0, -1)).map((v) => v.toString('latin1'));
        else if (type === 'set') value = (await redis.smembersBuffer(key)).map((v) => v.toString('latin1'));
        else if (type === 'zset') value = (await redis.zrangeBuffer(key, 0, -1, 'WITHSCORES')).map((v) => v.toString('latin1'));
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `(${type})`;
        // Both encodings: a value may hold UTF-8 text (Chinese bodies) or binary (msgpack).
        const text = JSON.stringify(value);
        out.push(`${key} ${text} ${Buffer.from(text, 'latin1').toString('utf8')}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, byType, text: out };
}

describe('R16: a sweep of the logs and of Redis after a full run', () => {
  it('finds no message body, password, token, e-mail address or contact', async () => {
    const secrets = { body: [] as string[], password: [PASSWORD] as string[], token: [] as string[], email: [] as string[], contact: [] as string[] };
    const people = [d.admin, d.orgA, d.orgB, d.genOrg, d.alice, d.amy, d.bob];
    secrets.token.push(...people.map((p) => p.token));
    secrets.email.push(...people.map((p) => p.user.email));
    const roomA = `org:${d.branchA.id}`;

    // Sign-ins: a good one, a failed one with a password of its own, a password change and a sign-in with the new one.
    const wrong = `Wrong-Pass-${tag}`;
    const fresh = `New-Pass-${tag}-x9`;
    secrets.password.push(wrong, fresh);
    secrets.token.push(await login(two.url, d.amy.user.email));
    expect((await api(one.url, 'POST', '/api/auth/login', { body: { email: d.amy.user.email, password: wrong } })).status).toBe(401);
    expect((await api(one.url, 'POST', '/api/auth/login', { body: { email: `nobody-${tag}@nowhere.example`, password: wrong } })).status).toBe(401);
    secrets.email.push(`nobody-${tag}@nowhere.example`);
    const bobToken = await login(one.url, d.bob.user.email);
    secrets.token.push(bobToken);
    expect((await api(one.url, 'POST', '/api/me/password', { token: bobToken, body: { current: PASSWORD, next: fresh } })).status).toBe(204);
    const bobNew = await login(two.url, d.bob.user.email, fresh);
    secrets.token.push(bobNew);
    // A member added with an e-mail address by an organizer; a profile and a report home with a phone number.
    const newEmail = `newcomer-${tag}@mail.example`;
    secrets.email.push(newEmail);
    expect((await api(two.url, 'POST', '/api/members', { token: d.orgA.token, body: { name: `Newcomer ${tag}`, email: newEmail, password: PASSWORD, branchId: d.branchA.id } })).status).toBe(201);
    const phone = `+86 138 ${tag.slice(0, 4).replace(/\D/g, '7').padEnd(4, '7')} 0199`;
    const phone2 = `+44 7700 ${String(parseInt(tag, 16) % 1_000_000).padStart(6, '0')}`;
    secrets.contact.push(phone, phone2);
    expect((await api(one.url, 'PATCH', `/api/members/${d.alice.user.id}`, { token: d.alice.token, body: { location: `London, ring ${phone2}` } })).status).toBe(200);
    expect((await api(two.url, 'POST', '/api/me/report-in', { token: d.alice.token, body: { location: 'Manchester', mobile: true, note: `new number ${phone}` } })).status).toBe(201);

    // Chat on both processes: recognisable bodies (Latin, Chinese, a mention, an e-mail address inside a body).
    const aliceOne = await connect(one.url, { token: d.alice.token });
    const amyTwo = await connect(two.url, { token: d.amy.token });
    const orgATwo = await connect(two.url, { token: d.orgA.token });
    sockets.push(aliceOne, amyTwo, orgATwo);
    for (const s of [aliceOne, amyTwo, orgATwo]) await ok(s, 'room:join', { roomId: roomA });
    for (let i = 0; i < 30; i++) {
      const body = [`Secret-Body-${tag}-${i}`, `秘密消息${tag}第${i}条`, `@Amy 看一下 ${tag}-mention-${i}`][i % 3];
      secrets.body.push(body);
      await ok([aliceOne, amyTwo, orgATwo][i % 3], 'chat:send', { roomId: roomA, clientId: `r16-${i}`, body });
      if (i % 5 === 0) aliceOne.emit('chat:typing', { roomId: roomA }, () => {});
    }
    // A discussion and a reply.
    const discussion = (await api(one.url, 'POST', '/api/discussions', { token: d.alice.token, body: { orgId: d.branchA.id, title: `Topic ${tag}`, body: `Discussion-Body-${tag}` } })).body.discussion;
    secrets.body.push(`Discussion-Body-${tag}`, `Reply-Body-${tag}`);
    expect((await api(two.url, 'POST', `/api/discussions/${discussion.id}/replies`, { token: d.amy.token, body: { body: `Reply-Body-${tag}`, clientId: 'r16-reply' } })).status).toBe(201);

    // Guest links: made, redeemed by a socket, revoked.
    const invite = (await api(one.url, 'POST', '/api/guest-invites', { token: d.alice.token, body: { label: 'Mum' } })).body;
    secrets.token.push(invite.token);
    const guest = await connect(two.url, { guestToken: invite.token });
    sockets.push(guest);
    const gone = new Promise((r) => guest.once('disconnect', r));
    expect((await api(one.url, 'DELETE', `/api/guest-invites/${invite.id}`, { token: d.alice.token })).status).toBe(204);
    await gone;

    // A meeting open to the public: members sign up (its reminder is a BullMQ job), visitors register with a phone and an e-mail.
    const meeting = (await api(one.url, 'POST', '/api/meetings', {
      token: d.orgA.token,
      body: { hostOrgId: d.branchA.id, title: `Open day ${tag}`, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), capacity: 3, openTo: 'public' },
    })).body.meeting;
    await ok(aliceOne, 'meeting:signup', { meetingId: meeting.id });
    const visitorEmail = `visitor-${tag}@mail.example`;
    secrets.email.push(visitorEmail);
    const phone3 = `139${String(parseInt(tag, 16) % 100_000_000).padStart(8, '0')}`;
    secrets.contact.push(phone3);
    for (const contact of [phone3, visitorEmail, phone3]) {
      const res = await api(two.url, 'POST', `/api/public/meetings/${meeting.id}/registrations`, { body: { name: `Visitor ${tag}`, contact } });
      expect(res.status).toBe(201);
      secrets.token.push(res.body.code);
    }
    expect((await api(one.url, 'DELETE', `/api/public/registrations/${secrets.token[secrets.token.length - 1]}`)).status).toBe(204);

    // Dues: rates, a payment, a reminder run on BullMQ (job data, notifications pushed).
    for (const p of [d.alice, d.amy]) expect((await api(one.url, 'PUT', `/api/dues/rates/${p.user.id}`, { token: d.orgA.token, body: { monthlyAmount: 5000 } })).status).toBe(200);
    const heard: unknown[] = [];
    amyTwo.on('notification', (n) => heard.push(n));
    const me = (await api(one.url, 'GET', '/api/dues/me', { token: d.amy.token })).body;
    const period = me.periods[me.periods.length - 1]?.period ?? new Date().toISOString().slice(0, 7);
    expect((await api(two.url, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'first' } })).status).toBe(202);
    await waitFor(() => heard.length > 0, 15_000, 'a dues reminder');

    // The same kinds of writes while the database refuses them (read-only): each failure is logged, and the log
    // must keep the error without what the request carried (bodies, e-mail addresses, passwords, contacts).
    const readOnly = (on: boolean) => Promise.all([one, two].map((s) => s.db.knex.raw(`PRAGMA query_only = ${on ? 'ON' : 'OFF'}`)));
    await readOnly(true);
    const failedEmail = `failed-${tag}@mail.example`;
    const failedPassword = `Failed-Pass-${tag}-q7`;
    const failedPhone = `+86 137 ${String(parseInt(tag, 16) % 10_000).padStart(4, '0')} 4321`;
    secrets.email.push(failedEmail);
    secrets.password.push(failedPassword);
    secrets.contact.push(failedPhone);
    for (let i = 0; i < 6; i++) {
      const body = [`Failed-Body-${tag}-${i}`, `失败消息${tag}第${i}条 ${failedEmail}`][i % 2];
      secrets.body.push(body);
      const ack = await ([aliceOne, amyTwo][i % 2].timeout(20_000) as any).emitWithAck('chat:send', { roomId: roomA, clientId: `r16-failed-${i}`, body });
      expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    }
    const refusedWrites = [
      await api(one.url, 'POST', '/api/members', { token: d.orgA.token, body: { name: `Failed ${tag}`, email: failedEmail, password: failedPassword, branchId: d.branchA.id } }),
      await api(two.url, 'POST', `/api/public/meetings/${meeting.id}/registrations`, { body: { name: `Visitor ${tag}`, contact: failedPhone } }),
      await api(one.url, 'POST', '/api/me/report-in', { token: d.amy.token, body: { location: 'Leeds', mobile: true, note: `call ${failedPhone}` } }),
      await api(two.url, 'POST', '/api/me/password', { token: d.amy.token, body: { current: PASSWORD, next: failedPassword } }),
      await api(one.url, 'POST', '/api/auth/login', { body: { email: d.orgB.user.email, password: PASSWORD } }),
      await api(two.url, 'POST', '/api/dues/reminders/run', { token: d.admin.token, body: { period, stage: 'second' } }),
    ];
    await sleep(700); // the search indexer, signs of life and the reminder jobs meet the fault too
    await readOnly(false);
    const refusedStatuses = refusedWrites.map((r) => r.status);

    // Signing out.
    expect((await api(two.url, 'POST', '/api/auth/logout', { token: bobNew })).status).toBe(204);
    await sleep(500);

    // The sweep.
    const log = lines.join('');
    const redis = await dumpRedis(store.keyPrefix);
    const redisText = redis.text.join('\n');
    const found: string[] = [];
    for (const [kind, values] of Object.entries(secrets)) {
      for (const value of new Set(values)) {
        if (log.includes(value)) found.push(`log: ${kind} ${value.slice(0, 24)}… in ${lines.find((l) => l.includes(value))!.slice(0, 300)}`);
        const inRedis = redis.text.find((t) => t.includes(value));
        if (inRedis) found.push(`redis: ${kind} ${value.slice(0, 24)}… in ${inRedis.slice(0, 300)}`);
      }
    }
    // Any e-mail address at all, not only the ones this run made.
    const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
    for (const [where, text] of [['log', log], ['redis', redisText]] as const) for (const m of text.match(emailPattern) ?? []) found.push(`${where}: an e-mail address ${m}`);
    const counts = Object.entries(secrets).map(([k, v]) => `${new Set(v).size} ${k === 'body' ? 'bodies' : `${k}s`}`).join(', ');
    console.info(
      `R16 sweep: ${lines.length} log lines (level trace, 2 processes, ${(log.length / 1024).toFixed(0)} KiB) and ${redis.keys} Redis keys (${Object.entries(redis.byType).map(([t, n]) => `${n} ${t}`).join(', ')}) ` +
        `(writes refused on purpose: ${refusedStatuses.join('/')}) searched for ${counts} and any e-mail address: ${found.length} found${found.length ? `: ${[...new Set(found)].slice(0, 8).join(' | ')}` : ''}`,
    );
    expect(refusedStatuses.filter((st) => st === 503).length, `writes refused while read-only: ${refusedStatuses.join(', ')}`).toBeGreaterThanOrEqual(4);
    if (process.env.R16_DUMP) console.log(log, redis.text.join('\n')); // what was swept, to read it by eye
    expect(lines.length).toBeGreaterThan(0);
    expect(redis.keys).toBeGreaterThan(0);
    expect([...new Set(found)]).toEqual([]);
  }, 60_000);
});
