import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redisConnections';
import type { CheckinReminderScheduler } from '../domain/checkins';
import type { Clock } from '../domain/ports';
import type { MeetingReminderScheduler } from '../domain/meetings';
import type { Logger } from '../logger';
import { JOBS, QUEUES, type JobAddOptions, type JobContext, type JobName, type JobQueue, type QueueName } from './registry';

export type Queues = Record<QueueName, Queue> & { close(): Promise<void> };

export function createQueues(connection: RedisClient, prefix: string): Queues {
  const queues = Object.fromEntries(Object.keys(QUEUES).map((name) => [name, new Queue(name, { connection, prefix })])) as Record<QueueName, Queue>;
  for (const queue of Object.values(queues)) queue.on('error', () => {}); // reported by the connection's own listener
  return { ...queues, close: () => Promise.all(Object.values(queues).map((q) => q.close())).then(() => {}) };
}

/** The typed producer over the queues: each job goes to its queue with its registered options. */
export function jobQueue(queues: Queues): JobQueue {
  const options = (name: JobName, { dedupe, ...opts }: JobAddOptions): JobsOptions => ({
    ...JOBS[name].options,
    ...opts,
    ...(dedupe ? { deduplication: { id: dedupe.id, ttl: dedupe.ttlMs } } : {}),
  });
  return {
    async add(name, data, opts = {}) {
      await queues[JOBS[name].queue].add(name, data, options(name, opts));
    },
    async addBulk(name, jobs) {
      const queue = queues[JOBS[name].queue];
      for (let i = 0; i < jobs.length; i += 1000) {
        await queue.addBulk(jobs.slice(i, i + 1000).map(({ data, ...opts }) => ({ name, data, opts: options(name, opts) })));
      }
    },
  };
}

/** Adds a delayed reminder, keyed so the same reminder is never queued twice while it waits. */
function scheduleBefore(queue: JobQueue, clock: Clock, log: Logger) {
  return async <N extends JobName>(name: N, jobId: string, data: Parameters<JobQueue['add']>[1], at: number, leadMs: number) => {
    const delay = at - leadMs - clock.now();
    if (delay <= 0) return; // less than the lead time away: no reminder
    await queue.add(name, data as never, { jobId, delay }).catch((error) => log.error({ err: error, jobId }, 'could not schedule a reminder'));
  };
}

export function createCheckinReminderScheduler(queue: JobQueue, leadMs: number, clock: Clock, log: Logger): CheckinReminderScheduler {
  const schedule = scheduleBefore(queue, clock, log);
  return {
    schedule: (checkin) =>
      schedule('checkin-reminder', `checkin-reminder-${checkin.id}-${Date.parse(checkin.scheduledAt)}`, { checkinId: checkin.id, scheduledAt: checkin.scheduledAt }, Date.parse(checkin.scheduledAt), leadMs),
  };
}

/** The producer side of meeting reminders: one delayed job per meeting and start time. */
export function createMeetingReminderScheduler(queue: JobQueue, leadMs: number, clock: Clock, log: Logger): MeetingReminderScheduler {
  const schedule = scheduleBefore(queue, clock, log);
  return {
    schedule: (meeting) =>
      schedule('meeting-reminder', `meeting-reminder-${meeting.id}-${Date.parse(meeting.startsAt)}`, { meetingId: meeting.id, startsAt: meeting.startsAt }, Date.parse(meeting.startsAt), leadMs),
  };
}

/**
 * Sets up (or removes, for DUES_REMINDERS=manual) the dues scan's job scheduler. A short Redis lock
 * makes one booting process do it rather than all of them racing, and under the lock a scheduler that is
 * already there with the same interval is left alone: BullMQ's upsert replaces the pending run with one due at
 * once, so a second upsert right after the first (a keeper that saw the scheduler gone just before another
 * set it again, or the next booting process) would run the scan twice.
 */
