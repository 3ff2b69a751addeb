import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRoomId } from '../../server/contract/events';
import { createDatabase, migrateToLatest, type Database } from '../../server/db/database';
import { DESKTOP_EN, go, launchChromium, PHONE_ZH } from '../helpers/browser';
import { connect, ok, sleep, waitFor, type TestSocket } from '../helpers/clients';
import { buildDistrict, PASSWORD, type District, type Person } from '../helpers/district';
import { createTestStore, REDIS_URL, type TestStore } from '../helpers/server';
import { freePort, spawnServer, type ServerProcess } from '../resilience/support/h1';

// Several kitestring processes behind a real nginx running deploy/nginx.conf itself (docs/deployment.md,
// "Behind nginx"): two `server/main.ts` processes on one PostgreSQL schema and Redis key prefix, and an nginx
// of the test's own (its own port, prefix directory, pid and logs). Browsers open the real app through
// nginx: their sockets stay up, Socket.IO's long-polling stays on one process (sticky by nginx's ks_lb
// cookie), one process is killed with SIGKILL and its members come back through nginx on the other one
// with no message missing. And what nginx keeps out (/metrics) or passes on (the client's address).
//
// nginx comes from Debian's package: scripts/prepare-tests.ts installs it (apt-get, when root), as it does
// Chromium. This file skips only where nginx is missing and cannot be installed (not root, or no apt-get).
// NGINX_TEST_SCREENSHOT=<file.png> saves what the 360 px wide phone shows through nginx.

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const CONF = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));
const installable = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const skip = !existsSync(NGINX) && !installable;
if (skip) console.warn(`tests/e2e/nginx.test.ts skipped: no nginx at ${NGINX}, and it cannot be installed here (not root or no apt-get): sudo apt-get install -y nginx, or set NGINX_PATH`);

/** The window in which every socket must stay up (shorter than a ping interval: it only shows nothing drops). */
const STEADY_MS = 10_000;

/**
 * deploy/nginx.conf with only its lines marked "(test: ...)" rewritten: the listen port, one upstream
 * server per process, and pid, logs and temp files inside `dir`. Everything else is the committed file.
 */
