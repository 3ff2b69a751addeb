import type { Database } from '../db/database';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { NotificationsRepo } from '../db/repositories/notifications';
import type { MeetingEvents } from '../domain/meetings';
import { notifyOnce } from './sendRecords';

export interface MeetingReminderJob {
  meetingId: number;
  /** The start time the job was scheduled for; a moved meeting makes the old job a no-op. */
  startsAt: string;
}

/**
 * Reminds every member holding a seat that the meeting starts soon. Idempotent: a row in
 * `meeting_reminders` (unique per meeting and member) is written in the same transaction as the
 * notification, so retries, a second worker or a re-enqueued job never remind anyone twice.
 */
export async function sendMeetingReminders(
  deps: { db: Database; meetings: MeetingsRepo; notifications: NotificationsRepo; events: Pick<MeetingEvents, 'notified'> },
  job: MeetingReminderJob,
): Promise<{ sent: number }> {
  const meeting = await deps.meetings.find(job.meetingId, deps.db.knex);
  if (!meeting || meeting.status === 'cancelled' || meeting.starts_at !== job.startsAt) return { sent: 0 };
  const userIds = await deps.meetings.userIdsWithStatus(meeting.id, ['confirmed', 'attended'], deps.db.knex);
  let sent = 0;
  for (let i = 0; i < userIds.length; i += 200) {
    const slice = userIds.slice(i, i + 200);
    const sentAt = new Date().toISOString();
    // A transaction per 200 members keeps each write short on a large meeting.
    const stored = await notifyOnce(
      deps,
      { table: 'meeting_reminders', rows: slice.map((userId) => ({ meeting_id: meeting.id, user_id: userId, sent_at: sentAt })), key: ['meeting_id', 'user_id'] },
      ({ user_id }) => ({
        userId: user_id,
        kind: 'meeting_reminder',
        title: `会议即将开始：${meeting.title}`,
        body: `你报名的会议一小时后开始：${meeting.title}${meeting.location ? `（${meeting.location}）` : ''}`,
        data: { meetingId: meeting.id, title: meeting.title, startsAt: meeting.starts_at, location: meeting.location },
      }),
    );
    sent += stored.length;
    if (stored.length > 0) deps.events.notified(stored);
  }
  return { sent };
}
