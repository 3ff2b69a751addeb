import { describe, expect, it } from 'vitest';
import { api, connect, ok, type TestSocket } from '../helpers/clients';
import { login, PASSWORD } from '../helpers/district';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

const disconnected = (socket: TestSocket) => new Promise<string>((resolve) => socket.once('disconnect', resolve));

describe('sign-in and tokens', () => {
  it('logs in, returns the user, and never stores the password in clear', async () => {
    const res = await api(env.server.url, 'POST', '/api/auth/login', { body: { email: env.d.alice.user.email.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^ks_[A-Za-z0-9_-]{40,}$/);
    expect(res.body.user).toEqual({
      id: env.d.alice.user.id, name: 'Alice', email: env.d.alice.user.email, branchId: env.d.branchA.id,
      timezone: 'Europe/London', mobile: true, location: 'London', role: 'member', language: 'zh-CN', status: 'active', lastSeenAt: null,
    });
    const row = await env.server.db.knex('users').where({ id: env.d.alice.user.id }).first('password_hash');
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const tokens = await env.server.db.knex('auth_tokens').select('token_hash');
    expect(tokens.some((t: { token_hash: string }) => t.token_hash === res.body.token)).toBe(false);
  });

  it('says unauthorized for a wrong password, an unknown account and a missing token', async () => {
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email: env.d.alice.user.email, password: 'wrong-password' } })).body)
      .toEqual({ error: { code: 'unauthorized', message: 'wrong email or password' } });
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email: 'nobody@test.example', password: 'whatever1' } })).status).toBe(401);
    expect((await api(env.server.url, 'GET', '/api/me')).status).toBe(401);
    expect((await api(env.server.url, 'GET', '/api/me', { token: 'ks_forged' })).body.error.code).toBe('unauthorized');
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email: 5 } })).body.error.code).toBe('invalid');
  });

  it('takes the limit before the check: 30 parallel wrong passwords get 10 checks, and the owner elsewhere still signs in', async () => {
    const email = env.d.bob.user.email;
    const from = { 'x-forwarded-for': '198.51.100.20' };
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: `bad-${i}-pass` }, headers: from })),
    );
    // Only the 10 attempts within the limit were checked (401); the rest were refused unchecked.
    expect(burst.filter((r) => r.status === 401)).toHaveLength(10);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(20);
    expect(burst.find((r) => r.status === 429)!.body.error.code).toBe('rate_limited');
    // The right password from that address is refused too (the pair is spent)…
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, headers: from })).status).toBe(429);
    // …but a stranger's failures never lock the member out at their own address.
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.21' } })).status).toBe(200);
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email: env.d.amy.user.email, password: PASSWORD }, headers: from })).status).toBe(200);
  });

  it('counts failures only: a right password gives its attempt back', async () => {
    const email = env.d.amy.user.email;
    const from = { 'x-forwarded-for': '198.51.100.30' };
    for (let i = 0; i < 25; i++) expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, headers: from })).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: 'wrong-one' }, headers: from })).status).toBe(401);
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, headers: from })).status).toBe(200);
  });

  it('limits failures per address (100 in 15 minutes) whichever accounts they try; other addresses are unaffected', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const guesses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => api(env.server.url, 'POST', '/api/auth/login', { body: { email: `guess${i}@test.example`, password: 'guessing1' }, headers: from })),
    );
    expect(guesses.every((r) => r.status === 401)).toBe(true);
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email: env.d.amy.user.email, password: PASSWORD }, headers: from })).status).toBe(429);
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email: env.d.amy.user.email, password: PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.8' } })).status).toBe(200);
  });

  it('locks an account everywhere only beyond a daily ceiling (500 failures) that only an attack reaches', async () => {
    const { Redis } = await import('ioredis');
    const { createLoginLimiter, LOGIN_LIMITS } = await import('../../server/rateLimits');
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const limiter = createLoginLimiter(redis, env.store.keyPrefix);
      const account = 'ceiling@test.example';
      // 500 failures, each from another address (a botnet): every one is checked…
      for (let i = 0; i < LOGIN_LIMITS.account.points; i++) expect(await limiter.take({ account, address: `10.9.${i >> 8}.${i & 255}` })).toBe(true);
      // …and then the account is locked for the day, from any address; other accounts are not.
      expect(await limiter.take({ account, address: '192.0.2.1' })).toBe(false);
      expect(await limiter.take({ account: 'other@test.example', address: '192.0.2.1' })).toBe(true);
    } finally {
      await redis.quit();
    }
  });

  it('GET /api/me tells which units the user organizes and which rooms they may use', async () => {
    const me = await api(env.server.url, 'GET', '/api/me', { token: env.d.genOrg.token });
    expect(me.body.organizerOf).toEqual([env.d.general.id]);
    expect(me.body.rooms.map((r: { id: string }) => r.id).sort()).toEqual(
      [env.d.committee, env.d.general, env.d.branchA, env.d.branchB].map((o) => `org:${o.id}`).sort(),
    );
    const bob = await api(env.server.url, 'GET', '/api/me', { token: env.d.bob.token });
    expect(bob.body.rooms.map((r: { id: string }) => r.id)).not.toContain(`org:${env.d.branchA.id}`);
  });

  it('logout revokes the token and disconnects only the sockets opened with it', async () => {
    const token = await login(env.server.url, env.d.amy.user.email);
    const other = await connect(env.server.url, { token: env.d.amy.token });
    const socket = await connect(env.server.url, { token });
    env.track(other, socket);
    const gone = disconnected(socket);
    expect((await api(env.server.url, 'POST', '/api/auth/logout', { token })).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect((await api(env.server.url, 'GET', '/api/me', { token })).status).toBe(401);
    await expect(connect(env.server.url, { token })).rejects.toThrow('unauthorized');
    expect(other.connected).toBe(true);
  });
});

