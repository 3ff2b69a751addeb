import type { Database } from '../db/database';
import type { CheckinsRepo } from '../db/repositories/checkins';
import type { NotificationsRepo } from '../db/repositories/notifications';
import type { MeetingEvents } from '../domain/meetings';
import { notifyOnce } from './sendRecords';

export interface CheckinReminderJob {
  checkinId: number;
  scheduledAt: string;
}

/**
 * Reminds both sides of a check-in. Idempotent like the meeting reminder: one `checkin_reminders` row
 * per (check-in, person), written with the notification in one transaction.
 */
export async function sendCheckinReminders(
  deps: { db: Database; checkins: CheckinsRepo; notifications: NotificationsRepo; events: Pick<MeetingEvents, 'notified'> },
  job: CheckinReminderJob,
): Promise<{ sent: number }> {
  const checkin = await deps.checkins.find(job.checkinId, deps.db.knex);
  if (!checkin || checkin.status !== 'scheduled' || checkin.scheduledAt !== job.scheduledAt) return { sent: 0 };
  const sentAt = new Date().toISOString();
  const stored = await notifyOnce(
    deps,
    { table: 'checkin_reminders', rows: [checkin.organizer.id, checkin.member.id].map((userId) => ({ checkin_id: checkin.id, user_id: userId, sent_at: sentAt })), key: ['checkin_id', 'user_id'] },
    ({ user_id }) => {
      const other = user_id === checkin.member.id ? checkin.organizer : checkin.member;
      return {
        userId: user_id,
        kind: 'checkin_reminder',
        title: `视频谈心即将开始：${other.name}`,
        body: `你和${other.name}约好的视频谈心快到时间了`,
        data: { checkinId: checkin.id, scheduledAt: checkin.scheduledAt, with: other },
      };
    },
  );
  if (stored.length > 0) deps.events.notified(stored);
  return { sent: stored.length };
}
