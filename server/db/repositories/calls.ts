import type { Knex } from 'knex';
import type { CallEndReason, CallRecord, CallStatus, Party } from '../../contract/model';
import { decodeKey, encodeCursor, type Page } from '../../util/paging';

interface CallRow {
  id: string;
  caller_id: number | null;
  callee_id: number | null;
  guest_invite_id: number | null;
  guest_side: 'caller' | 'callee' | null;
  status: CallStatus;
  end_reason: CallEndReason | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_s: number | null;
  caller_name?: string | null;
  callee_name?: string | null;
  guest_label?: string | null;
}

const toRecord = (row: CallRow): CallRecord => {
  const side = (which: 'caller' | 'callee') =>
    row.guest_side === which
      ? { id: null, name: row.guest_label ?? 'guest', guest: true }
      : { id: which === 'caller' ? row.caller_id : row.callee_id, name: (which === 'caller' ? row.caller_name : row.callee_name) ?? '' };
  return {
    id: row.id,
    caller: side('caller'),
    callee: side('callee'),
    status: row.status,
    endReason: row.end_reason,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    durationS: row.duration_s,
  };
};

const userIdOf = (p: Party) => (p.kind === 'user' ? p.id : p.memberId);

export function createCallsRepo(knex: Knex, read: Knex = knex) {
  const withNames = () =>
    read('calls')
      .leftJoin('users as caller', 'caller.id', 'calls.caller_id')
      .leftJoin('users as callee', 'callee.id', 'calls.callee_id')
      .leftJoin('guest_invites', 'guest_invites.id', 'calls.guest_invite_id')
      .select('calls.*', 'caller.name as caller_name', 'callee.name as callee_name', 'guest_invites.label as guest_label');

  return {
    async insert(call: { id: string; caller: Party; callee: Party; startedAt: string; checkinId: number | null }): Promise<void> {
      const guest = call.caller.kind === 'guest' ? call.caller : call.callee.kind === 'guest' ? call.callee : null;
      await knex('calls').insert({
        id: call.id,
        // A guest's side records the member it belongs to in the other column only; its own stays null.
        caller_id: call.caller.kind === 'user' ? call.caller.id : null,
        callee_id: call.callee.kind === 'user' ? call.callee.id : null,
        guest_invite_id: guest?.inviteId ?? null,
        guest_side: call.caller.kind === 'guest' ? 'caller' : call.callee.kind === 'guest' ? 'callee' : null,
        status: 'ringing',
        checkin_id: call.checkinId,
        started_at: call.startedAt,
      });
    },
    async answered(id: string, at: string): Promise<void> {
      await knex('calls').where({ id, status: 'ringing' }).update({ status: 'active', answered_at: at });
    },
    /** Ends a call once; returns false if it had already ended. */
    async ended(id: string, reason: CallEndReason, at: string): Promise<boolean> {
      const row = await knex('calls').where({ id }).first('answered_at', 'status');
      if (!row || row.status === 'ended') return false;
      const durationS = row.answered_at ? Math.max(0, Math.round((Date.parse(at) - Date.parse(row.answered_at)) / 1000)) : null;
      const changed = await knex('calls').where({ id }).whereNot('status', 'ended').update({ status: 'ended', end_reason: reason, ended_at: at, duration_s: durationS });
      return changed > 0;
    },
    async find(id: string): Promise<CallRecord | null> {
      const row: CallRow | undefined = await withNames().where('calls.id', id).first();
      return row ? toRecord(row) : null;
    },
    /**
     * One page of the calls where any of these users is a party (a guest's calls count for its member),
     * newest first; `'all'` for every call (the admin).
     */
    async forUsers(userIds: number[] | 'all', opts: { limit: number; cursor?: string }): Promise<Page<CallRecord>> {
      if (userIds !== 'all' && userIds.length === 0) return { items: [], nextCursor: null };
      const query = withNames();
      if (userIds !== 'all') query.where((q) => q.whereIn('calls.caller_id', userIds).orWhereIn('calls.callee_id', userIds));
      const after = decodeKey<[string, string]>(opts.cursor, ['string', 'string']);
      if (after) query.where((q) => q.where('calls.started_at', '<', after[0]).orWhere((q2) => q2.where('calls.started_at', after[0]).andWhere('calls.id', '<', after[1])));
      const rows: CallRow[] = await query.orderBy([{ column: 'calls.started_at', order: 'desc' }, { column: 'calls.id', order: 'desc' }]).limit(opts.limit + 1);
      const items = rows.slice(0, opts.limit).map(toRecord);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor([last.startedAt, last.id]) : null };
    },
    /** Ringing calls started before `before` (their timers may have died with a process). */
    async staleRinging(before: string): Promise<string[]> {
      const rows: Array<{ id: string }> = await knex('calls').where({ status: 'ringing' }).where('started_at', '<', before).select('id');
      return rows.map((r) => r.id);
    },
    userIdOf,
  };
}

export type CallsRepo = ReturnType<typeof createCallsRepo>;
