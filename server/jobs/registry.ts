import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { isoTime, period, positiveId } from '../schemas';
import type { CheckinsRepo } from '../db/repositories/checkins';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { SendRecordsRepo } from '../db/repositories/sendRecords';
import type { Clock } from '../domain/ports';
import type { UnitOfWork } from '../domain/unitOfWork';
import { sendCheckinReminders } from './checkinReminders';
import { scanDues, sendDuesEscalation, sendDuesReminder, type DuesJobDeps, type DuesReminderWriter } from './duesReminders';
import { sendMeetingReminders } from './meetingReminders';

/** What the job functions work with, built once per process by the composition root. */
export interface JobContext {
  uow: UnitOfWork;
  meetings: Pick<MeetingsRepo, 'find' | 'userIdsWithStatus'>;
  checkins: Pick<CheckinsRepo, 'find'>;
  sendRecords: SendRecordsRepo;
  dues: DuesJobDeps & { writer: DuesReminderWriter };
  queue: JobQueue;
  clock: Clock;
  /** How often the dues scan runs (it looks ahead a little more than that). */
  duesScanEveryMs: number;
}

const RETRIES = { attempts: 5, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } } satisfies JobsOptions;
const BULK = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } } satisfies JobsOptions;

/**
 * Every job in one place: its queue, its payload schema (checked before it runs: a malformed payload
 * fails at once, without retries), its retry options and the plain idempotent function that does it.
 * Adding a job is adding an entry here and a file with its function.
 */
export const JOBS = {
  'meeting-reminder': {
    queue: 'reminders',
    schema: z.object({ meetingId: positiveId, startsAt: isoTime }),
    options: RETRIES,
    run: (ctx: JobContext, data: { meetingId: number; startsAt: string }) => sendMeetingReminders(ctx, data),
  },
  'checkin-reminder': {
    queue: 'reminders',
    schema: z.object({ checkinId: positiveId, scheduledAt: isoTime }),
    options: RETRIES,
    run: (ctx: JobContext, data: { checkinId: number; scheduledAt: string }) => sendCheckinReminders(ctx, data),
  },
  'dues-reminder': {
    queue: 'dues',
    schema: z.object({ userId: positiveId, period, stage: z.enum(['first', 'second']) }),
    options: BULK,
    run: (ctx: JobContext, data: { userId: number; period: string; stage: 'first' | 'second' }) => sendDuesReminder(ctx.dues, data),
  },
  'dues-escalation': {
    queue: 'dues',
    schema: z.object({ branchId: positiveId, period }),
    options: BULK,
    run: (ctx: JobContext, data: { branchId: number; period: string }) => sendDuesEscalation(ctx.dues, data),
  },
  'dues-scan': {
    queue: 'dues',
    schema: z.object({}).passthrough(),
    options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    // Look ahead one scan interval (and a bit), so every reminder is queued before its local time.
    run: (ctx: JobContext) => scanDues({ ...ctx.dues, queue: ctx.queue }, ctx.clock.now(), ctx.duesScanEveryMs * 1.5),
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobData<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;

/** The queues and how many of their jobs one worker process runs at once. */
export const QUEUES = {
  /** Timed reminders of meetings and check-ins. */
  reminders: { concurrency: 4 },
  /** Dues reminders have a queue of their own: 100,000 of them must not hold up a meeting reminder. */
  dues: { concurrency: 100 },
} as const;

export type QueueName = keyof typeof QUEUES;

/**
 * How a job is kept from being queued twice: `jobId` for as long as a job of that id exists in Redis; `dedupe` for
 * `ttlMs` after it was queued, under a job id of its own (so a job that gave up, or the remnant of one whose keys were
 * deleted under a running worker, never keeps the next one out for good).
 */
export interface JobAddOptions {
  delay?: number;
  jobId?: string;
  dedupe?: { id: string; ttlMs: number };
}

/** The producer side, typed by the registry. */
export interface JobQueue {
  add<N extends JobName>(name: N, data: JobData<N>, opts?: JobAddOptions): Promise<void>;
  /** Adds many jobs of one name in bulk (a thousand per round trip). */
  addBulk<N extends JobName>(name: N, jobs: Array<{ data: JobData<N> } & JobAddOptions>): Promise<void>;
}
