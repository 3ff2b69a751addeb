import type { Actor, Meeting, MeetingCounts, MeetingStatus, MySignup } from '../contract/model';
import { meetingRoomId } from '../contract/events';
import { toCounts, toMeeting, type MeetingChanges, type MeetingRecord, type MeetingsRepo, type SignupRecord } from '../db/repositories/meetings';
import type { Page } from '../util/paging';
import { AppError, conflict, invalid, notFound, rateLimited } from '../errors';
import { GroupCommit } from '../util/groupCommit';
import type { NotificationDraft } from '../notifications/sink';
import type { OrgDirectory } from './orgDirectory';
import type { Clock, RateLimiter, Sessions, Tx } from './ports';
import { SignupBatcher } from './signupBatcher';
import { hashPublicCode, holdsSeat, MAX_CAPACITY, newPublicCode, publicView, withOnlineLink, type MeetingPatch, type NewMeetingInput } from './meetingRules';
import type { Effects, UnitOfWork } from './unitOfWork';
import { auditEntry, changedFields, type AuditTrail } from './audit';

/** What the meeting rules announce after a commit; the realtime layer turns these into socket events. */
export interface MeetingEvents {
  countsChanged(meetingId: number): void;
  promoted(userId: number, meetingId: number): void;
  /** The member was checked in (their page updates). */
  attended(userId: number, meetingId: number): void;
}

/** Schedules the reminder before a meeting (a BullMQ delayed job in production). */
export interface MeetingReminderScheduler {
  schedule(meeting: { id: number; startsAt: string }): Promise<void>;
}

export { MAX_CAPACITY, hashPublicCode, publicView, type MeetingPatch, type NewMeetingInput } from './meetingRules';


