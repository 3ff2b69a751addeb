import type { Knex } from 'knex';
import type { BranchStint, Report } from '../../contract/memberLife';
import type { User } from '../../contract/model';
import type { Clock, Tx } from '../../domain/ports';
import { decodeKey, encodeCursor, type Page } from '../../util/paging';
import { within } from '../tx';
import { toUser } from './users';

interface ReportRow {
  id: number;
  location: string;
  mobile: number | boolean;
  note: string | null;
  at: string;
}

const toReport = (r: ReportRow): Report => ({ id: r.id, location: r.location, mobile: Boolean(r.mobile), note: r.note, at: r.at });

/** A member's branch from a dues period on (the first stint has no start: it covers everything before). */
export interface StintStart {
  userId: number;
  branchId: number;
  fromPeriod: string | null;
}

/** Signs of life, reports home, the branch history and a member's moves between branches. */
export function createMemberLifeRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    /** Records a sign of life for many members at once (one statement); never moves the time backwards. */
    async touch(userIds: number[], at: string, tx?: Tx): Promise<void> {
      for (let i = 0; i < userIds.length; i += 500) {
        await within(tx, knex)('users')
          .whereIn('id', userIds.slice(i, i + 500))
          .andWhere((w) => w.whereNull('last_seen_at').orWhere('last_seen_at', '<', at))
          .update({ last_seen_at: at });
      }
    },
    async insertReport(tx: Tx, userId: number, report: { location: string; mobile: boolean; note: string | null }): Promise<Report> {
      const at = now();
      const [row] = await within(tx, knex)('member_reports').insert({ user_id: userId, location: report.location, mobile: report.mobile, note: report.note, at }).returning(['id', 'location', 'mobile', 'note', 'at']);
      return toReport(row);
    },
    async reportsOf(userId: number, limit = 50): Promise<Report[]> {
      const rows: ReportRow[] = await read('member_reports').where({ user_id: userId }).orderBy('id', 'desc').limit(limit).select('id', 'location', 'mobile', 'note', 'at');
      return rows.map(toReport);
    },
    /**
     * Active members of these branches silent since before `cutoff` (never seen: since their account was
     * made), most silent first, leaving out `excludeIds`.
     */
    async silentSince(branchIds: number[], cutoff: string, opts: { excludeIds: number[]; limit: number; cursor?: string }): Promise<Page<{ user: User; silentSince: string }>> {
      if (branchIds.length === 0) return { items: [], nextCursor: null };
      const since = knex.raw('coalesce(last_seen_at, created_at)');
      const query = read('users')
        .whereIn('branch_id', branchIds)
        .andWhere('active', true)
        .andWhere(since, '<', cutoff)
        .select('*', read.raw('coalesce(last_seen_at, created_at) as silent_since'))
        .orderByRaw('coalesce(last_seen_at, created_at), id')
        .limit(opts.limit + 1);
      if (opts.excludeIds.length > 0) query.whereNotIn('id', opts.excludeIds);
      const after = decodeKey<[string, number]>(opts.cursor, ['string', 'int']);
      if (after) query.where((w) => w.where(since, '>', after[0]).orWhere((w2) => w2.where(since, '=', after[0]).andWhere('id', '>', after[1])));
      const rows = (await query) as Array<Parameters<typeof toUser>[0] & { silent_since: string }>;
      const items = rows.slice(0, opts.limit).map((r) => ({ user: toUser(r), silentSince: r.silent_since }));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor([last.silentSince, last.user.id]) : null };
    },
    async setInTransit(tx: Tx, userId: number, inTransit: boolean): Promise<void> {
      await within(tx, knex)('users').where({ id: userId }).update({ in_transit: inTransit });
    },
    /**
     * Moves a member's home branch: closes their current stint (writing the first one, from when the account
     * was made, if they never moved before) and opens one at the new branch, owed dues from `fromPeriod`.
     */
    async moveBranch(tx: Tx, move: { userId: number; toBranchId: number; fromPeriod: string; transferId: number }): Promise<void> {
      const db = within(tx, knex);
      const at = now();
      const user: { branch_id: number; created_at: string } = await db('users').where({ id: move.userId }).first('branch_id', 'created_at');
      const open = await db('branch_history').where({ user_id: move.userId }).whereNull('to_at').first('id');
      if (open) await db('branch_history').where({ id: open.id }).update({ to_at: at });
      else await db('branch_history').insert({ user_id: move.userId, branch_id: user.branch_id, from_at: user.created_at, to_at: at, from_period: null });
      await db('branch_history').insert({ user_id: move.userId, branch_id: move.toBranchId, from_at: at, to_at: null, from_period: move.fromPeriod, transfer_id: move.transferId });
      await db('users').where({ id: move.userId }).update({ branch_id: move.toBranchId, in_transit: false });
    },
    /** The member's branches over time, oldest first; empty if they never moved. */
    async stintsOf(userId: number): Promise<Array<Omit<BranchStint, 'name'>>> {
      const rows: Array<{ branch_id: number; from_at: string; to_at: string | null }> = await read('branch_history').where({ user_id: userId }).orderBy('id').select('branch_id', 'from_at', 'to_at');
      return rows.map((r) => ({ branchId: r.branch_id, from: r.from_at, to: r.to_at }));
    },
    /** Every stint start of every member who moved (a small table: rows only for moves), for dues. */
    async allStintStarts(): Promise<StintStart[]> {
      const rows: Array<{ user_id: number; branch_id: number; from_period: string | null }> = await read('branch_history').orderBy('id').select('user_id', 'branch_id', 'from_period');
      return rows.map((r) => ({ userId: r.user_id, branchId: r.branch_id, fromPeriod: r.from_period }));
    },
    /** Members who ever belonged to one of these branches through a move (arrears of earlier periods). */
    async movedThrough(branchIds: number[]): Promise<number[]> {
      if (branchIds.length === 0) return [];
      const rows: Array<{ user_id: number }> = await read('branch_history').whereIn('branch_id', branchIds).distinct('user_id');
      return rows.map((r) => r.user_id);
    },
    async createdAt(userId: number): Promise<string | null> {
      const row = await read('users').where({ id: userId }).first('created_at');
      return row?.created_at ?? null;
    },
  };
}

export type MemberLifeRepo = ReturnType<typeof createMemberLifeRepo>;
