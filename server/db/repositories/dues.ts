import type { Knex } from 'knex';

export interface RateRow {
  id: number;
  user_id: number | null;
  org_id: number | null;
  monthly_amount: number;
  currency: string;
  effective_from: string;
  created_at: string;
}

export interface PaymentRow {
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

export const toPayment = (row: PaymentRow) => ({
  id: row.id,
  userId: row.user_id,
  period: row.period,
  amount: row.amount,
  currency: row.currency,
  reference: row.reference,
  kind: row.kind,
  note: row.note,
  recordedBy: row.recorded_by,
  createdAt: row.created_at,
});

export function createDuesRepo(knex: Knex, read: Knex = knex) {
  return {
    async addRate(row: Omit<RateRow, 'id' | 'created_at'> & { set_by: number }): Promise<RateRow> {
      const [saved] = await knex('dues_rates').insert({ ...row, created_at: new Date().toISOString() }).returning('*');
      return saved;
    },
    /** Every rate row (a small table: one row per change), for resolving amounts in memory. */
    allRates: (): Promise<RateRow[]> => read('dues_rates').orderBy('id'),
    ratesOfUser: (userId: number): Promise<RateRow[]> => read('dues_rates').where({ user_id: userId }).orderBy('id'),
    ratesOfOrgs: (orgIds: number[]): Promise<RateRow[]> => read('dues_rates').whereIn('org_id', orgIds).orderBy('id'),

    /** Records a payment once per (member, reference); returns the stored row either way. */
    async addPayment(row: Omit<PaymentRow, 'id' | 'created_at'>): Promise<{ payment: PaymentRow; created: boolean }> {
      const inserted: PaymentRow[] = await knex('dues_payments')
        .insert({ ...row, created_at: new Date().toISOString() })
        .onConflict(['user_id', 'reference'])
        .ignore()
        .returning('*');
      if (inserted.length > 0) return { payment: inserted[0], created: true };
      return { payment: await knex('dues_payments').where({ user_id: row.user_id, reference: row.reference }).first(), created: false };
    },
    /** Members already reminded for this period and stage (the send records). */
    async remindedUserIds(period: string, stage: string): Promise<Set<number>> {
      const rows = (await read('dues_reminders_sent').where({ period, stage }).select('user_id')) as Array<{ user_id: number }>;
      return new Set(rows.map((r) => r.user_id));
    },
    paymentsOf: (userId: number): Promise<PaymentRow[]> => read('dues_payments').where({ user_id: userId }).orderBy('id'),
    /** Sum paid per member for one period (payments and corrections). */
    async paidInPeriod(period: string, userIds?: number[], db: Knex = read): Promise<Map<number, number>> {
      const query = db('dues_payments').where({ period }).groupBy('user_id').select('user_id').sum({ paid: 'amount' });
      if (userIds) query.whereIn('user_id', userIds);
      const rows = (await query) as unknown as Array<{ user_id: number; paid: string | number }>;
      return new Map(rows.map((r) => [r.user_id, Number(r.paid)]));
    },
  };
}

export type DuesRepo = ReturnType<typeof createDuesRepo>;