function testConfig(source: string, dir: string, port: number, upstreams: number[]): string {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    if (/^user\s/.test(line)) continue;
    if (/^\s*listen \[::\]:80;/.test(line)) continue;
    const server = /^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;/.exec(line);
    if (server) {
      // The first of the committed server lines becomes one line per test process; the others go.
      if (!lines.some((l) => l.includes('# test upstream'))) for (const p of upstreams) lines.push(`${server[1]}server 127.0.0.1:${p}${server[2] ?? ''};  # test upstream`);
      continue;
    }
    lines.push(
      line
        .replace(/^(\s*)listen 80;/, `$1listen 127.0.0.1:${port};`)
        .replace('/run/nginx.pid', join(dir, 'nginx.pid'))
        .replace(/\/var\/(?:log|lib)\/nginx\//g, `${dir}/`),
    );
  }
  const text = lines.join('\n');
  const directives = lines.map((l) => l.replace(/#.*/, '')).join('\n');
  for (const left of ['/var/log/nginx', '/var/lib/nginx', '/run/', 'listen 80', ':3000']) {
    if (directives.includes(left)) throw new Error(`deploy/nginx.conf changed shape: "${left}" is left after the test's rewrite`);
  }
  return text;
}

interface Nginx {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  output(): string;
}

async function startNginx(port: number, upstreams: number[]): Promise<Nginx> {
  const dir = (nginxDir = mkdtempSync(join(tmpdir(), 'kitestring-nginx-')));
  chmodSync(dir, 0o755); // as root, the workers run as nobody and write their temp files under it
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, testConfig(readFileSync(CONF, 'utf8'), dir, port, upstreams));
  const proc = spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const started = { url: `http://127.0.0.1:${port}`, port, dir, proc, output: () => `${out}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}` };
  nginx = started; // stopped in afterAll even if it never comes up
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}: ${started.output()}`);
    return fetch(`${started.url}/healthz`).then(() => true, () => false);
  }, 10_000, 'nginx to listen');
  return started;
}

/** A request from another loopback address (127.0.0.x), so nginx sees a client address of the test's choice. */
function requestFrom(localAddress: string, port: number, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest({ host: '127.0.0.1', port, localAddress, method, path, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The login limiter's per-address keys in Redis: the addresses the server counted failures for. */
async function countedAddresses(prefix: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [nextCursor, found] = await redis.scan(cursor, 'MATCH', `${prefix}:rl:login:address:*`, 'COUNT', 1000);
      cursor = nextCursor;
      keys.push(...found);
    } while (cursor !== '0');
    return keys.map((k) => k.slice(`${prefix}:rl:login:address:`.length)).sort();
  } finally {
    redis.disconnect();
  }
}

/** What one browser page saw of its sockets, as the network (not the app) shows it. */
interface Watch {
  person: Person;
  key: string;
  process: number;
  page: Page;
  /** The app's own sockets (websocket first: no sid in the URL), with when each closed. */
  appSockets: Array<{ url: string; closedAt: number | null }>;
  /** Socket.IO answers of 400 and above (e.g. 400 "Session ID unknown" when polling is not sticky). */
  refused: string[];
}

let store: TestStore | undefined;
let db: Database | undefined;
let nginx: Nginx | undefined;
let nginxDir: string | undefined;
let browser: Browser | undefined;
const servers: ServerProcess[] = [];
const sockets: TestSocket[] = [];

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await browser?.close();
  if (nginx && nginx.proc.exitCode === null) {
    const gone = new Promise((r) => nginx!.proc.once('exit', r));
    nginx.proc.kill('SIGQUIT'); // graceful: the master stops its workers, then exits
    await Promise.race([gone, sleep(5000)]);
    if (nginx.proc.exitCode === null && nginx.proc.signalCode === null) nginx.proc.kill('SIGKILL');
  }
  if (nginxDir && process.env.NGINX_KEEP_DIR) console.info(`nginx dir kept: ${nginxDir}`);
  else if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await db?.close();
  await store?.destroy();
});

describe.skipIf(skip)('many kitestring processes behind nginx (deploy/nginx.conf)', () => {
  let d: District;
  let ports: number[];
  /** ks_lb cookie values, two per process, found by asking nginx where each one's session lands. */
  const keysOf: string[][] = [[], []];

  beforeAll(async () => {
    if (!existsSync(NGINX)) throw new Error(`no nginx at ${NGINX}: run "npx tsx scripts/prepare-tests.ts" (it installs Debian's nginx with apt-get), or set NGINX_PATH`);
    store = createTestStore('postgres');
    db = createDatabase(store.databaseUrl);
    await migrateToLatest(db);
    const nginxPort = await freePort();
    const env = { DATABASE_URL: store.databaseUrl, REDIS_URL, KEY_PREFIX: store.keyPrefix, WORKERS: 'off', TRUST_PROXY: 'loopback', PUBLIC_URL: `http://127.0.0.1:${nginxPort}` };
    servers.push(spawnServer(env), spawnServer(env));
    [ports, browser] = await Promise.all([Promise.all(servers.map((s) => s.ready)), launchChromium()]);
    const proxy = await startNginx(nginxPort, ports);
    d = await buildDistrict(proxy.url, db, `ngx${Date.now().toString(36)}`);

    // Which process a cookie value leads to: a polling handshake through nginx with that cookie, then the
    // session's sid closed at each process directly; only the one that made it knows it.
    for (let probe = 0; keysOf.some((k) => k.length < 2); probe++) {
      if (probe > 40) throw new Error('40 cookie values, and still not two per process: is the upstream hash sticky at all?');
      const key = randomBytes(16).toString('hex');
      const res = await fetch(`${proxy.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: `ks_lb=${key}` } });
      expect(res.headers.get('set-cookie'), 'nginx never sets its cookie on /socket.io/').toBeNull();
      const { sid } = JSON.parse((await res.text()).slice(1)) as { sid: string };
      const at: number[] = [];
      for (const [i, port] of ports.entries()) {
        const close = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '1', headers: { 'content-type': 'text/plain;charset=UTF-8' } });
        await close.text();
        if (close.status === 200) at.push(i);
      }
      expect(at, `sid ${sid} known at exactly one process`).toHaveLength(1);
      if (keysOf[at[0]].length < 2) keysOf[at[0]].push(key);
    }
  });

  it('nginx itself: /healthz passes, /metrics and oversized bodies are refused, pages get the sticky cookie, assets are gzipped, the real client address is counted', async () => {
    const url = nginx!.url;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, db: 'up', redis: 'up' });
    for (const path of ['/metrics', '/METRICS', '/metrics/', '//metrics', '/metrics?x=1']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: { code: 'not_found', message: 'not found' } });
    }
    // The process itself still serves it to a scraper on its own host: nginx is what keeps it in.
    expect((await fetch(`http://127.0.0.1:${ports[0]}/metrics`)).status).toBe(200);
    // A body past client_max_body_size is refused by nginx, in the app's error format.
    const big = await fetch(`${url}/api/members/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(3_000_000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { code: 'too_large', message: 'request body is too large' } });

    // A first page load gets ks_lb; one that has it gets nothing new.
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('<div id="app"');
    expect(page.headers.get('set-cookie')).toMatch(/^ks_lb=[0-9a-f]{32}; Path=\/; Max-Age=31536000; HttpOnly; SameSite=Lax$/);
    const again = await fetch(`${url}/`, { headers: { cookie: `ks_lb=${keysOf[0][0]}` } });
    await again.text();
    expect(again.headers.get('set-cookie')).toBeNull();
    // Hashed assets are compressed by nginx (the processes get no Accept-Encoding for them) and stay immutable.
    const asset = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${url}/`)).text())![1];
    const js = await fetch(`${url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    await js.arrayBuffer();
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('cache-control')).toContain('immutable');

    // The sign-in limits count the address nginx saw (X-Forwarded-For, trusted with TRUST_PROXY=loopback),
    // not nginx's own, and not an X-Forwarded-For the client wrote itself.
    const wrong = { email: d.amy.user.email, password: 'not-the-password' };
    expect((await requestFrom('127.0.0.5', nginx!.port, 'POST', '/api/auth/login', wrong)).status).toBe(401);
    expect((await requestFrom('127.0.0.6', nginx!.port, 'POST', '/api/auth/login', wrong, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    const counted = await countedAddresses(store!.keyPrefix);
    expect(counted).toContain('127.0.0.5');
    expect(counted).toContain('127.0.0.6');
    expect(counted).not.toContain('203.0.113.9');
  });

  it('browsers stay connected through nginx, polling sticks to one process; a process killed with SIGKILL: its members come back on the other with no message missing', async () => {
    const url = nginx!.url;
    const roomId = orgRoomId(d.branchA.id);
    const people = [d.alice, d.amy, d.orgA, d.genOrg];
    // Two browsers per process (their ks_lb cookies), the phone first.
    const placed = people.map((person, i) => ({ person, process: i % 2, key: keysOf[i % 2][Math.floor(i / 2)] }));

    const watches: Watch[] = await Promise.all(
      placed.map(async ({ person, process, key }, i) => {
        const context = await browser!.newContext(i === 0 ? PHONE_ZH : DESKTOP_EN);
        await context.addCookies([{ name: 'ks_lb', value: key, url }]);
        const page = await context.newPage();
        const watch: Watch = { person, key, process, page, appSockets: [], refused: [] };
        page.on('websocket', (ws) => {
          if (ws.url().includes('sid=')) return; // an upgrade from polling (the probe below), not the app's
          const entry = { url: ws.url(), closedAt: null as number | null };
          watch.appSockets.push(entry);
          ws.on('close', () => (entry.closedAt = Date.now()));
        });
        page.on('response', (res) => {
          if (res.url().includes('/socket.io/') && res.status() >= 400) watch.refused.push(`${res.status()} ${res.request().method()} ${res.url()}`);
        });
        await page.goto(url);
        await page.getByLabel(/Email|邮箱/).fill(person.user.email);
        await page.getByLabel(/Password|密码/).fill(PASSWORD);
        await page.getByRole('button', { name: /Sign in|登录/ }).click();
        await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor();
        await go(page, `#/room/${roomId}`);
        await page.getByRole('heading', { level: 1, name: d.branchA.name }).waitFor();
        return watch;
      }),
    );
    if (process.env.NGINX_TEST_SCREENSHOT) await watches[0].page.screenshot({ path: process.env.NGINX_TEST_SCREENSHOT });

    // Beside the app's socket (websocket first), one with Socket.IO's default transports in each page:
    // long-polling first, then the upgrade to a websocket, from the client nginx serves at /socket.io/.
    const started = Date.now();
    await Promise.all(
      watches.map(async (w) => {
        await w.page.addScriptTag({ url: '/socket.io/socket.io.min.js' });
        await w.page.evaluate((token) => {
          const probe = { events: [] as string[], socket: null as unknown };
          (window as unknown as { probe: typeof probe }).probe = probe;
          const socket = (window as unknown as { io: (o: object) => any }).io({ auth: { token }, reconnection: false });
          probe.socket = socket;
          socket.io.engine.on('open', () => probe.events.push(`open:${socket.io.engine.transport.name}`));
          socket.io.engine.on('upgrade', (t: { name: string }) => probe.events.push(`upgrade:${t.name}`));
          socket.io.engine.on('upgradeError', (e: Error) => probe.events.push(`upgradeError:${e.message}`));
          socket.on('connect', () => probe.events.push('connect'));
          socket.on('disconnect', (reason: string) => probe.events.push(`disconnect:${reason}`));
          socket.on('connect_error', (e: Error) => probe.events.push(`connect_error:${e.message}`));
        }, w.person.token);
      }),
    );
    const probeOf = (w: Watch) => w.page.evaluate(() => {
      const p = (window as unknown as { probe: { events: string[]; socket: any } }).probe;
      return { events: p.events, transport: p.socket.io.engine.transport.name as string, connected: p.socket.connected as boolean };
    });
    await waitFor(async () => (await Promise.all(watches.map(probeOf))).every((p) => p.transport === 'websocket' && p.connected), 20_000, 'every probe socket upgraded to a websocket').catch(async (error) => {
      const seen = await Promise.all(watches.map(async (w) => `${w.person.user.name}: ${JSON.stringify(await probeOf(w))} refused ${JSON.stringify(w.refused)}`));
      throw new Error(`${(error as Error).message}\n${seen.join('\n')}`);
    });
    await sleep(Math.max(0, STEADY_MS - (Date.now() - started)));

    for (const w of watches) {
      const probe = await probeOf(w);
      // Opened by polling; connected and upgraded (in either order: the upgrade may finish first); nothing else.
      expect(probe.events[0], w.person.user.name).toBe('open:polling');
      expect([...probe.events].sort(), w.person.user.name).toEqual(['connect', 'open:polling', 'upgrade:websocket']);
      expect(w.refused, `${w.person.user.name}: no Socket.IO request refused (sticky polling)`).toEqual([]);
      expect(w.appSockets.map((s) => s.closedAt), `${w.person.user.name}: the app's websocket stays open`).toEqual([null]);
      await w.page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor({ timeout: 1000 });
      await w.page.evaluate(() => (window as unknown as { probe: { socket: { close(): void } } }).probe.socket.close());
    }

    // An organizer writes from a socket through nginx on process 1 (its cookie); everyone sees it live.
    const sender = await connect(url, { token: d.admin.token }, { extraHeaders: { cookie: `ks_lb=${keysOf[1][0]}` } });
    sockets.push(sender);
    const send = async (body: string) => (await ok(sender, 'chat:send', { roomId, clientId: `ngx-${randomBytes(6).toString('hex')}`, body })).message.seq;
    const msg = (page: Page, seq: number) => page.getByRole('log').locator(`li.msg[data-seq="${seq}"]`);
    const firstSeq = await send('before the kill');
    await Promise.all(watches.map((w) => msg(w.page, firstSeq).waitFor()));

    // SIGKILL process 0 while messages keep coming: its two members lose their websockets, reconnect through
    // nginx (which finds process 0 refusing and passes them on to process 1) and fill the gap from the room.
    const killedAt = Date.now();
    servers[0].child.kill('SIGKILL');
    await servers[0].exited;
    // The first request to reach the dead process (its members reconnect 0.5 s or more after losing it):
    // nginx finds it refusing and passes the request on (proxy_next_upstream), the caller sees nothing.
    const health = await fetch(`${url}/healthz`, { headers: { cookie: `ks_lb=${keysOf[0][0]}` } });
    expect(health.status).toBe(200);
    await health.text();
    const sent: number[] = [];
    for (let i = 0; i < 10; i++) {
      sent.push(await send(`while reconnecting ${i}`));
      await sleep(150);
    }

    const last = sent.at(-1)!;
    await Promise.all(watches.map((w) => msg(w.page, last).waitFor({ timeout: 20_000 })));
    for (const w of watches) {
      const name = w.person.user.name;
      const seqs = (await w.page.getByRole('log').locator('li.msg[data-seq]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.seq)))).filter((s) => s >= firstSeq);
      expect(seqs, `${name}: every message since the one before the kill, in order, once`).toEqual(Array.from({ length: last - firstSeq + 1 }, (_, i) => firstSeq + i));
      expect(sent.every((s) => seqs.includes(s))).toBe(true);
      await w.page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor({ timeout: 5000 });
      if (w.process === 0) {
        // The old websocket closed with the process; a new one through nginx is open.
        expect(w.appSockets.length, `${name}: reconnected`).toBeGreaterThanOrEqual(2);
        expect(w.appSockets[0].closedAt, name).toBeGreaterThanOrEqual(killedAt);
        expect(w.appSockets.at(-1)!.closedAt, name).toBeNull();
      } else {
        expect(w.appSockets.map((s) => s.closedAt), `${name}: on the process that lived, never disconnected`).toEqual([null]);
      }
      expect(w.refused, name).toEqual([]);
    }
    expect(nginx!.output()).not.toMatch(/\[(emerg|crit)\]/);
  });
});
