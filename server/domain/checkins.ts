import type { Actor } from '../contract/model';
import type { CheckinsRepo } from '../db/repositories/checkins';
import type { UsersRepo } from '../db/repositories/users';
import { invalid, notFound } from '../errors';
import type { OrgDirectory } from './orgDirectory';
import type { Clock } from './ports';

/** Schedules the reminder of a check-in (BullMQ delayed job in production). */
export interface CheckinReminderScheduler {
  schedule(checkin: { id: number; scheduledAt: string }): Promise<void>;
}

/** Check-ins an organizer schedules with a member under them: both are reminded, the call is linked. */
export function createCheckinService(deps: { checkins: CheckinsRepo; users: UsersRepo; directory: OrgDirectory; reminders: CheckinReminderScheduler; clock: Clock }) {
  const { checkins, users, directory, reminders, clock } = deps;
  return {
    async schedule(actor: Actor, input: { memberId: number; scheduledAt: string; note?: string | null }) {
      const member = await users.findById(input.memberId);
      if (!member || !member.active) throw notFound('member');
      (await directory.policy()).assert(actor, 'checkin.schedule', member);
      if (input.scheduledAt <= new Date(clock.now()).toISOString()) throw invalid('scheduledAt must be in the future');
      const checkin = await checkins.insert(actor.id, member.id, input.scheduledAt, input.note ?? null);
      await reminders.schedule(checkin);
      return checkin;
    },
    /** A page of the actor's check-ins (as organizer or member), latest first. */
    async list(actor: Actor, page: { limit: number; beforeId?: number }) {
      const list = await checkins.involving(actor.id, page);
      return { checkins: list, nextCursor: list.length === page.limit ? String(list.at(-1)!.id) : null };
    },
    find: (checkinId: number) => checkins.find(checkinId),
    markDone: (checkinId: number, callId: string) => checkins.markDone(checkinId, callId),
  };
}

export type CheckinService = ReturnType<typeof createCheckinService>;
