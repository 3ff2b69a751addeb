import type { Knex } from 'knex';

const n = (rows: unknown): number => Number((rows as Array<{ n: string | number }>)[0]?.n ?? 0);

/** Counts over the stored records, for the district statistics (each figure one query over the unit's scope). */
export function createStatsRepo(read: Knex) {
  return {
    /** Active accounts with a home branch in these branches: in all, migrant, abroad, in transit, silent since `silentBefore`. */
    async members(branchIds: number[], opts: { homeZones: string[]; silentBefore: string }) {
      if (branchIds.length === 0) return { active: 0, mobile: 0, abroad: 0, inTransit: 0, lostContact: 0 };
      const base = () => read('users').whereIn('branch_id', branchIds).andWhere('active', true);
      const [active, mobile, abroad, inTransit, lostContact] = await Promise.all([
        base().count('* as n'),
        base().andWhere('mobile', true).count('* as n'),
        base().whereNotIn('timezone', opts.homeZones).count('* as n'),
        base().andWhere('in_transit', true).count('* as n'),
        base().andWhere(read.raw('coalesce(last_seen_at, created_at)'), '<', opts.silentBefore).count('* as n'),
      ]);
      return { active: n(active), mobile: n(mobile), abroad: n(abroad), inTransit: n(inTransit), lostContact: n(lostContact) };
    },
    async discussions(orgIds: number[]): Promise<number> {
      return orgIds.length === 0 ? 0 : n(await read('discussions').whereIn('org_id', orgIds).count('* as n'));
    },
    async announcements(orgIds: number[]): Promise<number> {
      return orgIds.length === 0 ? 0 : n(await read('announcements').whereIn('org_id', orgIds).count('* as n'));
    },
    /** Published posts, not removed, by authors whose home branch is here. */
    async posts(branchIds: number[]): Promise<number> {
      if (branchIds.length === 0) return 0;
      return n(await read('posts as p').join('users as u', 'u.id', 'p.author_id').whereIn('u.branch_id', branchIds).andWhere('p.status', 'published').whereNull('p.removed_at').count('* as n'));
    },
    /** Transfers leaving or entering these branches. */
    async transfers(branchIds: number[]) {
      if (branchIds.length === 0) return { completed: 0, pending: 0 };
      const here = (q: Knex.QueryBuilder) => q.where((w) => w.whereIn('from_branch_id', branchIds).orWhereIn('to_branch_id', branchIds));
      const [completed, pending] = await Promise.all([here(read('transfers')).where('status', 'completed').count('* as n'), here(read('transfers')).whereIn('status', ['pending_out', 'pending_in']).count('* as n')]);
      return { completed: n(completed), pending: n(pending) };
    },
    /** Meetings hosted here that took place (not cancelled, begun before `now`) and their attendance. */
    async meetings(orgIds: number[], now: string) {
      if (orgIds.length === 0) return { held: 0, attendance: 0 };
      const held = () => read('meetings').whereIn('host_org_id', orgIds).whereNot('status', 'cancelled').andWhere('starts_at', '<', now);
      const [count, attendance] = await Promise.all([held().count('* as n'), read('meeting_signups').whereIn('meeting_id', held().select('id')).andWhere('status', 'attended').count('* as n')]);
      return { held: n(count), attendance: n(attendance) };
    },
    /** Paid per period by members whose home branch is here now. */
    async paidByPeriod(branchIds: number[], periods: string[]): Promise<Map<string, number>> {
      if (branchIds.length === 0 || periods.length === 0) return new Map();
      const rows = (await read('dues_payments as p').join('users as u', 'u.id', 'p.user_id').whereIn('u.branch_id', branchIds).whereIn('p.period', periods).groupBy('p.period').select('p.period').sum({ paid: 'p.amount' })) as unknown as Array<{ period: string; paid: string | number }>;
      return new Map(rows.map((r) => [r.period, Number(r.paid)]));
    },
    /** Confirmed training hours of members whose home branch is here, between two instants. */
    async trainingHours(branchIds: number[], from: string, to: string): Promise<number> {
      if (branchIds.length === 0) return 0;
      const [row] = await read('training_records as r').join('users as u', 'u.id', 'r.user_id').whereIn('u.branch_id', branchIds).andWhere('r.status', 'confirmed').andWhere('r.at', '>=', from).andWhere('r.at', '<', to).sum({ h: 'r.hours' });
      return Number((row as { h: string | number | null }).h ?? 0);
    },
  };
}

export type StatsRepo = ReturnType<typeof createStatsRepo>;
