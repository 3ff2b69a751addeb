import type { Actor, User } from '../contract/model';
import { periodOf, periodsBetween } from '../contract/time';
import type { DuesRepo, RateEntry } from '../db/repositories/dues';
import type { StintStart } from '../db/repositories/memberLife';
import type { UsersRepo } from '../db/repositories/users';
import { invalid, notFound, rateLimited } from '../errors';
import { GroupCommit } from '../util/groupCommit';
import type { OrgDirectory } from './orgDirectory';
import type { OrgTree } from './orgTree';
import type { Clock, RateLimiter } from './ports';
import { auditEntry, type AuditTrail } from './audit';
import type { UnitOfWork } from './unitOfWork';

export interface Rate {
  monthlyAmount: number;
  currency: string;
  effectiveFrom: string;
  /** A member's own rate, or their unit's default. */
  source: 'member' | 'unit';
}

/** The branch history the dues need: where each member who moved belonged from which period on. */
export interface StintSource {
  allStintStarts(): Promise<StintStart[]>;
  movedThrough(branchIds: number[]): Promise<number[]>;
}

/**
 * Resolves what a member owes for a period: their own rate, else the nearest unit default above the branch
 * they belonged to in that period. A member who moved owes the periods before the move's month to the old
 * branch (at its rates) and the later ones to the new branch: history is never rewritten.
 */
export class RateBook {
  private readonly byUser = new Map<number, RateEntry[]>();
  private readonly byOrg = new Map<number, RateEntry[]>();
  private readonly stints = new Map<number, StintStart[]>();

  constructor(entries: RateEntry[], private readonly tree: OrgTree, stints: StintStart[] = []) {
    for (const entry of entries) {
      const map = entry.userId !== null ? this.byUser : this.byOrg;
      const key = (entry.userId ?? entry.orgId)!;
      map.set(key, [...(map.get(key) ?? []), entry]);
    }
    for (const stint of stints) this.stints.set(stint.userId, [...(this.stints.get(stint.userId) ?? []), stint]);
  }

  /** The branch a member's dues for `period` are owed to. */
  branchAt(user: Pick<User, 'id' | 'branchId'>, period: string): number | null {
    const stints = this.stints.get(user.id);
    if (!stints) return user.branchId;
    let branch: number | null = stints[0].branchId; // the first stint covers everything before the first move
    for (const s of stints) if (s.fromPeriod === null || s.fromPeriod <= period) branch = s.branchId;
    return branch;
  }

  private static latest(entries: RateEntry[] | undefined, period: string): RateEntry | null {
    let best: RateEntry | null = null;
    for (const e of entries ?? []) {
      if (e.effectiveFrom > period) continue;
      if (!best || e.effectiveFrom > best.effectiveFrom || (e.effectiveFrom === best.effectiveFrom && e.id > best.id)) best = e;
    }
    return best;
  }

  rateFor(user: Pick<User, 'id' | 'branchId'>, period: string): Rate | null {
    const own = RateBook.latest(this.byUser.get(user.id), period);
    if (own) return { monthlyAmount: own.monthlyAmount, currency: own.currency, effectiveFrom: own.effectiveFrom, source: 'member' };
    const branchId = this.branchAt(user, period);
    if (branchId === null) return null;
    for (const org of this.tree.lineage(branchId)) {
      const unit = RateBook.latest(this.byOrg.get(org.id), period);
      if (unit) return { monthlyAmount: unit.monthlyAmount, currency: unit.currency, effectiveFrom: unit.effectiveFrom, source: 'unit' };
    }
    return null;
  }

  /** The first period any rate applies to this member. */
  firstPeriod(user: Pick<User, 'id' | 'branchId'>): string | null {
    const entries = [...(this.byUser.get(user.id) ?? [])];
    const branches = new Set([user.branchId, ...(this.stints.get(user.id) ?? []).map((s) => s.branchId)]);
    for (const branchId of branches) if (branchId !== null) for (const org of this.tree.lineage(branchId)) entries.push(...(this.byOrg.get(org.id) ?? []));
    return entries.length === 0 ? null : entries.map((e) => e.effectiveFrom).sort()[0];
  }
}

export interface Arrear {
  user: Pick<User, 'id' | 'name' | 'email' | 'branchId' | 'timezone' | 'role'>;
  period: string;
  amountDue: number;
  currency: string;
}

/** Ledger entries shown with the ledger; older ones are paged. */
const LEDGER_ENTRIES = 50;

