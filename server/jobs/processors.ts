import type { Queue } from 'bullmq';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { createCheckinsRepo } from '../db/repositories/checkins';
import { createDuesRepo } from '../db/repositories/dues';
import { createMeetingsRepo } from '../db/repositories/meetings';
import { createNotificationsRepo } from '../db/repositories/notifications';
import { createOrgsRepo } from '../db/repositories/orgs';
import { createUsersRepo } from '../db/repositories/users';
import { createDuesService, type DuesService } from '../domain/dues';
import type { MeetingEvents } from '../domain/meetings';
import { OrgDirectory } from '../domain/orgDirectory';
import { sendCheckinReminders } from './checkinReminders';
import { duesReminderWriter, scanDues, sendDuesEscalation, sendDuesReminder, type DuesJobDeps } from './duesReminders';
import { sendMeetingReminders } from './meetingReminders';
import type { JobProcessors } from './queues';

/** The dependencies of the dues jobs, built from the database (shared by the server and `npm run worker`). */
export function duesJobDeps(db: Database, config: Config, events: Pick<MeetingEvents, 'notified'>, shared?: { directory: OrgDirectory; dues: DuesService }): DuesJobDeps {
  const users = createUsersRepo(db.knex, db.read);
  const dir = shared?.directory ?? new OrgDirectory(createOrgsRepo(db.knex), () => {}, 5000);
  return {
    db,
    users,
    directory: dir,
    events,
    notifications: createNotificationsRepo(db.knex, db.read),
    dues: shared?.dues ?? createDuesService({ dues: createDuesRepo(db.knex, db.read), users, directory: dir }),
    ladder: config.duesLadder,
    escalationTimeZone: config.duesEscalationTimeZone,
  };
}

/** The job functions with their dependencies, for the in-process workers and `npm run worker` alike. */
export function jobProcessors(db: Database, config: Config, events: Pick<MeetingEvents, 'notified'>, duesQueue: Queue, duesDeps?: DuesJobDeps): JobProcessors {
  const deps = {
    db,
    events,
    meetings: createMeetingsRepo(db.knex, db.read),
    checkins: createCheckinsRepo(db.knex, db.read),
    notifications: createNotificationsRepo(db.knex, db.read),
  };
  const dues = duesDeps ?? duesJobDeps(db, config, events);
  const writer = duesReminderWriter(db, dues.notifications);
  return {
    meetingReminder: (job) => sendMeetingReminders(deps, job),
    checkinReminder: (job) => sendCheckinReminders(deps, job),
    duesReminder: (job) => sendDuesReminder({ ...dues, writer }, job),
    duesEscalation: (job) => sendDuesEscalation(dues, job),
    // Look ahead one scan interval (and a bit), so every reminder is queued before its local time.
    duesScan: () => scanDues({ ...dues, queue: duesQueue }, Date.now(), config.duesScanEveryMs * 1.5),
  };
}
