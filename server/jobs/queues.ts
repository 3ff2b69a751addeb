import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MeetingReminderScheduler } from '../domain/meetings';
import type { Logger } from '../logger';
import type { MeetingReminderJob } from './meetingReminders';

export const MEETINGS_QUEUE = 'meetings';
export const MEETING_REMINDER = 'meeting-reminder';

/** Job data holds ids only; every processor is a plain function elsewhere. */
export interface JobProcessors {
  meetingReminder(job: MeetingReminderJob): Promise<unknown>;
}

/** The producer side: delayed reminder jobs, one per meeting and start time. */
export function createMeetingReminderScheduler(queue: Queue, leadMs: number, log: Logger): MeetingReminderScheduler {
  return {
    async schedule(meeting) {
      const delay = Date.parse(meeting.startsAt) - leadMs - Date.now();
      if (delay <= 0) return; // created or moved less than the lead time before it starts
      const data: MeetingReminderJob = { meetingId: meeting.id, startsAt: meeting.startsAt };
      await queue
        .add(MEETING_REMINDER, data, {
          jobId: `meeting-reminder-${meeting.id}-${Date.parse(meeting.startsAt)}`,
          delay,
          attempts: 5,
          backoff: { type: 'exponential', delay: 5000 },
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 5000 },
        })
        .catch((error) => log.error({ err: error, meetingId: meeting.id }, 'could not schedule the meeting reminder'));
    },
  };
}

export function createQueues(connection: Redis, prefix: string) {
  const meetings = new Queue(MEETINGS_QUEUE, { connection, prefix });
  return { meetings, close: () => meetings.close() };
}

/** Thin BullMQ workers: route a job by name to its processor. Closed (waiting for active jobs) by `close`. */
export function startWorkers(connection: Redis, prefix: string, processors: JobProcessors, log: Logger) {
  const worker = new Worker(
    MEETINGS_QUEUE,
    async (job: Job) => {
      if (job.name === MEETING_REMINDER) return processors.meetingReminder(job.data as MeetingReminderJob);
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 4 },
  );
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => log.warn({ err: { message: error.message }, job: job?.name, jobId: job?.id }, 'job failed'));
  return { close: () => worker.close() };
}
