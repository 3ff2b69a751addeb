import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUES, type QueueName } from '../../server/jobs/registry';
import { sleep } from '../helpers/clients';
import { deleteKeysWithPrefix, REDIS_URL } from '../helpers/server';

// R14: four processes boot at the same moment and each sets up the job schedulers 20 times with the app's own
// code (tests/resilience/support/h3Schedulers.ts); meanwhile the scheduler is deleted under them, then they
// upsert past the app's lock. Exactly one scheduler per id, and one pending job of it, at every check.
const PROCESSES = 4;
const ROUNDS = 20;
const EVERY_MS = 600_000;
const prefix = `kst_r14_${Math.random().toString(36).slice(2, 8)}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queues = Object.keys(QUEUES).map((name) => new Queue(name, { connection: redis, prefix })) as Queue[];
const dues = queues.find((q) => q.name === ('dues' satisfies QueueName))!;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(queues.map((q) => q.close()));
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

interface Child {
  process: ChildProcess;
  /** Resolves with the next stdout line. */
  line(): Promise<string>;
  stderr: string[];
}

function start(index: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/resilience/support/h3Schedulers.ts'], {
    env: { ...process.env, REDIS_URL, KEY_PREFIX: prefix, ROUNDS: String(ROUNDS), EVERY_MS: String(EVERY_MS), WORKER: index % 2 ? '1' : '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
  return {
    process: child,
    stderr,
    line: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child ${child.pid} said nothing in 30 s: ${stderr.join('')}`)), 30_000);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    })),
  };
}

/** Waits until a worker took the scheduler's first run (it runs at once) and the next one waits its turn. */
async function taken() {
  await expect.poll(async () => (await dues.getJobCounts('completed')).completed, { timeout: 15_000, interval: 10 }).toBeGreaterThanOrEqual(1);
  await expect.poll(async () => (await state()).pending.length, { timeout: 15_000, interval: 10 }).toBe(1);
}

