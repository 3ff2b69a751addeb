import type { LedgerEntry, Payment } from '../../contract/model';
import type { Knex } from 'knex';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

/** One rate change: a member's own (userId) or a unit's default (orgId), from a period on. */
export interface RateEntry {
  id: number;
  userId: number | null;
  orgId: number | null;
  monthlyAmount: number;
  currency: string;
  effectiveFrom: string;
  setBy: number;
  createdAt: string;
}

interface RateRow {
  id: number;
  user_id: number | null;
  org_id: number | null;
  monthly_amount: number;
  currency: string;
  effective_from: string;
  set_by: number;
  created_at: string;
}

interface PaymentRow {
  id: number;
  user_id: number;
  period: string;
  amount: number;
  currency: string;
  reference: string | null;
  kind: 'payment' | 'correction';
  note: string | null;
  recorded_by: number;
  created_at: string;
}

const toRate = (r: RateRow): RateEntry => ({
  id: r.id, userId: r.user_id, orgId: r.org_id, monthlyAmount: r.monthly_amount, currency: r.currency, effectiveFrom: r.effective_from, setBy: r.set_by, createdAt: r.created_at,
});

const toPayment = (r: PaymentRow): Payment => ({
  id: r.id, userId: r.user_id, period: r.period, amount: r.amount, currency: r.currency, reference: r.reference, kind: r.kind, note: r.note, recordedBy: r.recorded_by, createdAt: r.created_at,
});

export function createDuesRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    async addRate(rate: Omit<RateEntry, 'id' | 'createdAt'>, tx?: Tx): Promise<RateEntry> {
      const [saved]: RateRow[] = await within(tx, knex)('dues_rates')
        .insert({ user_id: rate.userId, org_id: rate.orgId, monthly_amount: rate.monthlyAmount, currency: rate.currency, effective_from: rate.effectiveFrom, set_by: rate.setBy, created_at: now() })
        .returning('*');
      return toRate(saved);
    },
    /** Every rate row (a small table: one row per change), for resolving amounts in memory. */
    async allRates(): Promise<RateEntry[]> {
      return ((await read('dues_rates').orderBy('id')) as RateRow[]).map(toRate);
    },

    /** Records a payment once per (member, reference); returns the stored entry either way. */
    async addPayment(entry: Omit<Payment, 'id' | 'createdAt'>, tx?: Tx): Promise<{ payment: Payment; created: boolean }> {
      const db = within(tx, knex);
      const inserted: PaymentRow[] = await db('dues_payments')
        .insert({
          user_id: entry.userId, period: entry.period, amount: entry.amount, currency: entry.currency, reference: entry.reference,
          kind: entry.kind, note: entry.note, recorded_by: entry.recordedBy, created_at: now(),
        })
        .onConflict(['user_id', 'reference'])
        .ignore()
        .returning('*');
      if (inserted.length > 0) return { payment: toPayment(inserted[0]), created: true };
      return { payment: toPayment(await db('dues_payments').where({ user_id: entry.userId, reference: entry.reference }).first()), created: false };
    },
    /** Members already reminded for this period and stage (the send records). */
    async remindedUserIds(period: string, stage: string): Promise<Set<number>> {
      const rows = (await read('dues_reminders_sent').where({ period, stage }).select('user_id')) as Array<{ user_id: number }>;
      return new Set(rows.map((r) => r.user_id));
    },
    /** A member's ledger entries, newest first, `limit` of them before the entry `beforeId`. */
    async paymentsOf(userId: number, opts: { limit: number; beforeId?: number }): Promise<LedgerEntry[]> {
      const query = read('dues_payments as p')
        .join('users as u', 'u.id', 'p.recorded_by')
        .where('p.user_id', userId)
        .orderBy('p.id', 'desc')
        .limit(opts.limit)
        .select('p.*', 'u.name as recorded_by_name');
      if (opts.beforeId !== undefined) query.where('p.id', '<', opts.beforeId);
      return ((await query) as Array<PaymentRow & { recorded_by_name: string }>).map((r) => ({ ...toPayment(r), recordedByName: r.recorded_by_name }));
    },
    /** What a member paid per period (payments and corrections), summed in the database. */
    async paidByPeriodOf(userId: number): Promise<Map<string, number>> {
      const rows = (await read('dues_payments').where({ user_id: userId }).groupBy('period').select('period').sum({ paid: 'amount' })) as unknown as Array<{ period: string; paid: string | number }>;
      return new Map(rows.map((r) => [r.period, Number(r.paid)]));
    },
    /** Sum paid per member for one period (payments and corrections). */
    async paidInPeriod(period: string, userIds?: number[]): Promise<Map<number, number>> {
      const query = read('dues_payments').where({ period }).groupBy('user_id').select('user_id').sum({ paid: 'amount' });
      if (userIds) query.whereIn('user_id', userIds);
      const rows = (await query) as unknown as Array<{ user_id: number; paid: string | number }>;
      return new Map(rows.map((r) => [r.user_id, Number(r.paid)]));
    },
  };
}

export type { LedgerEntry, Payment };
export type DuesRepo = ReturnType<typeof createDuesRepo>;
