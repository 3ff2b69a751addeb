/**
 * R14's child process (tests/resilience/schedulers.test.ts): one "booting server" that sets up the job
 * schedulers with the app's own code, 20 times, the moment the test says go.
 *
 * env: REDIS_URL, KEY_PREFIX, ROUNDS (20), EVERY_MS (the dues scan interval).
 * stdin: waits for a line `go` (sent to every child at once), then
 *   1. `app`: ROUNDS boots' worth of `keepDuesScheduler` (what app.ts and worker.ts call at start, the lock
 *      included); every keeper stays on, checking every 5 ms and setting the scheduler again when it is gone;
 *   2. waits for `raw` on stdin: ROUNDS plain `Queue.upsertJobScheduler` calls at once, past the app's lock (what
 *      a lock that expired under a slow Redis would let through), so BullMQ's own upsert is tested too.
 * With WORKER=1 it also runs a worker on the dues queue (as a server with WORKERS=in-process does), so a run
 * of the scheduler may be active while the others upsert; it records the id of every run it took.
 * stdout: `ready`, `app-done`, then one JSON line of what it did, then it exits.
 */
import { createInterface } from 'node:readline';
import { Worker } from 'bullmq';
import { createQueues, ensureDuesScheduler, keepDuesScheduler } from '../../../server/jobs/queues';
import { JOBS } from '../../../server/jobs/registry';
import { createLogger } from '../../../server/logger';
import { createRedis } from '../../../server/redisConnections';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.KEY_PREFIX!;
const rounds = Number(process.env.ROUNDS ?? 20);
const everyMs = Number(process.env.EVERY_MS ?? 600_000);
if (!prefix) throw new Error('KEY_PREFIX is required');

const lines: string[] = [];
const log = createLogger('warn', { write: (line: string) => void lines.push(line) } as unknown as NodeJS.WritableStream);
// The two connections a server uses for this: data (the lock, the keeper) and jobs (the queues).
const target = { redisUrl: url, redisClusterNodes: null };
const data = createRedis(target, 'data', log);
const jobs = createRedis(target, 'jobs', log, { maxRetriesPerRequest: null });
const queues = createQueues(jobs, prefix);
const ran: string[] = [];
const worker =
  process.env.WORKER === '1'
    ? new Worker(
        JOBS['dues-scan'].queue,
        async (job) => {
          ran.push(job.id!);
          await new Promise((resolve) => setTimeout(resolve, 20)); // a scan takes a moment
        },
        { connection: createRedis(target, 'worker', log, { maxRetriesPerRequest: null }), prefix, concurrency: 1, lockDuration: 30_000 },
      )
    : null;
worker?.on('error', () => {});

const input = createInterface({ input: process.stdin });
const waiting: Array<(line: string) => void> = [];
input.on('line', (line) => waiting.shift()?.(line.trim()));
const nextLine = () => new Promise<string>((resolve) => waiting.push(resolve));

async function main() {
  await Promise.all([data.ping(), jobs.ping()]);
  process.stdout.write('ready\n');
  if ((await nextLine()) !== 'go') throw new Error('expected go');
  const started = Date.now();
  let errors = 0;
  // The app's start, ROUNDS times, all at once (each a keeper, as each boot leaves one running).
  const keepers = Array.from({ length: rounds }, () => keepDuesScheduler(queues, data, prefix, 'auto', everyMs, log, 5));
  const appResults = await Promise.allSettled(keepers.map((k) => k.ready));
  errors += appResults.filter((r) => r.status === 'rejected').length;
  // And the plain ensure (the lock, then the upsert) ROUNDS more times, one after another.
  for (let i = 0; i < rounds; i++) await ensureDuesScheduler(queues, data, prefix, 'auto', everyMs).catch(() => errors++);
  const appMs = Date.now() - started;
  process.stdout.write('app-done\n');
  // The keepers keep checking (every 5 ms) until `raw`: the test deletes the scheduler meanwhile.
  if ((await nextLine()) !== 'raw') throw new Error('expected raw');
  keepers.forEach((k) => k.stop());
  const scan = JOBS['dues-scan'];
  const raw = await Promise.allSettled(
    Array.from({ length: rounds }, () => queues[scan.queue].upsertJobScheduler('dues-scan', { every: everyMs }, { name: 'dues-scan', data: {}, opts: scan.options })),
  );
  errors += raw.filter((r) => r.status === 'rejected').length;
  await worker?.close();
  const regained = lines.filter((l) => l.includes('the dues scan scheduler was gone from Redis')).length;
  process.stdout.write(`${JSON.stringify({ pid: process.pid, appCalls: rounds * 2, rawCalls: rounds, errors, appMs, regained, ran })}\n`);
  input.close();
  await queues.close();
  await Promise.all([data.quit(), jobs.quit()]);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
