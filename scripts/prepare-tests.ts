/**
 * Brings what `npm test` needs on a fresh machine, or says in one line what is missing:
 * Redis and PostgreSQL (started when installed but down), Debian's Chromium and nginx (installed when missing
 * and we are root), and the database `test`. Runs before the suite on a developer's machine and in CI alike.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

const REDIS_URL = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const PG_URL = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const isLocal = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

function stop(message: string): never {
  process.stderr.write(`npm test cannot run yet: ${message}\n`);
  process.exit(1);
}

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Does something accept TCP connections on host:port (within a second)? */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port, timeout: 1000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 5; i++) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

async function ensureRedis(): Promise<void> {
  const port = Number(REDIS_URL.port || 6379);
  if (await listening(REDIS_URL.hostname, port)) return;
  if (!isLocal(REDIS_URL.hostname)) stop(`Redis at ${REDIS_URL.host} does not answer; start it or point REDIS_URL at a running Redis`);
  if (!has('redis-server')) stop('Redis is not installed; install it (apt-get install redis-server) or point REDIS_URL at a running Redis');
  process.stdout.write(`starting Redis on port ${port}\n`);
  execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  if (!(await waitUntil(() => listening('127.0.0.1', port), 10))) stop(`Redis did not start on port ${port}`);
}

async function ensurePostgres(): Promise<void> {
  const port = Number(PG_URL.port || 5432);
  if (!(await listening(PG_URL.hostname, port))) {
    if (!isLocal(PG_URL.hostname)) stop(`PostgreSQL at ${PG_URL.host} does not answer; start it or set TEST_PG_URL`);
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
    if (!has('pg_ctlcluster') || versions.length === 0) {
      stop('PostgreSQL is not installed; install it (apt-get install postgresql) or set TEST_PG_URL to a database with trust auth');
    }
    process.stdout.write('starting PostgreSQL\n');
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions.sort().at(-1)!, 'main', 'start'], { stdio: 'ignore' });
    if (!(await waitUntil(() => listening('127.0.0.1', port), 30))) stop('PostgreSQL did not start; see pg_lsclusters');
  }
  // The suite's database must exist (trust auth); create it from the maintenance database if not.
  const database = PG_URL.pathname.slice(1) || 'test';
  const { default: knex } = await import('knex');
  const quiet = { warn() {}, error() {}, debug() {}, deprecate() {} };
  const probe = knex({ client: 'pg', connection: PG_URL.toString(), pool: { min: 0, max: 1 }, log: quiet });
  try {
    await probe.raw('select 1');
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') stop(`cannot connect to PostgreSQL at ${PG_URL.host} (${(error as Error).message}); set TEST_PG_URL`);
    const admin = new URL(PG_URL);
    admin.pathname = '/postgres';
    const maintenance = knex({ client: 'pg', connection: admin.toString(), pool: { min: 0, max: 1 }, log: quiet });
    await maintenance.raw('CREATE DATABASE ??', [database]);
    await maintenance.destroy();
    process.stdout.write(`created the PostgreSQL database ${database}\n`);
  } finally {
    await probe.destroy();
  }
}

/** Installs one of Debian's packages with apt-get (once; we are root), or stops with apt-get's last lines. */
function aptInstall(pkg: string, installedAt: string, forWhat: string): void {
  process.stdout.write(`installing Debian's ${pkg} for ${forWhat} (apt-get, once)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { env, encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024 };
  const update = spawnSync('apt-get', ['update', '-qq'], quiet);
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', pkg], quiet) : update;
  if (install.status !== 0 || !existsSync(installedAt)) {
    process.stderr.write(`${(install.stderr || install.stdout || '').split('\n').slice(-15).join('\n')}\n`);
    stop(`installing ${pkg} with apt-get failed (its last lines are above); install it by hand: apt-get install ${pkg}`);
  }
  process.stdout.write(`${pkg} installed\n`);
}

function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CHROMIUM_PATH) stop(`CHROMIUM_PATH is ${CHROMIUM}, and no browser is there`);
  const root = process.getuid?.() === 0;
  if (!root || !has('apt-get')) {
    stop(`the browser tests need Debian's Chromium at ${CHROMIUM}: run "sudo apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  aptInstall('chromium', CHROMIUM, 'the browser tests');
}

/**
 * Debian's nginx for tests/e2e/nginx.test.ts (several servers behind deploy/nginx.conf), installed the way
 * Chromium is. Unlike Chromium it is not a must: where it cannot be installed (not root, no apt-get) that
 * one file skips and says why, so this only warns. The test runs its own nginx (its own port, prefix, pid
 * and logs); the package's own service, if the install starts one on port 80, is not used by anything.
 */
function ensureNginx(): void {
  if (existsSync(NGINX)) return;
  if (process.env.NGINX_PATH) stop(`NGINX_PATH is ${NGINX}, and no nginx is there`);
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    process.stdout.write(`note: nginx is not at ${NGINX}; tests/e2e/nginx.test.ts will skip (install it: sudo apt-get install -y nginx, or set NGINX_PATH)\n`);
    return;
  }
  aptInstall('nginx', NGINX, 'the reverse-proxy test');
}

await ensureRedis();
await ensurePostgres();
ensureChromium();
ensureNginx();
