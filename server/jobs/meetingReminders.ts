import type { MeetingsRepo } from '../db/repositories/meetings';
import type { SendRecordsRepo } from '../db/repositories/sendRecords';
import type { UnitOfWork } from '../domain/unitOfWork';

export interface MeetingReminderJob {
  meetingId: number;
  /** The start time the job was scheduled for; a moved meeting makes the old job a no-op. */
  startsAt: string;
}

/**
 * Reminds every member holding a seat that the meeting starts soon. Idempotent: a send record (unique per
 * meeting and member) is written in the same transaction as the notification, so retries, a second worker
 * or a re-enqueued job never remind anyone twice.
 */
export async function sendMeetingReminders(
  deps: { meetings: Pick<MeetingsRepo, 'find' | 'userIdsWithStatus'>; sendRecords: SendRecordsRepo; uow: UnitOfWork },
  job: MeetingReminderJob,
): Promise<{ sent: number }> {
  const meeting = await deps.meetings.find(job.meetingId);
  if (!meeting || meeting.status === 'cancelled' || meeting.startsAt !== job.startsAt) return { sent: 0 };
  const userIds = await deps.meetings.userIdsWithStatus(meeting.id, ['confirmed', 'attended']);
  const data = { meetingId: meeting.id, title: meeting.title, startsAt: meeting.startsAt, location: meeting.location };
  let sent = 0;
  // A transaction per 200 members keeps each write short on a large meeting.
  for (let i = 0; i < userIds.length; i += 200) {
    sent += await deps.uow.run(async (tx, effects) => {
      const fresh = await deps.sendRecords.meetingReminders(tx, meeting.id, userIds.slice(i, i + 200));
      return (await effects.notify(fresh.map((userId) => ({ userId, kind: 'meeting_reminder', data })))).length;
    });
  }
  return { sent };
}
