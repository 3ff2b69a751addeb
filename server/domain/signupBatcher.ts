import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database';
import type { MeetingRow, MeetingsRepo, SignupRow } from '../db/repositories/meetings';
import { AppError, conflict, forbidden, notFound } from '../errors';
import { mayJoinMeeting, newCheckInCode } from './meetingRules';
import type { OrgDirectory } from './orgDirectory';
import type { Actor, OpenTo } from './types';
import { GroupCommit } from '../util/groupCommit';

export interface SignupResult {
  status: 'confirmed' | 'waitlisted';
  position: number | null;
}

const MAX_BATCH = 500;

/**
 * Group commit for meeting sign-ups, one per meeting. Requests for one meeting that arrive while its
 * transaction is running wait and go together in the next one: the meeting row is locked once, seats
 * are handed out in arrival order until the capacity is reached, the rest join the end of the waitlist
 * in that order, and all of it commits at once. A storm of thousands of sign-ups is a handful of short
 * transactions instead of thousands queueing on one row lock; an idle sign-up is still written at once.
 */
export class SignupBatcher {
  /** Only meetings with sign-ups under way have an entry. */
  private readonly commits = new Map<number, GroupCommit<Actor, SignupResult | AppError>>();

  constructor(
    private readonly db: Database,
    private readonly meetings: MeetingsRepo,
    private readonly directory: OrgDirectory,
    private readonly now: () => Date,
    private readonly afterCommit: (meetingId: number, changed: boolean) => void,
  ) {}

  async submit(actor: Actor, meetingId: number): Promise<SignupResult> {
    let commit = this.commits.get(meetingId);
    if (!commit) {
      commit = new GroupCommit(async (batch) => {
        const { outcomes, changed } = await this.db.writeTransaction((trx) => this.decide(trx, meetingId, batch));
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

  private async decide(trx: Parameters<Parameters<Database['writeTransaction']>[0]>[0], meetingId: number, batch: Actor[]) {
    const row: MeetingRow | null = await this.meetings.lock(trx, meetingId);
    const fail = (error: AppError) => ({ outcomes: batch.map(() => error), changed: false });
    if (!row) return fail(notFound('meeting'));
    if (row.status !== 'open') return fail(conflict(row.status === 'cancelled' ? 'this meeting was cancelled' : 'sign-up for this meeting is closed'));
    if (row.starts_at <= this.now().toISOString()) return fail(conflict('this meeting has already started'));

    const tree = await this.directory.current();
    const meeting = { hostOrgId: row.host_org_id, openTo: row.open_to as OpenTo };
    const userIds = [...new Set(batch.map((actor) => actor.id))];
    const existing = new Map((await this.meetings.signupsOfUsers(trx, meetingId, userIds)).map((s) => [s.user_id, s]));

    let { confirmed, waitlisted, waitlist_counter: counter } = row;
    const decided = new Map<number, SignupResult>();
    const fresh: Array<Omit<SignupRow, 'id' | 'created_at'>> = [];
    const revived: Array<{ id: number; status: 'confirmed' | 'waitlisted'; seq: number | null }> = [];
    const askPosition: number[] = [];
    const outcomes: Array<SignupResult | AppError> = batch.map((actor) => {
      if (!mayJoinMeeting(tree, actor, meeting)) return forbidden('this meeting is open to members of its host unit only');
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
      const seat = confirmed < row.capacity;
      let result: SignupResult;
      let seq: number | null = null;
      if (seat) {
        confirmed++;
        result = { status: 'confirmed', position: null };
      } else {
        seq = ++counter;
        waitlisted++;
        // Nobody leaves the waitlist inside this transaction, so a newcomer's place is the new length.
        result = { status: 'waitlisted', position: waitlisted };
      }
      if (held) revived.push({ id: held.id, status: result.status, seq });
      else fresh.push({ meeting_id: meetingId, user_id: actor.id, status: result.status, waitlist_seq: seq, check_in_code: '' });
      decided.set(actor.id, result);
      return result;
    });

    const changed = fresh.length + revived.length > 0;
    if (changed) {
      await this.assignCodes(trx, meetingId, fresh);
      await this.meetings.insertSignups(trx, fresh);
      for (const r of revived) await this.meetings.updateSignup(trx, r.id, { status: r.status, waitlist_seq: r.seq });
      await this.meetings.save(trx, meetingId, { confirmed, waitlisted, waitlist_counter: counter });
    }
    const positions = await this.meetings.waitlistPositionsOf(trx, meetingId, askPosition);
    for (const userId of askPosition) decided.get(userId)!.position = positions.get(userId) ?? null;
    return { outcomes, changed };
  }

  /** Short codes shown at the door, unique within the meeting. */
  private async assignCodes(trx: Parameters<Parameters<Database['writeTransaction']>[0]>[0], meetingId: number, rows: Array<{ check_in_code: string }>) {
    let pending = rows;
    while (pending.length > 0) {
      for (const row of pending) row.check_in_code = newCheckInCode(randomBytes);
      const taken = await this.meetings.codesTaken(trx, meetingId, pending.map((r) => r.check_in_code));
      const seen = new Set<string>();
      pending = pending.filter((row) => {
        const clash = taken.has(row.check_in_code) || seen.has(row.check_in_code);
        seen.add(row.check_in_code);
        return clash;
      });
    }
  }
}
