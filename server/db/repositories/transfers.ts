import type { Knex } from 'knex';
import type { Transfer, TransferAction, TransferStatus, TransferStep } from '../../contract/memberLife';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface TransferRow {
  id: number;
  member_id: number;
  member_name: string;
  from_branch_id: number;
  to_branch_id: number;
  reason: string;
  destination: string | null;
  status: string;
  requested_by: number;
  requested_by_name: string;
  created_at: string;
  completed_at: string | null;
}

export interface NewTransfer {
  memberId: number;
  fromBranchId: number;
  toBranchId: number;
  reason: string;
  destination: string | null;
  requestedBy: number;
}

export interface TransferFilter {
  status?: TransferStatus[];
  /** Transfers of these members… */
  memberOrRequester?: number;
  /** …or whose sending or receiving branch is one of these (null: every branch). */
  branchIds?: number[] | null;
  beforeId?: number;
  limit: number;
}

/** Relationship transfers and their steps (each step is a row: who, when, why). */
export function createTransfersRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  const base = (db: Knex) =>
    db('transfers as t')
      .join('users as m', 'm.id', 't.member_id')
      .join('users as r', 'r.id', 't.requested_by')
      .select('t.*', 'm.name as member_name', 'r.name as requested_by_name');

  async function withSteps(db: Knex, rows: TransferRow[]): Promise<Transfer[]> {
    if (rows.length === 0) return [];
    const steps: Array<{ transfer_id: number; action: string; by_id: number; by_name: string; at: string; note: string | null }> = await db('transfer_steps as s')
      .join('users as u', 'u.id', 's.by_id')
      .whereIn('s.transfer_id', rows.map((r) => r.id))
      .orderBy('s.id')
      .select('s.transfer_id', 's.action', 's.by_id', 'u.name as by_name', 's.at', 's.note');
    const byTransfer = new Map<number, TransferStep[]>();
    for (const s of steps) {
      const list = byTransfer.get(s.transfer_id) ?? [];
      list.push({ action: s.action as TransferAction, by: { id: s.by_id, name: s.by_name }, at: s.at, note: s.note });
      byTransfer.set(s.transfer_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      member: { id: r.member_id, name: r.member_name },
      fromBranchId: r.from_branch_id,
      toBranchId: r.to_branch_id,
      reason: r.reason,
      destination: r.destination,
      status: r.status as TransferStatus,
      steps: byTransfer.get(r.id) ?? [],
      requestedBy: { id: r.requested_by, name: r.requested_by_name },
      createdAt: r.created_at,
      completedAt: r.completed_at,
    }));
  }

  return {
    /** Inserts a pending transfer and its `requested` step; the unique index refuses a second pending one. */
    async insert(tx: Tx, t: NewTransfer, note: string | null): Promise<number> {
      const db = within(tx, knex);
      const at = now();
      const [row] = await db('transfers')
        .insert({ member_id: t.memberId, from_branch_id: t.fromBranchId, to_branch_id: t.toBranchId, reason: t.reason, destination: t.destination, status: 'pending_out', requested_by: t.requestedBy, created_at: at })
        .returning('id');
      const id = typeof row === 'object' ? row.id : row;
      await db('transfer_steps').insert({ transfer_id: id, action: 'requested', by_id: t.requestedBy, at, note });
      return id;
    },
    async find(id: number, tx?: Tx): Promise<Transfer | null> {
      const db = within(tx, read);
      const row: TransferRow | undefined = await base(db).where('t.id', id).first();
      return row ? (await withSteps(db, [row]))[0] : null;
    },
    /**
     * Moves a transfer from `from` to `to` and records the step, only if it is still in `from`: of two
     * racing decisions on one step exactly one changes the row; the other gets false.
     */
    async advance(tx: Tx, id: number, from: TransferStatus, to: TransferStatus, step: { action: TransferAction; by: number; note: string | null }): Promise<boolean> {
      const db = within(tx, knex);
      const at = now();
      const changed = await db('transfers').where({ id, status: from }).update({ status: to, ...(to === 'completed' ? { completed_at: at } : {}) });
      if (changed === 0) return false;
      await db('transfer_steps').insert({ transfer_id: id, action: step.action, by_id: step.by, at, note: step.note });
      return true;
    },
    async list(filter: TransferFilter): Promise<Transfer[]> {
      const query = base(read).orderBy('t.id', 'desc').limit(filter.limit);
      if (filter.status) query.whereIn('t.status', filter.status);
      if (filter.beforeId !== undefined) query.where('t.id', '<', filter.beforeId);
      if (filter.branchIds !== null) {
        const branches = filter.branchIds ?? [];
        query.where((w) => {
          if (filter.memberOrRequester !== undefined) w.orWhere('t.member_id', filter.memberOrRequester).orWhere('t.requested_by', filter.memberOrRequester);
          if (branches.length > 0) w.orWhereIn('t.from_branch_id', branches).orWhereIn('t.to_branch_id', branches);
          if (filter.memberOrRequester === undefined && branches.length === 0) w.whereRaw('1 = 0');
        });
      }
      return withSteps(read, await query);
    },
    /** The member's pending transfer, if any (at most one: a unique index holds it). */
    async pendingOf(memberId: number, tx?: Tx): Promise<{ id: number; status: TransferStatus } | null> {
      const row = await within(tx, read)('transfers').where({ member_id: memberId }).whereIn('status', ['pending_out', 'pending_in']).first('id', 'status');
      return row ? { id: row.id, status: row.status as TransferStatus } : null;
    },
    /** Every transfer of one member, oldest first (the activity card). */
    async ofMember(memberId: number): Promise<Transfer[]> {
      return withSteps(read, await base(read).where('t.member_id', memberId).orderBy('t.id').limit(100));
    },
  };
}

export type TransfersRepo = ReturnType<typeof createTransfersRepo>;
