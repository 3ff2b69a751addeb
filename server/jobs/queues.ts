import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MeetingReminderScheduler } from '../domain/meetings';
import type { Logger } from '../logger';
import type { MeetingReminderJob } from './meetingReminders';
import type { CheckinReminderJob } from './checkinReminders';
import { DUES_ESCALATION, DUES_REMINDER, DUES_SCAN, type DuesEscalationJob, type DuesReminderJob } from './duesReminders';
import type { CheckinReminderScheduler } from '../domain/checkins';

/** One queue for every timed reminder; jobs are routed by name. */
export const REMINDERS_QUEUE = 'reminders';
export const MEETING_REMINDER = 'meeting-reminder';
export const CHECKIN_REMINDER = 'checkin-reminder';
/** Dues reminders have a queue of their own: 100,000 of them must not hold up a meeting reminder. */
export const DUES_QUEUE = 'dues';

/** Job data holds ids only; every processor is a plain function elsewhere. */
export interface JobProcessors {
  meetingReminder(job: MeetingReminderJob): Promise<unknown>;
  checkinReminder(job: CheckinReminderJob): Promise<unknown>;
  duesReminder(job: DuesReminderJob): Promise<unknown>;
  duesEscalation(job: DuesEscalationJob): Promise<unknown>;
  duesScan(): Promise<unknown>;
}

const RETRIES = { attempts: 5, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } } as const;

/** Adds a delayed job, keyed so the same reminder is never queued twice while it waits. */
async function addDelayed(queue: Queue, name: string, jobId: string, data: object, at: number, leadMs: number, log: Logger): Promise<void> {
  const delay = at - leadMs - Date.now();
  if (delay <= 0) return; // less than the lead time away: no reminder
  await queue.add(name, data, { jobId, delay, ...RETRIES }).catch((error) => log.error({ err: error, jobId }, 'could not schedule a reminder'));
}

export function createCheckinReminderScheduler(queue: Queue, leadMs: number, log: Logger): CheckinReminderScheduler {
  return {
    schedule: (checkin) => {
      const data: CheckinReminderJob = { checkinId: checkin.id, scheduledAt: checkin.scheduledAt };
      return addDelayed(queue, CHECKIN_REMINDER, `checkin-reminder-${checkin.id}-${Date.parse(checkin.scheduledAt)}`, data, Date.parse(checkin.scheduledAt), leadMs, log);
    },
  };
}

/** The producer side: delayed reminder jobs, one per meeting and start time. */
export function createMeetingReminderScheduler(queue: Queue, leadMs: number, log: Logger): MeetingReminderScheduler {
  return {
    schedule: (meeting) => {
      const data: MeetingReminderJob = { meetingId: meeting.id, startsAt: meeting.startsAt };
      return addDelayed(queue, MEETING_REMINDER, `meeting-reminder-${meeting.id}-${Date.parse(meeting.startsAt)}`, data, Date.parse(meeting.startsAt), leadMs, log);
    },
  };
}

export function createQueues(connection: Redis, prefix: string) {
  const reminders = new Queue(REMINDERS_QUEUE, { connection, prefix });
  const dues = new Queue(DUES_QUEUE, { connection, prefix });
  for (const queue of [reminders, dues]) queue.on('error', () => {}); // reported by the connection's own listener
  return { reminders, dues, close: () => Promise.all([reminders.close(), dues.close()]).then(() => {}) };
}

/**
 * Upserts (or removes, for DUES_REMINDERS=manual) the dues scan's job scheduler. A short Redis lock
 * makes one booting process do it rather than all of them racing.
 */
export async function ensureDuesScheduler(queue: Queue, redis: Redis, prefix: string, mode: 'auto' | 'manual', everyMs: number): Promise<void> {
  const lock = `${prefix}:dues-scheduler-lock`;
  if ((await redis.set(lock, '1', 'EX', 30, 'NX')) !== 'OK') return;
  try {
    if (mode === 'auto') await queue.upsertJobScheduler(DUES_SCAN, { every: everyMs }, { name: DUES_SCAN, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    else await queue.removeJobScheduler(DUES_SCAN);
  } finally {
    await redis.del(lock);
  }
}

/** Thin BullMQ workers: route a job by name to its processor. Closed (waiting for active jobs) by `close`. */
export function startWorkers(connection: Redis, prefix: string, processors: JobProcessors, log: Logger, lockMs = 30_000) {
  const duesWorker = new Worker(
    DUES_QUEUE,
    async (job: Job) => {
      if (job.name === DUES_REMINDER) return processors.duesReminder(job.data as DuesReminderJob);
      if (job.name === DUES_ESCALATION) return processors.duesEscalation(job.data as DuesEscalationJob);
      if (job.name === DUES_SCAN) return processors.duesScan();
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 100, lockDuration: lockMs, stalledInterval: lockMs },
  );
  const worker = new Worker(
    REMINDERS_QUEUE,
    async (job: Job) => {
      if (job.name === MEETING_REMINDER) return processors.meetingReminder(job.data as MeetingReminderJob);
      if (job.name === CHECKIN_REMINDER) return processors.checkinReminder(job.data as CheckinReminderJob);
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 4, lockDuration: lockMs, stalledInterval: lockMs },
  );
  for (const w of [worker, duesWorker]) {
    w.on('error', (error) => log.error({ err: error }, 'worker error'));
    w.on('failed', (job, error) => log.warn({ err: { message: error.message }, job: job?.name, jobId: job?.id }, 'job failed'));
  }
  // close() lets active jobs finish, so none is left stalled.
  return { close: () => Promise.all([worker.close(), duesWorker.close()]).then(() => {}) };
}

/** What a queue holds now, for the admin: counts by state, the latest failures, its schedulers. */
export async function queueState(queue: Queue) {
  const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed');
  const failed = (await queue.getFailed(0, 49)).map((job) => ({ id: job.id, name: job.name, data: job.data, failedReason: job.failedReason, attemptsMade: job.attemptsMade, finishedOn: job.finishedOn }));
  const schedulers = (await queue.getJobSchedulers()).map((s) => ({ key: s.key, every: s.every ?? null, next: s.next ?? null }));
  return { counts, failed, schedulers };
}
