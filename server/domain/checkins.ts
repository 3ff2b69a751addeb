import type { CheckinsRepo } from '../db/repositories/checkins';
import type { UsersRepo } from '../db/repositories/users';
import { forbidden, invalid, notFound } from '../errors';
import type { OrgDirectory } from './orgDirectory';
import type { Actor } from './types';

/** Schedules the reminder of a check-in (BullMQ delayed job in production). */
export interface CheckinReminderScheduler {
  schedule(checkin: { id: number; scheduledAt: string }): Promise<void>;
}

/** Check-ins an organizer schedules with a member under them: both are reminded, the call is linked. */
export function createCheckinService(deps: { checkins: CheckinsRepo; users: UsersRepo; directory: OrgDirectory; reminders: CheckinReminderScheduler }) {
  const { checkins, users, directory, reminders } = deps;
  return {
    async schedule(actor: Actor, input: { memberId: number; scheduledAt: string; note?: string | null }) {
      const member = await users.findById(input.memberId);
      if (!member || !member.active) throw notFound('member');
      const tree = await directory.current();
      if (actor.role !== 'admin' && (member.branchId === null || !tree.organizesOver(actor.id, member.branchId))) {
        throw forbidden('only an organizer over the member schedules their check-ins');
      }
      if (input.scheduledAt <= new Date().toISOString()) throw invalid('scheduledAt must be in the future');
      const checkin = await checkins.insert(actor.id, member.id, input.scheduledAt, input.note ?? null);
      await reminders.schedule(checkin);
      return checkin;
    },
    list: (actor: Actor) => checkins.involving(actor.id),
    /** The check-in a call is for, if the two callers are its organizer and member. */
    async forCall(checkinId: number, a: number, b: number) {
      const checkin = await checkins.find(checkinId);
      if (!checkin) throw notFound('check-in');
      const pair = [checkin.organizer.id, checkin.member.id].sort().join();
      if (pair !== [a, b].sort().join()) throw forbidden('this check-in is not between you two');
      return checkin;
    },
    markDone: (checkinId: number, callId: string) => checkins.markDone(checkinId, callId),
  };
}

export type CheckinService = ReturnType<typeof createCheckinService>;
