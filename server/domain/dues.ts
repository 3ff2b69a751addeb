import type { DuesRepo, RateRow } from '../db/repositories/dues';
import { GroupCommit } from '../util/groupCommit';
import { toPayment } from '../db/repositories/dues';
import type { UsersRepo } from '../db/repositories/users';
import { forbidden, invalid, notFound } from '../errors';
import { periodOf } from './duesSchedule';
import type { OrgDirectory } from './orgDirectory';
import type { OrgTree } from './orgTree';
import type { Actor, User } from './types';

export interface Rate {
  monthlyAmount: number;
  currency: string;
  effectiveFrom: string;
  /** A member's own rate, or their unit's default. */
  source: 'member' | 'unit';
}

/** Resolves what a member owes for a period: their own rate, else the nearest unit default above them. */
export class RateBook {
  private readonly byUser = new Map<number, RateRow[]>();
  private readonly byOrg = new Map<number, RateRow[]>();

  constructor(rows: RateRow[], private readonly tree: OrgTree) {
    for (const row of rows) {
      const map = row.user_id !== null ? this.byUser : this.byOrg;
      const key = (row.user_id ?? row.org_id)!;
      map.set(key, [...(map.get(key) ?? []), row]);
    }
  }

  private static latest(rows: RateRow[] | undefined, period: string): RateRow | null {
    let best: RateRow | null = null;
    for (const row of rows ?? []) {
      if (row.effective_from > period) continue;
      if (!best || row.effective_from > best.effective_from || (row.effective_from === best.effective_from && row.id > best.id)) best = row;
    }
    return best;
  }

  rateFor(user: Pick<User, 'id' | 'branchId'>, period: string): Rate | null {
    const own = RateBook.latest(this.byUser.get(user.id), period);
    if (own) return { monthlyAmount: own.monthly_amount, currency: own.currency, effectiveFrom: own.effective_from, source: 'member' };
    if (user.branchId === null) return null;
    for (const org of this.tree.lineage(user.branchId)) {
      const unit = RateBook.latest(this.byOrg.get(org.id), period);
      if (unit) return { monthlyAmount: unit.monthly_amount, currency: unit.currency, effectiveFrom: unit.effective_from, source: 'unit' };
    }
    return null;
  }

  /** The first period any rate applies to this member. */
  firstPeriod(user: Pick<User, 'id' | 'branchId'>): string | null {
    const rows = [...(this.byUser.get(user.id) ?? [])];
    if (user.branchId !== null) for (const org of this.tree.lineage(user.branchId)) rows.push(...(this.byOrg.get(org.id) ?? []));
    return rows.length === 0 ? null : rows.map((r) => r.effective_from).sort()[0];
  }
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
export const isPeriod = (p: string) => PERIOD.test(p);

function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
    if (out.length > 240) break; // twenty years is plenty for one screen
  }
  return out;
}

export interface Arrear {
  user: Pick<User, 'id' | 'name' | 'email' | 'branchId' | 'timezone'>;
  period: string;
  amountDue: number;
  currency: string;
}

