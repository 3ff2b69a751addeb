import { randomBytes } from 'node:crypto';
import type { Actor } from '../contract/model';
import type { MeetingsRepo, NewSignup } from '../db/repositories/meetings';
import { AppError, conflict, notFound } from '../errors';
import { GroupCommit } from '../util/groupCommit';
import type { OrgDirectory } from './orgDirectory';
import type { Clock, Tx } from './ports';
import type { UnitOfWork } from './unitOfWork';

export interface SignupResult {
  status: 'confirmed' | 'waitlisted';
  position: number | null;
  /** A public registrant's code at the door (members read theirs from their sign-up). */
  checkInCode?: string;
}

/** Someone without an account registering for a meeting open to the public. */
export interface PublicRegistrant {
  public: { name: string; contact: string; codeHash: string };
}

/** Who asks for a seat: a member, or a public registrant. */
export type SeatRequest = Actor | PublicRegistrant;
const isPublic = (r: SeatRequest): r is PublicRegistrant => 'public' in r;

const MAX_BATCH = 500;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud at the door

/** A short code shown at the door. */
export function newCheckInCode(random: (n: number) => Uint8Array = randomBytes): string {
  return [...random(6)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/**
 * Group commit for meeting sign-ups, one per meeting. Requests for one meeting that arrive while its
 * transaction is running wait and go together in the next one: the meeting row is locked once, seats
 * are handed out in arrival order until the capacity is reached, the rest join the end of the waitlist
 * in that order, and all of it commits at once. A storm of thousands of sign-ups is a handful of short
 * transactions instead of thousands queueing on one row lock; an idle sign-up is still written at once.
 */
export class SignupBatcher {
  /** Only meetings with sign-ups under way have an entry. */
  private readonly commits = new Map<number, GroupCommit<SeatRequest, SignupResult | AppError>>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly meetings: MeetingsRepo,
    private readonly directory: OrgDirectory,
    private readonly clock: Clock,
    private readonly afterCommit: (meetingId: number, changed: boolean) => void,
  ) {}

  async submit(actor: SeatRequest, meetingId: number): Promise<SignupResult> {
    let commit = this.commits.get(meetingId);
    if (!commit) {
      commit = new GroupCommit(async (batch) => {
        const { outcomes, changed } = await this.uow.run((tx) => this.decide(tx, meetingId, batch));
        // Announcing is best effort: the batch is committed whatever happens here.
        try {
          this.afterCommit(meetingId, changed);
        } catch {}
        return outcomes;
      }, { maxBatch: MAX_BATCH });
      this.commits.set(meetingId, commit);
    }
    try {
      const outcome = await commit.submit(actor);
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    } finally {
      // The last batch's callers run after the writer went idle: the first of them drops the entry.
      if (!commit.busy && this.commits.get(meetingId) === commit) this.commits.delete(meetingId);
    }
  }

  private async decide(tx: Tx, meetingId: number, batch: SeatRequest[]) {
    const row = await this.meetings.lock(tx, meetingId);
    const fail = (error: AppError) => ({ outcomes: batch.map(() => error), changed: false });
    if (!row) return fail(notFound('meeting'));
    if (row.status !== 'open') return fail(conflict(row.status === 'cancelled' ? 'this meeting was cancelled' : 'sign-up for this meeting is closed'));
    if (row.startsAt <= new Date(this.clock.now()).toISOString()) return fail(conflict('this meeting has already started'));

    const policy = await this.directory.policy();
    const userIds = [...new Set(batch.filter((r): r is Actor => !isPublic(r)).map((actor) => actor.id))];
    const existing = new Map((await this.meetings.signupsOfUsers(tx, meetingId, userIds)).map((s) => [s.userId, s]));

    let { confirmed, waitlisted, waitlistCounter: counter } = row;
    const decided = new Map<number, SignupResult>();
    const fresh: NewSignup[] = [];
    const revived: Array<{ id: number; status: 'confirmed' | 'waitlisted'; seq: number | null }> = [];
    const askPosition: number[] = [];
    const publicRows: Array<{ result: SignupResult; row: NewSignup }> = [];
    // Public registrants and members share the seats and the waitlist, in arrival order.
    const take = (): { result: SignupResult; seq: number | null } => {
      if (confirmed < row.capacity) {
        confirmed++;
        return { result: { status: 'confirmed', position: null }, seq: null };
      }
      waitlisted++;
      // Nobody leaves the waitlist inside this transaction, so a newcomer's place is the new length.
      return { result: { status: 'waitlisted', position: waitlisted }, seq: ++counter };
    };
    const outcomes: Array<SignupResult | AppError> = batch.map((request) => {
      if (isPublic(request)) {
        if (row.openTo !== 'public') return notFound('meeting');
        const { result, seq } = take();
        const signup: NewSignup = { meetingId, userId: null, status: result.status, waitlistSeq: seq, checkInCode: '', guest: request.public };
        fresh.push(signup);
        publicRows.push({ result, row: signup });
        return result;
      }
      const actor = request;
      if (!policy.can(actor, 'meeting.see', row)) return policy.refusal('meeting.see');
      const already = decided.get(actor.id);
      if (already) return already;
      const held = existing.get(actor.id);
      if (held && held.status !== 'cancelled') {
        // Signing up again returns the current sign-up; a waiting place is looked up below.
        const result: SignupResult = { status: held.status === 'waitlisted' ? 'waitlisted' : 'confirmed', position: null };
        if (held.status === 'waitlisted') askPosition.push(actor.id);
        decided.set(actor.id, result);
        return result;
      }
      const { result, seq } = take();
      if (held) revived.push({ id: held.id, status: result.status, seq });
      else fresh.push({ meetingId, userId: actor.id, status: result.status, waitlistSeq: seq, checkInCode: '' });
      decided.set(actor.id, result);
      return result;
    });

    const changed = fresh.length + revived.length > 0;
    if (changed) {
      await this.assignCodes(tx, meetingId, fresh);
      for (const { result, row: signup } of publicRows) result.checkInCode = signup.checkInCode;
      await this.meetings.insertSignups(tx, fresh);
      for (const r of revived) await this.meetings.updateSignup(tx, r.id, { status: r.status, waitlistSeq: r.seq });
      await this.meetings.save(tx, meetingId, { confirmed, waitlisted, waitlistCounter: counter });
    }
    const positions = await this.meetings.waitlistPositionsOf(tx, meetingId, askPosition);
    for (const userId of askPosition) decided.get(userId)!.position = positions.get(userId) ?? null;
    return { outcomes, changed };
  }

  /** Short codes shown at the door, unique within the meeting. */
  private async assignCodes(tx: Tx, meetingId: number, rows: Array<{ checkInCode: string }>) {
    let pending = rows;
    while (pending.length > 0) {
      for (const row of pending) row.checkInCode = newCheckInCode();
      const taken = await this.meetings.codesTaken(tx, meetingId, pending.map((r) => r.checkInCode));
      const seen = new Set<string>();
      pending = pending.filter((row) => {
        const clash = taken.has(row.checkInCode) || seen.has(row.checkInCode);
        seen.add(row.checkInCode);
        return clash;
      });
    }
  }
}
