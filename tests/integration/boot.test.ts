import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/database';
import { createTestStore, REDIS_URL } from '../helpers/server';

const store = createTestStore();
afterAll(() => store.destroy());

/** Runs `server/main.ts` until it prints its URL (then stops it with SIGTERM) or exits by itself. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REDIS_URL, KEY_PREFIX: store.keyPrefix, LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('kitestring is running')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start', () => {
  it('stops the server when npm itself gets SIGTERM (what a process manager signals)', async () => {
    // --ignore-scripts: not the client build of prestart, only the start script itself.
    const child = spawn('npm', ['run', 'start', '--ignore-scripts', '--silent'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REDIS_URL, KEY_PREFIX: store.keyPrefix, LOG_LEVEL: 'warn', NODE_ENV: 'development', DATABASE_URL: store.databaseUrl, SEED_DEMO: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const found = /http:\/\/localhost:(\d+)\//.exec(stdout);
        if (found) resolve(`http://127.0.0.1:${found[1]}/healthz`);
      });
      child.on('exit', () => reject(new Error(`npm start exited before it ran: ${stdout}`)));
    });
    expect((await fetch(url)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The server itself is gone, not only npm.
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('booting server/main.ts', () => {
  it('says in one line that Redis cannot be reached, and exits non-zero', async () => {
    const result = await runMain({ DATABASE_URL: store.databaseUrl, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kitestring cannot start: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*redis-server.*REDIS_URL/);
  });

  it('says in one line that the database cannot be opened, and exits non-zero', async () => {
    // A regular file where a directory should be: the database file can never be created below it.
    const blocker = join(tmpdir(), `kitestring-blocker-${process.pid}`);
    writeFileSync(blocker, 'not a directory');
    const url = store.kind === 'sqlite' ? `sqlite:${blocker}/x.db` : 'postgres://postgres@127.0.0.1:1/test';
    const result = await runMain({ DATABASE_URL: url });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^kitestring cannot start: cannot open the database .*check DATABASE_URL/);
  });

  it('rejects bad configuration by name', async () => {
    const result = await runMain({ DATABASE_URL: store.databaseUrl, CHAT_RATE_LIMIT: 'lots', PORT: 'abc' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/CHAT_RATE_LIMIT/);
  });

  it('never seeds in production, seeds a demo district once on an empty database otherwise', async () => {
    const prod = await runMain({ DATABASE_URL: store.databaseUrl, NODE_ENV: 'production' });
    expect(prod.code).toBe(0);
    expect(prod.stdout).not.toContain('demo district');
    const db = createDatabase(store.databaseUrl);
    try {
      expect(Number((await db.knex('users').count('* as n'))[0].n)).toBe(0);
      const dev = await runMain({ DATABASE_URL: store.databaseUrl });
      expect(dev.code).toBe(0);
      expect(dev.stdout).toContain('a demo district was created');
      expect(dev.stdout).toContain('chen.jing@kitestring.example');
      const abroad = await db.knex('users').where({ email: 'chen.jing@kitestring.example' }).first();
      expect(abroad).toMatchObject({ timezone: 'Europe/London', location: 'London, UK' });
      expect(Boolean(abroad.mobile)).toBe(true);
      const kinds = (await db.knex('orgs').select('kind')).map((o: { kind: string }) => o.kind).sort();
      expect(kinds).toEqual(['branch', 'branch', 'committee', 'general_branch']);
      const again = await runMain({ DATABASE_URL: store.databaseUrl });
      expect(again.stdout).not.toContain('demo district');
    } finally {
      await db.close();
    }
  });
});
