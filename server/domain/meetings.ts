import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { toCounts, toMeeting, type MeetingRow, type MeetingsRepo, type SignupRow } from '../db/repositories/meetings';
import type { NewNotification, NotificationsRepo } from '../db/repositories/notifications';
import { conflict, forbidden, invalid, notFound } from '../errors';
import { mayJoinMeeting, mayManageMeeting, visibleHostUnits } from './meetingRules';
import { SignupBatcher } from './signupBatcher';
import type { OrgDirectory } from './orgDirectory';
import type { Actor, Meeting, MeetingCounts, MeetingStatus, MySignup, Notification, OpenTo } from './types';

/** What the meeting rules announce after a commit; the realtime layer turns these into socket events. */
export interface MeetingEvents {
  countsChanged(meetingId: number): void;
  promoted(userId: number, meetingId: number): void;
  notified(notifications: Array<Notification & { userId: number }>): void;
}

/** Schedules the reminder an hour before a meeting (BullMQ delayed job in production). */
export interface MeetingReminderScheduler {
  schedule(meeting: { id: number; startsAt: string }): Promise<void>;
}

export interface NewMeetingInput {
  hostOrgId: number;
  title: string;
  topic?: string | null;
  description?: string | null;
  startsAt: string;
  endsAt?: string | null;
  location?: string | null;
  online?: boolean;
  capacity: number;
  openTo: OpenTo;
}

export type MeetingPatch = Partial<Omit<NewMeetingInput, 'hostOrgId'>> & { status?: MeetingStatus };

export const MAX_CAPACITY = 100_000;