export function createMeetingService(deps: {
  uow: UnitOfWork;
  meetings: MeetingsRepo;
  directory: OrgDirectory;
  events: MeetingEvents;
  reminders: MeetingReminderScheduler;
  sessions: Pick<Sessions, 'sync' | 'syncRoom'>;
  clock: Clock;
  audit: AuditTrail;
  /** Attendance of a meeting with training hours records them (in the attendance's transaction). */
  trainingOnAttend?: (tx: Tx, meeting: MeetingRecord, userId: number, by: number) => Promise<void>;
  /** A meeting adopted from a library project was created (the project counts it). */
  onAdopted?: (tx: Tx, projectId: number) => Promise<void>;
  /** Per address: public registrations, looks and cancellations (no account to hold to account). */
  publicLimiter?: RateLimiter | null;
}) {
  const { uow, meetings, directory, events, reminders, sessions, clock } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();
  const started = (m: MeetingRecord) => m.startsAt <= nowIso();
  const batcher = new SignupBatcher(uow, meetings, directory, clock, (meetingId, changed) => {
    if (changed) events.countsChanged(meetingId);
  });

  /**
   * Cancellations of one meeting go in batches (group commit), like sign-ups: the meeting row is locked once
   * for all that arrived meanwhile, each decided in arrival order. A flood of cancellations is a few short
   * transactions, not one transaction (and pooled connection) each queueing on the row lock, which on
   * PostgreSQL ran the pool dry: 1,000 at once failed with "Timeout acquiring a connection" (R11).
   */
  type CancelRequest = { userId: number } | { codeHash: string };
  const cancelCommits = new Map<number, GroupCommit<CancelRequest, true | AppError>>();
  async function cancelInBatch(meetingId: number, request: CancelRequest): Promise<void> {
    let commit = cancelCommits.get(meetingId);
    if (!commit) {
      commit = new GroupCommit((batch) => uow.run((tx, effects) => cancelBatch(tx, effects, meetingId, batch)), { maxBatch: 500 });
      cancelCommits.set(meetingId, commit);
    }
    try {
      const outcome = await commit.submit(request);
      if (outcome instanceof AppError) throw outcome;
    } finally {
      // The last batch's callers run after the writer went idle: the first of them drops the entry.
      if (!commit.busy && cancelCommits.get(meetingId) === commit) cancelCommits.delete(meetingId);
    }
  }

  async function cancelBatch(tx: Tx, effects: Effects, meetingId: number, batch: CancelRequest[]): Promise<Array<true | AppError>> {
    const row = await meetings.lock(tx, meetingId);
    if (!row) return batch.map(() => notFound('meeting'));
    let { confirmed, waitlisted } = row;
    let changed = false;
    const outcomes: Array<true | AppError> = [];
    for (const request of batch) {
      const userId = 'userId' in request ? request.userId : null;
      const signup = 'userId' in request ? await meetings.signupOf(meetingId, request.userId, tx) : await meetings.findByPublicCode(request.codeHash, tx);
      const refusal =
        !signup || signup.meetingId !== meetingId ? notFound('sign-up')
        : signup.status === 'cancelled' ? null
        : userId !== null && row.status === 'cancelled' ? conflict('this meeting was cancelled')
        : userId === null && signup.status === 'attended' ? conflict('attendance is already recorded')
        : started(row) ? conflict('this meeting has already started')
        : signup.status === 'attended' ? conflict('attendance is already recorded')
        : undefined;
      if (refusal !== undefined || !signup) {
        outcomes.push(refusal ?? true);
        continue;
      }
      await meetings.updateSignup(tx, signup.id, { status: 'cancelled', waitlistSeq: null });
      changed = true;
      if (signup.status === 'waitlisted') waitlisted--;
      else {
        // A freed seat goes to the head of the waitlist (nobody moves up in a cancelled meeting).
        const moved = row.status === 'cancelled' ? 0 : await promote(tx, effects, row, 1);
        confirmed += moved - 1;
        waitlisted -= moved;
        if (userId !== null) effects.afterCommit(() => sessions.sync(userId));
      }
      outcomes.push(true);
    }
    if (changed) {
      await meetings.save(tx, meetingId, { confirmed, waitlisted });
      effects.afterCommit(() => events.countsChanged(meetingId));
    }
    return outcomes;
  }

  /** The meeting if the actor may see it; `forbidden` for a host-only meeting of another unit. */
  async function visible(actor: Actor, id: number): Promise<MeetingRecord> {
    const meeting = await meetings.find(id);
    if (!meeting) throw notFound('meeting');
    (await directory.policy()).assert(actor, 'meeting.see', meeting);
    return meeting;
  }

  async function managed(actor: Actor, id: number): Promise<MeetingRecord> {
    const meeting = await meetings.find(id);
    if (!meeting) throw notFound('meeting');
    (await directory.policy()).assert(actor, 'meeting.manage', meeting.hostOrgId);
    return meeting;
  }

  function checkTimes(startsAt: string, endsAt: string | null | undefined) {
    if (startsAt <= nowIso()) throw invalid('startsAt must be in the future');
    if (endsAt && endsAt <= startsAt) throw invalid('endsAt must be after startsAt');
  }

  /** Moves the first `count` waiting members onto seats; they hear of it after commit. */
  async function promote(tx: Tx, effects: Effects, meeting: MeetingRecord, count: number): Promise<number> {
    const heads = await meetings.headOfWaitlist(tx, meeting.id, count);
    for (const signup of heads) await meetings.updateSignup(tx, signup.id, { status: 'confirmed', waitlistSeq: null });
    // Members hear of it; a public registrant sees it when they look their registration up.
    const members = heads.map((s) => s.userId).filter((id): id is number => id !== null);
    await effects.notify(members.map((userId) => ({ userId, kind: 'meeting_promoted' as const, data: { meetingId: meeting.id, title: meeting.title, startsAt: meeting.startsAt } })));
    for (const userId of members) effects.afterCommit(() => events.promoted(userId, meeting.id));
    return heads.length;
  }

  async function limitAddress(address: string): Promise<void> {
    if (deps.publicLimiter && !(await deps.publicLimiter.consume(`public:${address}`))) throw rateLimited('too many requests from this address; try again in a few minutes');
  }

  async function mySignup(meetingId: number, signup: SignupRecord | null): Promise<MySignup | null> {
    if (!signup || signup.status === 'cancelled') return null;
    const position = signup.status === 'waitlisted' && signup.waitlistSeq !== null ? await meetings.waitlistPosition(meetingId, signup.waitlistSeq) : null;
    return { status: signup.status, position, checkInCode: signup.checkInCode };
  }

  return {
    async create(actor: Actor, input: NewMeetingInput): Promise<Meeting> {
      const policy = await directory.policy();
      if (!policy.tree.get(input.hostOrgId)) throw notFound('host org');
      policy.assert(actor, 'meeting.manage', input.hostOrgId);
      checkTimes(input.startsAt, input.endsAt);
      const meeting = await uow.run(async (tx) => {
        const saved = await meetings.insert({
        hostOrgId: input.hostOrgId,
        title: input.title,
        topic: input.topic ?? null,
        description: input.description ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt ?? null,
        location: input.location ?? null,
        online: input.online ?? Boolean(input.onlineUrl),
        onlineUrl: input.onlineUrl ?? null,
        capacity: input.capacity,
        openTo: input.openTo,
        trainingHours: input.trainingHours ?? null,
        projectId: input.projectId ?? null,
        createdBy: actor.id,
        }, tx);
        if (input.projectId) await deps.onAdopted?.(tx, input.projectId);
        await deps.audit.append(tx, [auditEntry(actor, 'meeting.create', { type: 'meeting', id: saved.id }, saved.hostOrgId, { after: saved })]);
        return saved;
      });
      await reminders.schedule(meeting);
      return meeting;
    },

    /** A page of the meetings the actor may see: upcoming ones soonest first, then past ones most recent first. */
    async list(actor: Actor, filter: { status?: MeetingStatus; orgId?: number; topic?: string }, page: { limit: number; cursor?: string }): Promise<Page<Meeting>> {
      const policy = await directory.policy();
      if (filter.orgId !== undefined && !policy.tree.get(filter.orgId)) throw notFound('org');
      const found = await meetings.list(
        {
          hostOrgIds: policy.meetingHostsVisibleTo(actor),
          status: filter.status,
          topic: filter.topic,
          underOrgIds: filter.orgId === undefined ? undefined : policy.tree.subtree(filter.orgId),
        },
        page,
      );
      return { ...found, items: found.items.map((m) => withOnlineLink(m, policy.can(actor, 'meeting.manage', m.hostOrgId))) };
    },

    async get(actor: Actor, id: number): Promise<{ meeting: Meeting; mySignup: MySignup | null; canManage: boolean }> {
      const meeting = await visible(actor, id);
      const signup = await meetings.signupOf(id, actor.id);
      const canManage = (await directory.policy()).can(actor, 'meeting.manage', meeting.hostOrgId);
      return { meeting: withOnlineLink(toMeeting(meeting), canManage || holdsSeat(signup)), mySignup: await mySignup(id, signup), canManage };
    },

    /**
     * The meeting with its live counters, for a page that follows them. `subscribe` runs after the
     * visibility check and before the read, so no change falls between the answer and the first event.
     */
    async watch(actor: Actor, id: number, subscribe: () => unknown): Promise<{ meeting: Meeting; counts: MeetingCounts }> {
      await visible(actor, id);
      await subscribe();
      const [meeting, signup] = await Promise.all([meetings.find(id), meetings.signupOf(id, actor.id)]);
      if (!meeting) throw notFound('meeting');
      const canManage = (await directory.policy()).can(actor, 'meeting.manage', meeting.hostOrgId);
      return { meeting: withOnlineLink(toMeeting(meeting), canManage || holdsSeat(signup)), counts: toCounts(meeting) };
    },

    /** May the actor still follow this meeting's counters (a host-only meeting they lost the right to)? */
    async mayWatch(actor: Actor, id: number): Promise<boolean> {
      return visible(actor, id).then(() => true, () => false);
    },

    /**
     * Edits a meeting (organizers over the host). Raising the capacity promotes from the waitlist; cancelling
     * notifies everyone signed up and, at once, takes every socket out of the meeting's room.
     */
    async update(actor: Actor, id: number, patch: MeetingPatch): Promise<Meeting> {
      await managed(actor, id);
      if (patch.capacity !== undefined && (patch.capacity < 1 || patch.capacity > MAX_CAPACITY)) throw invalid(`capacity must be 1..${MAX_CAPACITY}`);
      let reschedule = false;
      const meeting = await uow.run(async (tx, effects) => {
        const row = (await meetings.lock(tx, id))!;
        if (row.status === 'cancelled') throw conflict('this meeting was cancelled');
        const changes: MeetingChanges = {};
        for (const key of ['title', 'topic', 'description', 'location', 'online', 'onlineUrl', 'trainingHours'] as const) {
          if (patch[key] !== undefined) (changes as Record<string, unknown>)[key] = patch[key];
        }
        if (patch.startsAt !== undefined || patch.endsAt !== undefined) {
          const startsAt = patch.startsAt ?? row.startsAt;
          const endsAt = patch.endsAt === undefined ? row.endsAt : patch.endsAt;
          if (patch.startsAt !== undefined && patch.startsAt !== row.startsAt) {
            checkTimes(startsAt, endsAt);
            reschedule = true;
          } else if (endsAt && endsAt <= startsAt) throw invalid('endsAt must be after startsAt');
          changes.startsAt = startsAt;
          changes.endsAt = endsAt;
        }
        let countsChanged = false;
        const cancelling = patch.status === 'cancelled';
        if (patch.capacity !== undefined && patch.capacity !== row.capacity && !cancelling) {
          if (patch.capacity < row.confirmed) throw conflict(`capacity cannot go below the ${row.confirmed} confirmed seats`);
          changes.capacity = patch.capacity;
          const moved = await promote(tx, effects, row, Math.min(patch.capacity - row.confirmed, row.waitlisted));
          changes.confirmed = row.confirmed + moved;
          changes.waitlisted = row.waitlisted - moved;
          countsChanged = true;
        }
        if (patch.status !== undefined && patch.status !== row.status) {
          changes.status = patch.status;
          countsChanged = true;
          if (cancelling) {
            const everyone = await meetings.userIdsWithStatus(id, ['confirmed', 'waitlisted'], tx);
            const data = { meetingId: id, title: row.title, startsAt: row.startsAt };
            await effects.notify(everyone.map((userId): NotificationDraft => ({ userId, kind: 'meeting_cancelled', data })));
            // Nobody may use a cancelled meeting's room but its organizers: empty it everywhere at once.
            effects.afterCommit(() => sessions.syncRoom(meetingRoomId(id)));
          }
        }
        const saved = Object.keys(changes).length > 0 ? await meetings.save(tx, id, changes) : row;
        if (countsChanged) effects.afterCommit(() => events.countsChanged(id));
        if (Object.keys(changes).length > 0) {
          const diff = changedFields(toMeeting(row), toMeeting(saved));
          await deps.audit.append(tx, [auditEntry(actor, 'meeting.update', { type: 'meeting', id }, row.hostOrgId, diff)]);
        }
        return toMeeting(saved);
      });
      if (reschedule) await reminders.schedule(meeting);
      return meeting;
    },

    /** One page of the sign-ups (organizers over the host): seats first, then the waitlist in order. */
    async signups(actor: Actor, id: number, page: { limit: number; cursor?: string }) {
      await managed(actor, id);
      const { items, nextCursor } = await meetings.signupsWithUsers(id, page);
      return {
        signups: items.map(({ signup, position, ...who }) => ({ ...who, status: signup.status, position, checkInCode: signup.checkInCode, createdAt: signup.createdAt })),
        nextCursor,
      };
    },

    /**
     * Takes a seat if one is free, else a place at the end of the waitlist. Batched per meeting (see
     * SignupBatcher): seats never exceed capacity and the waitlist follows commit order.
     */
    async signup(actor: Actor, id: number) {
      // A sign-up for no meeting is refused from a read, never queued for the meeting's write lock.
      if (!(await meetings.find(id))) throw notFound('meeting');
      return batcher.submit(actor, id);
    },

    /**
     * Gives up a seat or a waitlist place; a freed seat goes to the head of the waitlist at once, and the
     * member's sockets leave the meeting's room on every process.
     */
    async cancel(actor: Actor, id: number): Promise<{ status: 'cancelled' }> {
      // Read first: a cancellation of nothing (no such meeting, no sign-up, already cancelled) is answered
      // without the write lock, so a flood of them never queues real writes behind it.
      const access = await meetings.accessOf(id, actor.id);
      if (!access) throw notFound('meeting');
      if (!access.signup) throw notFound('sign-up');
      if (access.signup === 'cancelled') return { status: 'cancelled' };
      await cancelInBatch(id, { userId: actor.id });
      return { status: 'cancelled' as const };
    },

    /** A meeting open to the public, as its public page shows it (404 for any other meeting). */
    async publicMeeting(id: number): Promise<Meeting> {
      const meeting = await meetings.find(id);
      if (!meeting || meeting.openTo !== 'public') throw notFound('meeting');
      return publicView(toMeeting(meeting));
    },

    /**
     * Registers someone without an account for a meeting open to the public: in the meeting's sign-up
     * batches, under its row lock like members' sign-ups, so seats and waitlist are shared and never oversold
     * (also across processes).
     * Answers the registrant's code (shown once: only its hash is kept).
     */
    async registerPublic(id: number, person: { name: string; contact: string }, address: string): Promise<{ code: string; status: 'confirmed' | 'waitlisted'; position: number | null; checkInCode: string }> {
      await limitAddress(address);
      const code = newPublicCode();
      // Through the meeting's sign-up batches: one row lock for members and the public alike.
      const outcome = await batcher.submit({ public: { ...person, codeHash: hashPublicCode(code) } }, id);
      return { code, status: outcome.status, position: outcome.position, checkInCode: outcome.checkInCode ?? '' };
    },

    /** A registration by its code: where it stands, and the meeting (the online link once holding a seat). */
    async publicRegistration(code: string, address: string) {
      await limitAddress(address);
      const signup = await meetings.findByPublicCode(hashPublicCode(code));
      if (!signup) throw notFound('registration');
      const meeting = (await meetings.find(signup.meetingId))!;
      const position = signup.status === 'waitlisted' && signup.waitlistSeq !== null ? await meetings.waitlistPosition(signup.meetingId, signup.waitlistSeq) : null;
      return { status: signup.status, position, checkInCode: signup.checkInCode, meeting: holdsSeat(signup) ? toMeeting(meeting) : publicView(toMeeting(meeting)) };
    },

    /** Cancels a registration by its code; a freed seat goes to the head of the waitlist at once. */
    async cancelPublic(code: string, address: string): Promise<void> {
      await limitAddress(address);
      const found = await meetings.findByPublicCode(hashPublicCode(code));
      if (!found) throw notFound('registration');
      // In the meeting's cancellation batches, under its row lock like members' cancellations.
      await cancelInBatch(found.meetingId, { codeHash: hashPublicCode(code) });
    },

    /**
     * Records attendance of a confirmed member, by user id or by the check-in code on their phone, or of a
     * public registrant by their registration's code.
     */
    async attend(actor: Actor, id: number, who: { userId?: number; code?: string }): Promise<{ status: 'attended'; userId: number | null }> {
      const row = await managed(actor, id);
      if (row.status === 'cancelled') throw conflict('this meeting was cancelled');
      const signup =
        who.code !== undefined
          ? who.code.length > 8
            ? await meetings.findByPublicCode(hashPublicCode(who.code))
            : await meetings.findByCode(id, who.code.toUpperCase())
          : await meetings.signupOf(id, who.userId!);
      if (!signup || signup.meetingId !== id || signup.status === 'cancelled') throw notFound('sign-up');
      if (signup.status === 'waitlisted') throw conflict('this member is on the waitlist, not confirmed');
      if (signup.status === 'confirmed') {
        const userId = signup.userId;
        await uow.run(async (tx, effects) => {
          // Under the meeting's row lock, only a seat still held: a cancellation racing the door wins or loses
          // whole, never leaving a cancelled seat counted again.
          const locked = await meetings.lock(tx, id);
          if (!locked || locked.status === 'cancelled') throw conflict('this meeting was cancelled');
          if (!(await meetings.markAttended(tx, signup.id, nowIso()))) throw notFound('sign-up');
          if (userId !== null) await deps.trainingOnAttend?.(tx, row, userId, actor.id);
          const target = userId !== null ? { type: 'user', id: userId } : { type: 'registration', id: signup.id };
          await deps.audit.append(tx, [auditEntry(actor, 'meeting.attend', target, row.hostOrgId, { after: { meetingId: id, status: 'attended' } })]);
          if (userId !== null) effects.afterCommit(() => events.attended(userId, id));
        });
      }
      return { status: 'attended', userId: signup.userId };
    },
  };
}

export type MeetingService = ReturnType<typeof createMeetingService>;