/** Every scheduler of every queue, the repeat keys, and the scheduler's jobs still to run. */
async function state() {
  const schedulers: string[] = [];
  for (const q of queues) for (const s of await q.getJobSchedulers()) schedulers.push(`${q.name}/${s.key}`);
  const repeatKeys: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*:repeat*`, 'COUNT', 1000);
    cursor = next;
    repeatKeys.push(...keys);
  } while (cursor !== '0');
  const repeatMembers = await redis.zrange(`${prefix}:dues:repeat`, 0, -1);
  // Runs not started yet (a run being taken has its next one queued already: that is one each).
  const pending = (await dues.getJobs(['delayed', 'waiting', 'prioritized'])).filter((j) => j.repeatJobKey === 'dues-scan').map((j) => j.id!);
  // `<queue>:repeat` (the schedulers' sorted set) and `<queue>:repeat:<id>` (one hash per scheduler) are the
  // schedulers; `<queue>:repeat:<id>:<millis>…` are a run of it (a job, pending or done, and its lock).
  return { schedulers: schedulers.sort(), repeatKeys: repeatKeys.filter((k) => /:repeat(:[^:]+)?$/.test(k)).sort(), repeatMembers, pending };
}

const expected = {
  schedulers: ['dues/dues-scan'],
  repeatKeys: [`${prefix}:dues:repeat`, `${prefix}:dues:repeat:dues-scan`],
  repeatMembers: ['dues-scan'],
  pending: [expect.stringMatching(/^repeat:dues-scan:\d+$/)],
};

describe('R14: job schedulers upserted by four processes at once', () => {
  it(`${PROCESSES} processes × ${ROUNDS} set-ups, the scheduler deleted under their keepers, then ${ROUNDS} upserts each past the lock: exactly one scheduler per id`, async () => {
    const started = Date.now();
    const kids = Array.from({ length: PROCESSES }, (_, i) => start(i));
    for (const kid of kids) expect(await kid.line()).toBe('ready');

    // Sample while they race: never two schedulers of one id, never two pending runs of it.
    let sampling = true;
    let samples = 0;
    let maxSchedulers = 0;
    let maxPending = 0;
    const sampler = (async () => {
      while (sampling) {
        const s = await state();
        samples++;
        maxSchedulers = Math.max(maxSchedulers, s.schedulers.length);
        maxPending = Math.max(maxPending, s.pending.length);
        await sleep(2);
      }
    })();
    try {
      for (const kid of kids) kid.process.stdin!.write('go\n');
      for (const kid of kids) expect(await kid.line()).toBe('app-done');
      await taken();
      expect(await state()).toEqual(expected);

      // The scheduler taken away under 80 keepers (checking every 5 ms): every key of the deployment deleted (Redis
      // lost its data), 3 times. Each time exactly one comes back, and its first run is taken once.
      const losses = ['delete every key', 'delete every key', 'delete every key'];
      const backMs: number[] = [];
      for (const loss of losses) {
        await deleteKeysWithPrefix(redis, prefix);
        const lostAt = Date.now();
        await expect.poll(async () => (await state()).schedulers, { timeout: 10_000, interval: 5 }).toEqual(expected.schedulers);
        backMs.push(Date.now() - lostAt);
        await taken();
        await sleep(100); // every keeper has looked again meanwhile
        expect(await state(), `after ${loss}`).toEqual(expected);
      }

      for (const kid of kids) kid.process.stdin!.write('raw\n');
      const reports = await Promise.all(kids.map(async (kid) => JSON.parse(await kid.line()) as { appCalls: number; rawCalls: number; errors: number; appMs: number; regained: number; ran: string[] }));
      const exits = await Promise.all(kids.map((kid) => new Promise<number | null>((resolve) => (kid.process.exitCode !== null ? resolve(kid.process.exitCode) : kid.process.once('exit', resolve)))));
      expect(exits).toEqual(kids.map(() => 0));
      expect(reports.map((r) => r.errors)).toEqual(kids.map(() => 0));

      const final = await state();
      expect(final).toEqual(expected);
      // The pending run is the one the scheduler points at.
      expect(final.pending).toEqual([`repeat:dues-scan:${await redis.zscore(`${prefix}:dues:repeat`, 'dues-scan')}`]);
      expect(maxSchedulers).toBe(1);
      expect(maxPending).toBeLessThanOrEqual(1);
      const scheduler = await dues.getJobScheduler('dues-scan');
      expect(scheduler).toMatchObject({ every: EVERY_MS });

      // Each scheduler set up from nothing (at boot and after each loss) ran once at once, by one worker; never twice.
      const runs = reports.flatMap((r) => r.ran);
      expect(new Set(runs).size).toBe(runs.length);
      expect(runs.length).toBe(1 + losses.length);
      const calls = reports.reduce((n, r) => n + r.appCalls + r.rawCalls, 0);
      const regained = reports.reduce((n, r) => n + r.regained, 0);
      console.info(
        `R14 schedulers: ${PROCESSES} processes, ${calls} set-ups (${reports.reduce((n, r) => n + r.appCalls, 0)} through the app's keeper and lock, ${reports.reduce((n, r) => n + r.rawCalls, 0)} plain upserts past it), ` +
          `boot race ${Math.max(...reports.map((r) => r.appMs))} ms; scheduler lost ${losses.length}× under 80 keepers, back in ${backMs.join('/')} ms, ${regained} 'gone: set again' warnings; ` +
          `${samples} samples during the race: at most ${maxSchedulers} scheduler and ${maxPending} pending run of dues-scan; ${runs.length} runs taken by the 2 workers (boot + ${losses.length} losses, none twice); at the end ${final.schedulers.length} scheduler, ${final.repeatKeys.length} repeat keys, ${final.pending.length} pending run (${(Date.now() - started) / 1000} s)`,
      );
    } finally {
      sampling = false;
      await sampler;
    }
  }, 60_000);
});