describe('origins', () => {
  it('refuses sockets and state-changing requests from a foreign Origin, allows same-origin and configured ones', async () => {
    await expect(connect(env.server.url, { token: env.d.alice.token }, { extraHeaders: { origin: 'http://evil.example' } })).rejects.toThrow('unauthorized');
    const same = await connect(env.server.url, { token: env.d.alice.token }, { extraHeaders: { origin: env.server.url } });
    const listed = await connect(env.server.url, { token: env.d.alice.token }, { extraHeaders: { origin: 'http://kitestring.test' } });
    env.track(same, listed);
    const foreign = await api(env.server.url, 'POST', '/api/members', {
      token: env.d.admin.token, headers: { origin: 'http://evil.example' },
      body: { name: 'X', email: 'x-evil@test.example', password: PASSWORD, branchId: env.d.branchA.id },
    });
    expect(foreign.status).toBe(403);
    expect((await api(env.server.url, 'PATCH', `/api/members/${env.d.alice.user.id}`, { token: env.d.alice.token, headers: { origin: env.server.url }, body: { location: 'Leeds' } })).status).toBe(200);
  });
});

describe('organization tree', () => {
  it('lets only the admin build the tree, with a valid shape', async () => {
    const bad: Array<[unknown, number, string]> = [
      [{ name: 'Loose branch', kind: 'branch' }, 400, 'invalid'],
      [{ name: 'Under a branch', kind: 'branch', parentId: env.d.branchA.id }, 400, 'invalid'],
      [{ name: 'Nowhere', kind: 'branch', parentId: 999999 }, 404, 'not_found'],
      [{ name: 'Odd', kind: 'club', parentId: env.d.general.id }, 400, 'invalid'],
      [{ name: '', kind: 'committee' }, 400, 'invalid'],
      [{ kind: 'committee' }, 400, 'invalid'],
    ];
    for (const [body, status, code] of bad) {
      const res = await api(env.server.url, 'POST', '/api/orgs', { token: env.d.admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    expect((await api(env.server.url, 'POST', '/api/orgs', { token: env.d.genOrg.token, body: { name: 'Mine', kind: 'branch', parentId: env.d.general.id } })).status).toBe(403);
    const made = await api(env.server.url, 'POST', '/api/orgs', { token: env.d.admin.token, body: { name: '第三支部', kind: 'branch', parentId: env.d.general.id } });
    expect(made.status).toBe(201);
    expect(made.body.org).toEqual({ id: expect.any(Number), name: '第三支部', kind: 'branch', parentId: env.d.general.id });
    const list = await api(env.server.url, 'GET', '/api/orgs', { token: env.d.bob.token });
    expect(list.body.orgs).toContainEqual(made.body.org);
    // The new branch room exists at once.
    const admin = await connect(env.server.url, { token: env.d.admin.token });
    env.track(admin);
    expect((await ok(admin, 'room:join', { roomId: `org:${made.body.org.id}` })).seq).toBe(0);
  });

  it('lets the admin or an organizer above appoint and remove organizers', async () => {
    const path = `/api/orgs/${env.d.branchA.id}/organizers`;
    expect((await api(env.server.url, 'POST', path, { token: env.d.orgA.token, body: { userId: env.d.amy.user.id } })).status).toBe(403);
    expect((await api(env.server.url, 'POST', path, { token: env.d.genOrg.token, body: { userId: env.d.amy.user.id } })).status).toBe(204);
    expect((await api(env.server.url, 'GET', '/api/me', { token: env.d.amy.token })).body.organizerOf).toEqual([env.d.branchA.id]);
    expect((await api(env.server.url, 'DELETE', `${path}/${env.d.amy.user.id}`, { token: env.d.genOrg.token })).status).toBe(204);
    expect((await api(env.server.url, 'DELETE', `${path}/${env.d.amy.user.id}`, { token: env.d.genOrg.token })).status).toBe(404);
    expect((await api(env.server.url, 'POST', path, { token: env.d.admin.token, body: { userId: 999999 } })).status).toBe(404);
    expect((await api(env.server.url, 'POST', path, { token: env.d.admin.token, body: { userId: 'x' } })).status).toBe(400);
    expect((await api(env.server.url, 'POST', '/api/orgs/abc/organizers', { token: env.d.admin.token, body: { userId: 1 } })).status).toBe(400);
  });
});

describe('members', () => {
  it('lets organizers add members to their own units only, with clear errors', async () => {
    const body = (email: string, branchId: number) => ({ name: '周敏', email, password: PASSWORD, branchId, timezone: 'America/Los_Angeles', mobile: true, location: 'Los Angeles' });
    const created = await api(env.server.url, 'POST', '/api/members', { token: env.d.orgA.token, body: body('zhou@test.example', env.d.branchA.id) });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ name: '周敏', email: 'zhou@test.example', branchId: env.d.branchA.id, timezone: 'America/Los_Angeles', role: 'member' });
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.orgA.token, body: body('ZHOU@test.example', env.d.branchA.id) })).status).toBe(409);
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.orgA.token, body: body('zhou2@test.example', env.d.branchB.id) })).status).toBe(403);
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.alice.token, body: body('zhou3@test.example', env.d.branchA.id) })).status).toBe(403);
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.genOrg.token, body: body('zhou4@test.example', env.d.branchB.id) })).status).toBe(201);
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.admin.token, body: body('zhou5@test.example', env.d.general.id) })).body.error.code).toBe('invalid');
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.admin.token, body: { ...body('zhou6@test.example', env.d.branchA.id), timezone: 'Mars/Olympus' } })).body.error.code).toBe('invalid');
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.admin.token, body: { ...body('zhou7@test.example', env.d.branchA.id), password: 'short' } })).body.error.code).toBe('invalid');
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.admin.token, rawBody: '{"name": "broken' })).body).toEqual({ error: { code: 'invalid', message: 'request body is not valid JSON' } });
    expect((await api(env.server.url, 'POST', '/api/members', { token: env.d.admin.token, rawBody: JSON.stringify({ name: 'x'.repeat(70_000) }) })).status).toBe(413);
  });

  it('lists members under a unit for its organizers', async () => {
    const list = await api(env.server.url, 'GET', `/api/members?orgId=${env.d.general.id}`, { token: env.d.genOrg.token });
    const ids = list.body.members.map((u: { id: number }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([env.d.alice.user.id, env.d.bob.user.id, env.d.orgB.user.id]));
    expect((await api(env.server.url, 'GET', `/api/members?orgId=${env.d.branchB.id}`, { token: env.d.orgA.token })).status).toBe(403);
    expect((await api(env.server.url, 'GET', '/api/members', { token: env.d.orgA.token })).status).toBe(400);
    const branchA = await api(env.server.url, 'GET', `/api/members?orgId=${env.d.branchA.id}`, { token: env.d.orgA.token });
    expect(branchA.body.members.every((u: { branchId: number }) => u.branchId === env.d.branchA.id)).toBe(true);
  });

  it('lets a member edit themselves, and organizers edit their members', async () => {
    const self = await api(env.server.url, 'PATCH', `/api/members/${env.d.amy.user.id}`, { token: env.d.amy.token, body: { location: '杭州 Hangzhou', mobile: true, timezone: 'Asia/Shanghai' } });
    expect(self.body.user).toMatchObject({ location: '杭州 Hangzhou', mobile: true });
    expect((await api(env.server.url, 'PATCH', `/api/members/${env.d.amy.user.id}`, { token: env.d.orgA.token, body: { name: 'Amy Li' } })).body.user.name).toBe('Amy Li');
    expect((await api(env.server.url, 'PATCH', `/api/members/${env.d.amy.user.id}`, { token: env.d.bob.token, body: { name: 'Hacked' } })).status).toBe(403);
    expect((await api(env.server.url, 'PATCH', `/api/members/${env.d.amy.user.id}`, { token: env.d.orgB.token, body: { name: 'Hacked' } })).status).toBe(403);
    expect((await api(env.server.url, 'PATCH', `/api/members/${env.d.amy.user.id}`, { token: env.d.amy.token, body: { timezone: 'Nowhere' } })).status).toBe(400);
    expect((await api(env.server.url, 'PATCH', '/api/members/999999', { token: env.d.admin.token, body: { name: 'Ghost' } })).status).toBe(404);
  });

  it('removing a member revokes their tokens and disconnects all their sockets at once', async () => {
    const email = 'leaving@test.example';
    const made = await api(env.server.url, 'POST', '/api/members', { token: env.d.orgA.token, body: { name: 'Leaving', email, password: PASSWORD, branchId: env.d.branchA.id } });
    const token = await login(env.server.url, email);
    const tabs = await Promise.all([connect(env.server.url, { token }), connect(env.server.url, { token })]);
    env.track(...tabs);
    await ok(tabs[0], 'room:join', { roomId: `org:${env.d.branchA.id}` });
    const gone = Promise.all(tabs.map(disconnected));
    expect((await api(env.server.url, 'DELETE', `/api/members/${made.body.user.id}`, { token: env.d.orgB.token })).status).toBe(403);
    expect((await api(env.server.url, 'DELETE', `/api/members/${made.body.user.id}`, { token: env.d.orgA.token })).status).toBe(204);
    await gone;
    expect((await api(env.server.url, 'GET', '/api/me', { token })).status).toBe(401);
    expect((await api(env.server.url, 'POST', '/api/auth/login', { body: { email, password: PASSWORD } })).status).toBe(401);
    await expect(connect(env.server.url, { token })).rejects.toThrow('unauthorized');
    expect((await api(env.server.url, 'DELETE', `/api/members/${made.body.user.id}`, { token: env.d.orgA.token })).status).toBe(404);
  });
});

describe('health and metrics', () => {
  it('reports health, metrics and JSON 404s', async () => {
    expect(await api(env.server.url, 'GET', '/healthz')).toEqual({ status: 200, body: { ok: true, db: 'up', redis: 'up' } });
    const metrics = await fetch(`${env.server.url}/metrics`);
    const text = await metrics.text();
    expect(text).toContain('ks_sockets_connected');
    expect(text).toContain('ks_chat_write_batch_size');
    expect((await api(env.server.url, 'GET', '/api/nope', { token: env.d.alice.token })).body.error.code).toBe('not_found');
  });
});
