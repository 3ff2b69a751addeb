import type { Database } from '../db/database';
import { createCheckinsRepo } from '../db/repositories/checkins';
import { createMeetingsRepo } from '../db/repositories/meetings';
import { createNotificationsRepo } from '../db/repositories/notifications';
import type { MeetingEvents } from '../domain/meetings';
import { sendCheckinReminders } from './checkinReminders';
import { sendMeetingReminders } from './meetingReminders';
import type { JobProcessors } from './queues';

/** The job functions with their dependencies, for the in-process workers and `npm run worker` alike. */
export function jobProcessors(db: Database, events: Pick<MeetingEvents, 'notified'>): JobProcessors {
  const deps = {
    db,
    events,
    meetings: createMeetingsRepo(db.knex, db.read),
    checkins: createCheckinsRepo(db.knex, db.read),
    notifications: createNotificationsRepo(db.knex, db.read),
  };
  return {
    meetingReminder: (job) => sendMeetingReminders(deps, job),
    checkinReminder: (job) => sendCheckinReminders(deps, job),
  };
}