export function createMeetingService(deps: {
  db: Database;
  meetings: MeetingsRepo;
  notifications: NotificationsRepo;
  directory: OrgDirectory;
  events: MeetingEvents;
  reminders: MeetingReminderScheduler;
  now?: () => Date;
}) {
  const { db, meetings, notifications, directory, events, reminders } = deps;
  const now = deps.now ?? (() => new Date());
  const started = (row: MeetingRow) => row.starts_at <= now().toISOString();
  const batcher = new SignupBatcher(db, meetings, directory, now, (meetingId, changed) => {
    if (changed) events.countsChanged(meetingId);
  });

  /** The meeting if the actor may see it; `forbidden` for a host-only meeting of another unit. */
  async function visible(actor: Actor, id: number): Promise<MeetingRow> {
    const row = await meetings.find(id);
    if (!row) throw notFound('meeting');
    if (!mayJoinMeeting(await directory.current(), actor, { hostOrgId: row.host_org_id, openTo: row.open_to as OpenTo })) {
      throw forbidden('this meeting is open to members of its host unit only');
    }
    return row;
  }

  async function managed(actor: Actor, id: number): Promise<MeetingRow> {
    const row = await meetings.find(id);
    if (!row) throw notFound('meeting');
    if (!mayManageMeeting(await directory.current(), actor, row.host_org_id)) throw forbidden('only organizers over the host unit manage this meeting');
    return row;
  }

  function checkTimes(startsAt: string, endsAt: string | null | undefined) {
    if (startsAt <= now().toISOString()) throw invalid('startsAt must be in the future');
    if (endsAt && endsAt <= startsAt) throw invalid('endsAt must be after startsAt');
  }

  /** Moves the first `count` waiting members onto seats, inside the caller's transaction. */
  async function promote(trx: Knex.Transaction, row: MeetingRow, count: number): Promise<{ userIds: number[]; notes: NewNotification[] }> {
    const heads = await meetings.headOfWaitlist(trx, row.id, count);
    for (const signup of heads) await meetings.updateSignup(trx, signup.id, { status: 'confirmed', waitlist_seq: null });
    const notes = heads.map((signup) => ({
      userId: signup.user_id,
      kind: 'meeting_promoted',
      title: `候补转正：${row.title}`,
      body: `有人退出，你已从候补名单转为正式参会：${row.title}`,
      data: { meetingId: row.id, title: row.title, startsAt: row.starts_at },
    }));
    return { userIds: heads.map((s) => s.user_id), notes };
  }

  /** Runs a write transaction, then announces its effects (only after commit). */
  async function commit<T>(work: (trx: Knex.Transaction) => Promise<{ result: T; meetingId: number; countsChanged: boolean; promoted?: number[]; notes?: NewNotification[] }>): Promise<T> {
    let stored: Array<Notification & { userId: number }> = [];
    const outcome = await db.writeTransaction(async (trx) => {
      const done = await work(trx);
      if (done.notes && done.notes.length > 0) stored = await notifications.insertMany(trx, done.notes);
      return done;
    });
    if (outcome.countsChanged) events.countsChanged(outcome.meetingId);
    for (const userId of outcome.promoted ?? []) events.promoted(userId, outcome.meetingId);
    if (stored.length > 0) events.notified(stored);
    return outcome.result;
  }

  async function mySignup(meetingId: number, signup: SignupRow | null, reader?: Knex): Promise<MySignup | null> {
    if (!signup || signup.status === 'cancelled') return null;
    const position = signup.status === 'waitlisted' && signup.waitlist_seq !== null ? await meetings.waitlistPosition(meetingId, signup.waitlist_seq, reader) : null;
    return { status: signup.status, position, checkInCode: signup.check_in_code };
  }

  return {
    async create(actor: Actor, input: NewMeetingInput): Promise<Meeting> {
      const tree = await directory.current();
      if (!tree.get(input.hostOrgId)) throw notFound('host org');
      if (!mayManageMeeting(tree, actor, input.hostOrgId)) throw forbidden('only organizers over the host unit may create its meetings');
      checkTimes(input.startsAt, input.endsAt);
      const meeting = await meetings.insert({
        hostOrgId: input.hostOrgId,
        title: input.title,
        topic: input.topic ?? null,
        description: input.description ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt ?? null,
        location: input.location ?? null,
        online: input.online ?? false,
        capacity: input.capacity,
        openTo: input.openTo,
        createdBy: actor.id,
      });
      await reminders.schedule(meeting);
      return meeting;
    },

    async list(actor: Actor, filter: { status?: MeetingStatus; orgId?: number; topic?: string }): Promise<Meeting[]> {
      const tree = await directory.current();
      if (filter.orgId !== undefined && !tree.get(filter.orgId)) throw notFound('org');
      const all = await meetings.list({
        hostOrgIds: visibleHostUnits(tree, actor),
        status: filter.status,
        topic: filter.topic,
        underOrgIds: filter.orgId === undefined ? undefined : tree.subtree(filter.orgId),
      });
      // Upcoming first (soonest first), then past ones (most recent first).
      const at = now().toISOString();
      const upcoming = all.filter((m) => m.startsAt > at);
      const past = all.filter((m) => m.startsAt <= at).reverse();
      return [...upcoming, ...past];
    },

    async get(actor: Actor, id: number): Promise<{ meeting: Meeting; mySignup: MySignup | null; canManage: boolean }> {
      const row = await visible(actor, id);
      const signup = await meetings.signupOf(id, actor.id);
      return { meeting: toMeeting(row), mySignup: await mySignup(id, signup), canManage: mayManageMeeting(await directory.current(), actor, row.host_org_id) };
    },

    /**
     * The meeting with its live counters, for a page that follows them. `subscribe` runs after the
     * visibility check and before the read, so no change falls between the answer and the first event.
     */
    async watch(actor: Actor, id: number, subscribe: () => unknown): Promise<{ meeting: Meeting; counts: MeetingCounts }> {
      await visible(actor, id);
      await subscribe();
      const row = await meetings.find(id);
      if (!row) throw notFound('meeting');
      return { meeting: toMeeting(row), counts: toCounts(row) };
    },

    async update(actor: Actor, id: number, patch: MeetingPatch): Promise<Meeting> {
      await managed(actor, id);
      if (patch.capacity !== undefined && (patch.capacity < 1 || patch.capacity > MAX_CAPACITY)) throw invalid(`capacity must be 1..${MAX_CAPACITY}`);
      let reschedule = false;
      const meeting = await commit(async (trx) => {
        const row = (await meetings.lock(trx, id))!;
        if (row.status === 'cancelled') throw conflict('this meeting was cancelled');
        const changes: Record<string, unknown> = {};
        for (const [key, column] of [['title', 'title'], ['topic', 'topic'], ['description', 'description'], ['location', 'location'], ['online', 'online']] as const) {
          if (patch[key] !== undefined) changes[column] = patch[key];
        }
        if (patch.startsAt !== undefined || patch.endsAt !== undefined) {
          const startsAt = patch.startsAt ?? row.starts_at;
          const endsAt = patch.endsAt === undefined ? row.ends_at : patch.endsAt;
          if (patch.startsAt !== undefined && patch.startsAt !== row.starts_at) {
            checkTimes(startsAt, endsAt);
            reschedule = true;
          } else if (endsAt && endsAt <= startsAt) throw invalid('endsAt must be after startsAt');
          changes.starts_at = startsAt;
          changes.ends_at = endsAt;
        }
        let promotion: { userIds: number[]; notes: NewNotification[] } = { userIds: [], notes: [] };
        let countsChanged = false;
        if (patch.capacity !== undefined && patch.capacity !== row.capacity) {
          if (patch.capacity < row.confirmed) throw conflict(`capacity cannot go below the ${row.confirmed} confirmed seats`);
          changes.capacity = patch.capacity;
          promotion = await promote(trx, row, Math.min(patch.capacity - row.confirmed, row.waitlisted));
          changes.confirmed = row.confirmed + promotion.userIds.length;
          changes.waitlisted = row.waitlisted - promotion.userIds.length;
          countsChanged = true;
        }
        let notes = promotion.notes;
        if (patch.status !== undefined && patch.status !== row.status) {
          changes.status = patch.status;
          countsChanged = true;
          if (patch.status === 'cancelled') {
            const everyone = await meetings.userIdsWithStatus(id, ['confirmed', 'waitlisted'], trx);
            notes = everyone.map((userId) => ({
              userId,
              kind: 'meeting_cancelled',
              title: `会议取消：${row.title}`,
              body: `你报名的会议已取消：${row.title}`,
              data: { meetingId: id, title: row.title, startsAt: row.starts_at },
            }));
            promotion = { userIds: [], notes: [] };
          }
        }
        const saved = Object.keys(changes).length > 0 ? await meetings.save(trx, id, changes) : row;
        return { result: toMeeting(saved), meetingId: id, countsChanged, promoted: promotion.userIds, notes };
      });
      if (reschedule) await reminders.schedule(meeting);
      return meeting;
    },

    async signups(actor: Actor, id: number) {
      await managed(actor, id);
      const rows = await meetings.signupsWithUsers(id);
      let position = 0;
      return rows.map((row) => ({
        user: { id: row.user_id, name: row.name, email: row.email, branchId: row.branch_id },
        status: row.status,
        position: row.status === 'waitlisted' ? ++position : null,
        checkInCode: row.check_in_code,
        createdAt: row.created_at,
      }));
    },

    /**
     * Takes a seat if one is free, else a place at the end of the waitlist. Batched per meeting (see
     * SignupBatcher): seats never exceed capacity and the waitlist follows commit order.
     */
    signup: (actor: Actor, id: number) => batcher.submit(actor, id),

    /** Gives up a seat or a waitlist place; a freed seat goes to the head of the waitlist at once. */
    async cancel(actor: Actor, id: number): Promise<{ status: 'cancelled' }> {
      return commit(async (trx) => {
        const row = await meetings.lock(trx, id);
        if (!row) throw notFound('meeting');
        const signup = await meetings.signupOf(id, actor.id, trx);
        if (!signup) throw notFound('sign-up');
        if (signup.status === 'cancelled') return { result: { status: 'cancelled' as const }, meetingId: id, countsChanged: false };
        if (row.status === 'cancelled') throw conflict('this meeting was cancelled');
        if (started(row)) throw conflict('this meeting has already started');
        if (signup.status === 'attended') throw conflict('attendance is already recorded');
        await meetings.updateSignup(trx, signup.id, { status: 'cancelled', waitlist_seq: null });
        if (signup.status === 'waitlisted') {
          await meetings.save(trx, id, { waitlisted: row.waitlisted - 1 });
          return { result: { status: 'cancelled' as const }, meetingId: id, countsChanged: true };
        }
        const promotion = await promote(trx, row, 1);
        const moved = promotion.userIds.length;
        await meetings.save(trx, id, { confirmed: row.confirmed - 1 + moved, waitlisted: row.waitlisted - moved });
        return { result: { status: 'cancelled' as const }, meetingId: id, countsChanged: true, promoted: promotion.userIds, notes: promotion.notes };
      });
    },

    /** Records attendance of a confirmed member, by user id or by the check-in code on their phone. */
    async attend(actor: Actor, id: number, who: { userId?: number; code?: string }): Promise<{ status: 'attended'; userId: number }> {
      const row = await managed(actor, id);
      if (row.status === 'cancelled') throw conflict('this meeting was cancelled');
      const signup = who.code !== undefined ? await meetings.findByCode(id, who.code.toUpperCase()) : await meetings.signupOf(id, who.userId!);
      if (!signup || signup.status === 'cancelled') throw notFound('sign-up');
      if (signup.status === 'waitlisted') throw conflict('this member is on the waitlist, not confirmed');
      if (signup.status === 'confirmed') {
        await db.writeTransaction((trx) => meetings.updateSignup(trx, signup.id, { status: 'attended', attended_at: now().toISOString() }));
      }
      return { status: 'attended', userId: signup.user_id };
    },
  };

}

export type MeetingService = ReturnType<typeof createMeetingService>;
