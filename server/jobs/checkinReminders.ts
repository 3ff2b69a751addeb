import type { CheckinsRepo } from '../db/repositories/checkins';
import type { SendRecordsRepo } from '../db/repositories/sendRecords';
import type { UnitOfWork } from '../domain/unitOfWork';

export interface CheckinReminderJob {
  checkinId: number;
  scheduledAt: string;
}

/**
 * Reminds both sides of a check-in. Idempotent like the meeting reminder: one send record per
 * (check-in, person), written with the notification in one transaction.
 */
export async function sendCheckinReminders(
  deps: { checkins: Pick<CheckinsRepo, 'find'>; sendRecords: SendRecordsRepo; uow: UnitOfWork },
  job: CheckinReminderJob,
): Promise<{ sent: number }> {
  const checkin = await deps.checkins.find(job.checkinId);
  if (!checkin || checkin.status !== 'scheduled' || checkin.scheduledAt !== job.scheduledAt) return { sent: 0 };
  return deps.uow.run(async (tx, effects) => {
    const fresh = await deps.sendRecords.checkinReminders(tx, checkin.id, [checkin.organizer.id, checkin.member.id]);
    const stored = await effects.notify(
      fresh.map((userId) => ({
        userId,
        kind: 'checkin_reminder',
        data: { checkinId: checkin.id, scheduledAt: checkin.scheduledAt, with: userId === checkin.member.id ? checkin.organizer : checkin.member },
      })),
    );
    return { sent: stored.length };
  });
}