export async function ensureDuesScheduler(queues: Queues, redis: RedisClient, prefix: string, mode: 'auto' | 'manual', everyMs: number): Promise<boolean> {
  const lock = `${prefix}:dues-scheduler-lock`;
  if ((await redis.set(lock, '1', 'EX', 30, 'NX')) !== 'OK') return false;
  try {
    const scan = JOBS['dues-scan'];
    const queue = queues[scan.queue];
    if (mode === 'manual') return Boolean(await queue.removeJobScheduler('dues-scan'));
    if ((await queue.getJobScheduler('dues-scan'))?.every === everyMs) return false;
    await queue.upsertJobScheduler('dues-scan', { every: everyMs }, { name: 'dues-scan', data: {}, opts: scan.options });
    return true;
  } finally {
    await redis.del(lock);
  }
}

/**
 * Keeps the dues scan's scheduler: set at start, then checked every `checkEveryMs` and set again when it is
 * gone (Redis restarted without its data, or this deployment's keys deleted), so DUES_REMINDERS=auto never
 * stops reminding silently until the next restart. A check that cannot reach Redis waits for the next one.
 * By default it checks every minute, or every scan interval when the scan runs more often, so a lost
 * scheduler costs at most about one scan.
 */
export function keepDuesScheduler(
  queues: Queues,
  redis: RedisClient,
  prefix: string,
  mode: 'auto' | 'manual',
  everyMs: number,
  log: Logger,
  checkEveryMs = Math.min(60_000, everyMs),
): { ready: Promise<unknown>; stop(): void } {
  const ready = ensureDuesScheduler(queues, redis, prefix, mode, everyMs);
  if (mode !== 'auto') return { ready, stop() {} };
  const queue = queues[JOBS['dues-scan'].queue];
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void (async () => {
      if (await queue.getJobScheduler('dues-scan')) return;
      if (await ensureDuesScheduler(queues, redis, prefix, mode, everyMs)) log.warn('the dues scan scheduler was gone from Redis: set again');
    })()
      .catch((error) => log.debug({ err: error }, 'could not check the dues scan scheduler'))
      .finally(() => (checking = false));
  }, checkEveryMs);
  timer.unref();
  return { ready, stop: () => clearInterval(timer) };
}

/**
 * Thin BullMQ workers, one per queue: a job is routed by name to its registered function after its payload
 * passed the schema. Closed (waiting for active jobs) by `close`.
 */
export function startWorkers(connection: RedisClient, prefix: string, ctx: JobContext, log: Logger, lockMs = 30_000) {
  const workers = (Object.keys(QUEUES) as QueueName[]).map(
    (queue) =>
      new Worker(
        queue,
        async (job: Job) => {
          const definition = JOBS[job.name as JobName];
          if (!definition || definition.queue !== queue) throw new UnrecoverableError(`unknown job ${job.name}`);
          const parsed = definition.schema.safeParse(job.data);
          if (!parsed.success) throw new UnrecoverableError(`malformed ${job.name} payload: ${parsed.error.issues[0]?.message}`);
          return (definition.run as (c: JobContext, d: unknown) => Promise<unknown>)(ctx, parsed.data);
        },
        // removeOnFail applies only to a job without options of its own: the remnant of a job whose keys were deleted
        // under a running worker (BullMQ writes a bare hash when it takes such an id off the queue). It fails as
        // unknown and is removed rather than kept among the failed jobs.
        { connection, prefix, concurrency: QUEUES[queue].concurrency, lockDuration: lockMs, stalledInterval: lockMs, removeOnFail: { count: 0 } },
      ),
  );
  for (const w of workers) {
    w.on('error', (error) => log.error({ err: error }, 'worker error'));
    w.on('failed', (job, error) => log.warn({ err: { message: error.message }, job: job?.name, jobId: job?.id }, 'job failed'));
  }
  // close() lets active jobs finish, so none is left stalled.
  return { close: () => Promise.all(workers.map((w) => w.close())).then(() => {}) };
}

/** What a queue holds now, for the admin: counts by state, the latest failures, its schedulers. */
export async function queueState(queue: Queue) {
  const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed');
  const failed = (await queue.getFailed(0, 49)).map((job) => ({ id: job.id, name: job.name, data: job.data, failedReason: job.failedReason, attemptsMade: job.attemptsMade, finishedOn: job.finishedOn }));
  const schedulers = (await queue.getJobSchedulers()).map((s) => ({ key: s.key, every: s.every ?? null, next: s.next ?? null }));
  return { counts, failed, schedulers };
}
