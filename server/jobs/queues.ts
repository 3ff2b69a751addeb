import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MeetingReminderScheduler } from '../domain/meetings';
import type { Logger } from '../logger';
import type { MeetingReminderJob } from './meetingReminders';
import type { CheckinReminderJob } from './checkinReminders';
import type { CheckinReminderScheduler } from '../domain/checkins';

/** One queue for every timed reminder; jobs are routed by name. */
export const REMINDERS_QUEUE = 'reminders';
export const MEETING_REMINDER = 'meeting-reminder';
export const CHECKIN_REMINDER = 'checkin-reminder';

/** Job data holds ids only; every processor is a plain function elsewhere. */
export interface JobProcessors {
  meetingReminder(job: MeetingReminderJob): Promise<unknown>;
  checkinReminder(job: CheckinReminderJob): Promise<unknown>;
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
  return { reminders, close: () => reminders.close() };
}

/** Thin BullMQ workers: route a job by name to its processor. Closed (waiting for active jobs) by `close`. */
export function startWorkers(connection: Redis, prefix: string, processors: JobProcessors, log: Logger) {
  const worker = new Worker(
    REMINDERS_QUEUE,
    async (job: Job) => {
      if (job.name === MEETING_REMINDER) return processors.meetingReminder(job.data as MeetingReminderJob);
      if (job.name === CHECKIN_REMINDER) return processors.checkinReminder(job.data as CheckinReminderJob);
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 4 },
  );
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => log.warn({ err: { message: error.message }, job: job?.name, jobId: job?.id }, 'job failed'));
  return { close: () => worker.close() };
}