/** The dues ledger: rates, immutable payments and corrections, and what is owed. */
export function createDuesService(deps: { dues: DuesRepo; users: UsersRepo; directory: OrgDirectory; now?: () => number }) {
  const { dues, users, directory } = deps;
  const now = deps.now ?? (() => Date.now());
  // Rates change rarely and a reminder run reads them for every member: keep the book a few seconds.
  let cached: { at: number; book: Promise<RateBook> } | null = null;
  const book = () => {
    if (!cached || Date.now() - cached.at > 3000) cached = { at: Date.now(), book: (async () => new RateBook(await dues.allRates(), await directory.current()))() };
    return cached.book;
  };
  const forget = () => (cached = null);

  async function managedMember(actor: Actor, userId: number): Promise<User> {
    const user = await users.findById(userId);
    if (!user || !user.active) throw notFound('member');
    const tree = await directory.current();
    if (actor.role !== 'admin' && (user.branchId === null || !tree.organizesOver(actor.id, user.branchId))) throw forbidden('only an organizer over this member manages their dues');
    return user;
  }

  /**
   * Members under a unit (or the whole district) who still owe for a period, with the amount. Computed in
   * memory from one rates query and one payments query per chunk, so 100,000 members take seconds.
   */
  async function unpaid(period: string, orgId?: number): Promise<Arrear[]> {
    const tree = await directory.current();
    const roots = orgId !== undefined ? [orgId] : tree.roots();
    const branches = [...new Set(roots.flatMap((id) => tree.branchesUnder(id)))];
    const rates = new RateBook(await dues.allRates(), tree);
    const members = await users.listActiveInBranches(branches);
    const paid = await dues.paidInPeriod(period);
    const out: Arrear[] = [];
    for (const user of members) {
      const rate = rates.rateFor(user, period);
      if (!rate || rate.monthlyAmount <= 0) continue;
      const due = rate.monthlyAmount - (paid.get(user.id) ?? 0);
      if (due > 0) out.push({ user: { id: user.id, name: user.name, email: user.email, branchId: user.branchId, timezone: user.timezone }, period, amountDue: due, currency: rate.currency });
    }
    return out;
  }

  const owedBatch = new GroupCommit<{ userId: number; period: string }, { amountDue: number; currency: string } | null>(async (asks) => {
    const rates = await book();
    const found = new Map((await users.findActiveByIds([...new Set(asks.map((a) => a.userId))])).map((u) => [u.id, u]));
    const paidByPeriod = new Map<string, Map<number, number>>();
    for (const period of new Set(asks.map((a) => a.period))) {
      paidByPeriod.set(period, await dues.paidInPeriod(period, asks.filter((a) => a.period === period).map((a) => a.userId)));
    }
    return asks.map(({ userId, period }) => {
      const user = found.get(userId);
      const rate = user ? rates.rateFor(user, period) : null;
      if (!rate || rate.monthlyAmount <= 0) return null;
      const paid = paidByPeriod.get(period)?.get(userId) ?? 0;
      return paid < rate.monthlyAmount ? { amountDue: rate.monthlyAmount - paid, currency: rate.currency } : null;
    });
  });

  return {
    unpaid,

    /**
     * What one member still owes for a period, or null if nothing. Concurrent calls (a worker running
     * a hundred reminder jobs at once) are answered together: two queries for the whole batch.
     */
    unpaidOf: (userId: number, period: string) => owedBatch.submit({ userId, period }),

    /** Members already reminded at this stage of the period. */
    remindedIn: (period: string, stage: 'first' | 'second') => deps.dues.remindedUserIds(period, stage),

    async setRate(actor: Actor, userId: number, input: { monthlyAmount: number; currency?: string; effectiveFrom?: string }) {
      const user = await managedMember(actor, userId);
      const effectiveFrom = input.effectiveFrom ?? periodOf(now(), user.timezone);
      forget();
      const row = await dues.addRate({ user_id: user.id, org_id: null, monthly_amount: input.monthlyAmount, currency: input.currency ?? 'CNY', effective_from: effectiveFrom, set_by: actor.id });
      return { userId: user.id, monthlyAmount: row.monthly_amount, currency: row.currency, effectiveFrom: row.effective_from, source: 'member' as const };
    },

    async setUnitRate(actor: Actor, orgId: number, input: { monthlyAmount: number; currency?: string; effectiveFrom?: string }) {
      const tree = await directory.current();
      if (!tree.get(orgId)) throw notFound('org');
      if (!tree.canManage(actor, orgId)) throw forbidden('only an organizer over this unit sets its default dues');
      const effectiveFrom = input.effectiveFrom ?? periodOf(now(), 'Asia/Shanghai');
      forget();
      const row = await dues.addRate({ user_id: null, org_id: orgId, monthly_amount: input.monthlyAmount, currency: input.currency ?? 'CNY', effective_from: effectiveFrom, set_by: actor.id });
      return { orgId, monthlyAmount: row.monthly_amount, currency: row.currency, effectiveFrom: row.effective_from, source: 'unit' as const };
    },

    /** A member's ledger as seen by the member themself, an organizer over them, or the admin. */
    async ledgerFor(actor: Actor, userId: number) {
      const user = await users.findById(userId);
      if (!user) throw notFound('member');
      if (!(await directory.current()).canSeeMember(actor, user)) throw forbidden('only the member, their organizers and the admin see these dues');
      return this.ledger(userId);
    },

    /** A member's dues month by month, in their own time zone's calendar. */
    async ledger(userId: number) {
      const user = await users.findById(userId);
      if (!user) throw notFound('member');
      const rates = await book();
      const current = periodOf(now(), user.timezone);
      const first = rates.firstPeriod(user);
      const payments = await dues.paymentsOf(user.id);
      const paidBy = new Map<string, number>();
      for (const p of payments) paidBy.set(p.period, (paidBy.get(p.period) ?? 0) + p.amount);
      const periods = first === null || first > current ? [] : periodsBetween(first, current).reverse();
      const rows = periods.flatMap((period) => {
        const rate = rates.rateFor(user, period);
        if (!rate) return [];
        const paid = paidBy.get(period) ?? 0;
        const status = paid >= rate.monthlyAmount ? 'paid' : period < current ? 'overdue' : 'due';
        return [{ period, amount: rate.monthlyAmount, currency: rate.currency, paid, status }];
      });
      return {
        rate: rates.rateFor(user, current),
        periods: rows,
        balanceDue: rows.reduce((sum, r) => sum + Math.max(0, r.amount - r.paid), 0),
        payments: payments.map(toPayment),
      };
    },

    /** A member records their own payment; the same reference twice records one payment. */
    async pay(actor: Actor, input: { period: string; amount: number; reference: string; currency?: string }) {
      if (actor.role === 'admin' && actor.branchId === null) throw forbidden('the admin has no dues');
      const user = await users.findById(actor.id);
      if (input.period > periodOf(now(), user?.timezone ?? 'Asia/Shanghai')) throw invalid('cannot pay for a future month yet');
      const { payment } = await dues.addPayment({ user_id: actor.id, period: input.period, amount: input.amount, currency: input.currency ?? 'CNY', reference: input.reference, kind: 'payment', note: null, recorded_by: actor.id });
      return toPayment(payment);
    },

    /** An organizer's correction: a new ledger entry (negative or positive), never an edit. */
    async correct(actor: Actor, input: { userId: number; period: string; amount: number; note: string; reference?: string }) {
      const user = await managedMember(actor, input.userId);
      const { payment } = await dues.addPayment({
        user_id: user.id,
        period: input.period,
        amount: input.amount,
        currency: 'CNY',
        reference: input.reference ?? `correction-${Date.now()}-${actor.id}`,
        kind: 'correction',
        note: input.note,
        recorded_by: actor.id,
      });
      return toPayment(payment);
    },

    async arrears(actor: Actor, orgId: number, period: string): Promise<Arrear[]> {
      const tree = await directory.current();
      if (!tree.get(orgId)) throw notFound('org');
      if (!tree.canManage(actor, orgId)) throw forbidden('only organizers over this unit see its arrears');
      return unpaid(period, orgId);
    },

    /** Who may run a reminder stage by hand: the admin anywhere; an organizer for a unit under them. */
    async assertMayRun(actor: Actor, orgId: number | undefined): Promise<void> {
      if (actor.role === 'admin') return;
      if (orgId === undefined) throw forbidden('only the admin runs reminders for the whole district');
      const tree = await directory.current();
      if (!tree.get(orgId)) throw notFound('org');
      if (!tree.canManage(actor, orgId)) throw forbidden('only organizers over this unit run its reminders');
    },

    /** The reminder queue's state is the admin's alone. */
    assertMaySeeQueue(actor: Actor): void {
      if (actor.role !== 'admin') throw forbidden('only the admin sees the reminder queue');
    },
  };
}

export type DuesService = ReturnType<typeof createDuesService>;