/**
 * The dues ledger: rates, immutable payments and corrections, and what is owed.
 *
 * Periods are months. A member's ledger runs in their own zone's calendar (its current month is their
 * local month). A rate set without `effectiveFrom` starts in the current month of the district's calendar
 * (`districtTimeZone`, the zone the books are kept in), for a member's own rate and a unit's default alike,
 * whoever sets it and wherever the member lives.
 */
export function createDuesService(deps: { dues: DuesRepo; users: UsersRepo; directory: OrgDirectory; clock: Clock; districtTimeZone: string; paymentLimiter?: RateLimiter | null; uow: UnitOfWork; audit: AuditTrail; stints: StintSource; signs?: { seen(userId: number): void } }) {
  const { dues, users, directory, clock } = deps;
  const districtPeriod = () => periodOf(clock.now(), deps.districtTimeZone);
  // Rates change rarely and a reminder run reads them for every member: keep the book a few seconds.
  let cached: { at: number; book: Promise<RateBook> } | null = null;
  const book = () => {
    if (!cached || Date.now() - cached.at > 3000) cached = { at: Date.now(), book: (async () => new RateBook(await dues.allRates(), await directory.current(), await deps.stints.allStintStarts()))() };
    return cached.book;
  };
  const forget = () => (cached = null);

  async function activeMember(userId: number): Promise<User> {
    const user = await users.findById(userId);
    if (!user || !user.active) throw notFound('member');
    return user;
  }

  /**
   * Members under a unit (or the whole district) who still owe for a period, with the amount. Computed in
   * memory from one rates query and one payments query, so 100,000 members take seconds.
   */
  async function unpaid(period: string, orgId?: number): Promise<Arrear[]> {
    const tree = await directory.current();
    const roots = orgId !== undefined ? [orgId] : tree.roots();
    const branches = [...new Set(roots.flatMap((id) => tree.branchesUnder(id)))];
    const rates = new RateBook(await dues.allRates(), tree, await deps.stints.allStintStarts());
    // Members there now, and members who moved away but owe this period to a branch here.
    const current = await users.listActiveInBranches(branches);
    const known = new Set(current.map((u) => u.id));
    const moved = (await deps.stints.movedThrough(branches)).filter((id) => !known.has(id));
    const members = [...current, ...(await users.findActiveByIds(moved))];
    const here = new Set(branches);
    const paid = await dues.paidInPeriod(period);
    const out: Arrear[] = [];
    for (const user of members) {
      const branchId = rates.branchAt(user, period);
      if (branchId === null || !here.has(branchId)) continue;
      const rate = rates.rateFor(user, period);
      if (!rate || rate.monthlyAmount <= 0) continue;
      const due = rate.monthlyAmount - (paid.get(user.id) ?? 0);
      // `branchId` is the branch the period is owed to (whose arrears and escalation list it).
      if (due > 0) out.push({ user: { id: user.id, name: user.name, email: user.email, branchId, timezone: user.timezone, role: user.role }, period, amountDue: due, currency: rate.currency });
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

  /** The currency a member's dues for a period are kept in (their rate's; CNY before any rate). */
  async function currencyOf(user: User, period: string): Promise<string> {
    return (await book()).rateFor(user, period)?.currency ?? 'CNY';
  }

  return {
    unpaid,
    /** Forget the cached rate book (a member moved branch, here or on another process). */
    forget,
    /** The rate book as of a few seconds ago (figures over many members). */
    rateBook: book,

    /**
     * What one member still owes for a period, or null if nothing. Concurrent calls (a worker running
     * a hundred reminder jobs at once) are answered together: two queries for the whole batch.
     */
    unpaidOf: (userId: number, period: string) => owedBatch.submit({ userId, period }),

    /** Members already reminded at this stage of the period. */
    remindedIn: (period: string, stage: 'first' | 'second') => dues.remindedUserIds(period, stage),

    /** Sets a member's own rate (an organizer over them, or the admin; never oneself). */
    async setRate(actor: Actor, userId: number, input: { monthlyAmount: number; currency?: string; effectiveFrom?: string }) {
      const user = await activeMember(userId);
      (await directory.policy()).assert(actor, 'dues.setRate', user);
      forget();
      const rate = await deps.uow.run(async (tx) => {
        const saved = await dues.addRate({ userId: user.id, orgId: null, monthlyAmount: input.monthlyAmount, currency: input.currency ?? 'CNY', effectiveFrom: input.effectiveFrom ?? districtPeriod(), setBy: actor.id }, tx);
        await deps.audit.append(tx, [auditEntry(actor, 'dues.setRate', { type: 'user', id: user.id }, user.branchId, { after: { monthlyAmount: saved.monthlyAmount, currency: saved.currency, effectiveFrom: saved.effectiveFrom } })]);
        return saved;
      });
      return { userId: user.id, monthlyAmount: rate.monthlyAmount, currency: rate.currency, effectiveFrom: rate.effectiveFrom, source: 'member' as const };
    },

    /** Sets a unit's default rate (the admin, or an organizer above the unit whom it does not apply to). */
    async setUnitRate(actor: Actor, orgId: number, input: { monthlyAmount: number; currency?: string; effectiveFrom?: string }) {
      const policy = await directory.policy();
      if (!policy.tree.get(orgId)) throw notFound('org');
      policy.assert(actor, 'dues.setUnitRate', orgId);
      forget();
      const rate = await deps.uow.run(async (tx) => {
        const saved = await dues.addRate({ userId: null, orgId, monthlyAmount: input.monthlyAmount, currency: input.currency ?? 'CNY', effectiveFrom: input.effectiveFrom ?? districtPeriod(), setBy: actor.id }, tx);
        await deps.audit.append(tx, [auditEntry(actor, 'dues.setUnitRate', { type: 'org', id: orgId }, orgId, { after: { monthlyAmount: saved.monthlyAmount, currency: saved.currency, effectiveFrom: saved.effectiveFrom } })]);
        return saved;
      });
      return { orgId, monthlyAmount: rate.monthlyAmount, currency: rate.currency, effectiveFrom: rate.effectiveFrom, source: 'unit' as const };
    },

    /** A member's ledger as seen by the member themself, an organizer over them, or the admin. */
    async ledgerFor(actor: Actor, userId: number) {
      const user = await users.findById(userId);
      if (!user) throw notFound('member');
      (await directory.policy()).assert(actor, 'member.read', user);
      return this.ledger(userId);
    },

    /** A member's dues month by month, in their own time zone's calendar. */
    async ledger(userId: number) {
      const user = await users.findById(userId);
      if (!user) throw notFound('member');
      const rates = await book();
      const current = periodOf(clock.now(), user.timezone);
      const first = rates.firstPeriod(user);
      const [paidBy, payments] = await Promise.all([dues.paidByPeriodOf(user.id), dues.paymentsOf(user.id, { limit: LEDGER_ENTRIES })]);
      // Newest first; twenty years is plenty for one screen.
      const periods = first === null || first > current ? [] : periodsBetween(first, current).reverse().slice(0, 240);
      const rows = periods.flatMap((period) => {
        const rate = rates.rateFor(user, period);
        if (!rate) return [];
        const paid = paidBy.get(period) ?? 0;
        const status: 'paid' | 'due' | 'overdue' = paid >= rate.monthlyAmount ? 'paid' : period < current ? 'overdue' : 'due';
        return [{ period, amount: rate.monthlyAmount, currency: rate.currency, paid, status }];
      });
      return {
        rate: rates.rateFor(user, current),
        periods: rows,
        balanceDue: rows.reduce((sum, r) => sum + Math.max(0, r.amount - r.paid), 0),
        /** The latest entries; older ones page through `payments(…)`. */
        payments,
        paymentsCursor: payments.length === LEDGER_ENTRIES ? String(payments.at(-1)!.id) : null,
      };
    },

    /** A page of a member's ledger entries, newest first (the member, an organizer over them, the admin). */
    async payments(actor: Actor, userId: number, page: { limit: number; beforeId?: number }) {
      const user = await users.findById(userId);
      if (!user) throw notFound('member');
      (await directory.policy()).assert(actor, 'member.read', user);
      const list = await dues.paymentsOf(userId, page);
      return { payments: list, nextCursor: list.length === page.limit ? String(list.at(-1)!.id) : null };
    },

    /**
     * A member records their own payment; the same reference twice records one payment. The currency must
     * be the one their dues for that period are kept in.
     */
    async pay(actor: Actor, input: { period: string; amount: number; reference: string; currency?: string }) {
      if (deps.paymentLimiter && !(await deps.paymentLimiter.consume(`pay:${actor.id}`))) throw rateLimited('you are recording payments too fast; wait a minute');
      const user = await activeMember(actor.id);
      if (user.branchId === null) throw invalid('this account has no branch and owes no dues');
      if (input.period > periodOf(clock.now(), user.timezone)) throw invalid('cannot pay for a future month yet');
      const currency = input.currency ?? 'CNY';
      const expected = await currencyOf(user, input.period);
      if (currency !== expected) throw invalid(`dues for ${input.period} are paid in ${expected}, not ${currency}`);
      deps.signs?.seen(actor.id);
      return dues.addPayment({ userId: actor.id, period: input.period, amount: input.amount, currency, reference: input.reference, kind: 'payment', note: null, recordedBy: actor.id });
    },

    /**
     * A payment made in person (cash at the branch meeting), recorded by an organizer over the member, with
     * who recorded it. Without a reference one is made up; the same reference twice records one payment.
     */
    async recordPayment(actor: Actor, userId: number, input: { period: string; amount: number; reference?: string; note?: string | null }) {
      const user = await activeMember(userId);
      (await directory.policy()).assert(actor, 'dues.recordPayment', user);
      if (input.period > periodOf(clock.now(), user.timezone)) throw invalid('cannot record a payment for a future month');
      // The same bound as the member's own payments, per ledger: an organizer taking cash from a room of
      // members is not slowed, but one ledger cannot be flooded.
      if (deps.paymentLimiter && !(await deps.paymentLimiter.consume(`pay:${user.id}`))) throw rateLimited('payments for this member are being recorded too fast; wait a minute');
      const currency = await currencyOf(user, input.period);
      return deps.uow.run(async (tx) => {
        const recorded = await dues.addPayment({
          userId: user.id,
          period: input.period,
          amount: input.amount,
          currency,
          reference: input.reference ?? `cash-${clock.now()}-${actor.id}`,
          kind: 'payment',
          note: input.note ?? null,
          recordedBy: actor.id,
        }, tx);
        if (recorded.created) await deps.audit.append(tx, [auditEntry(actor, 'dues.recordPayment', { type: 'user', id: user.id }, user.branchId, { after: { paymentId: recorded.payment.id, period: input.period, amount: input.amount, currency } })]);
        return recorded;
      });
    },

    /** An organizer's correction: a new ledger entry (negative or positive), never an edit, never one's own. */
    async correct(actor: Actor, input: { userId: number; period: string; amount: number; note: string; reference?: string }) {
      const user = await activeMember(input.userId);
      (await directory.policy()).assert(actor, 'dues.correct', user);
      const currency = await currencyOf(user, input.period);
      return deps.uow.run(async (tx) => {
        const { payment, created } = await dues.addPayment({
          userId: user.id,
          period: input.period,
          amount: input.amount,
          currency,
          reference: input.reference ?? `correction-${clock.now()}-${actor.id}`,
          kind: 'correction',
          note: input.note,
          recordedBy: actor.id,
        }, tx);
        if (created) await deps.audit.append(tx, [auditEntry(actor, 'dues.correct', { type: 'user', id: user.id }, user.branchId, { after: { paymentId: payment.id, period: input.period, amount: input.amount, currency, note: input.note } })]);
        return payment;
      });
    },

    /** Who still owes under a unit for a period: only members the actor is over. */
    async arrears(actor: Actor, orgId: number, period: string): Promise<Arrear[]> {
      const policy = await directory.policy();
      if (!policy.tree.get(orgId)) throw notFound('org');
      policy.assert(actor, 'unit.manage', orgId);
      return policy.under(actor, await unpaid(period, orgId), (a) => a.user);
    },

    /**
     * Who may run a reminder stage by hand: the admin anywhere; an organizer for a unit under them. Only for a
     * month that has begun in the district: a reminder goes out once, so an early run would use it up.
     */
    async assertMayRun(actor: Actor, input: { orgId?: number; period: string }): Promise<void> {
      const policy = await directory.policy();
      if (input.orgId !== undefined && !policy.tree.get(input.orgId)) throw notFound('org');
      policy.assert(actor, 'dues.run', input.orgId ?? null);
      if (input.period > districtPeriod()) throw invalid(`${input.period} has not begun yet; reminders are for this month (${districtPeriod()}) or earlier ones`);
    },

    /** The reminder queue's state is the admin's alone. */
    async assertMaySeeQueue(actor: Actor): Promise<void> {
      (await directory.policy()).assert(actor, 'dues.queue', null);
    },
  };
}

export type DuesService = ReturnType<typeof createDuesService>;
