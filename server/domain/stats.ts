import type { Actor } from '../contract/model';
import type { DistrictStats } from '../contract/projects';
import { periodOf, shiftPeriod } from '../contract/time';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { StatsRepo } from '../db/repositories/stats';
import type { UsersRepo } from '../db/repositories/users';
import { notFound } from '../errors';
import type { DuesService } from './dues';
import type { OrgDirectory } from './orgDirectory';
import type { Clock } from './ports';

/** Time zones of home: a member living in another is counted abroad. */
export const HOME_ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Kashgar', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'PRC'];
const DAY_MS = 86_400_000;
/** Silent this long: lost contact (the lost-contact list's default). */
const LOST_CONTACT_DAYS = 90;
/** Months of dues in the figures. */
const DUES_MONTHS = 12;

/**
 * District statistics, every figure computed from the stored records, for a unit and everything under it
 * (the admin: the district, or any unit; an organizer: a unit they run, by default all of theirs).
 */
export function createStatsService(deps: {
  stats: StatsRepo;
  users: Pick<UsersRepo, 'listActiveInBranches'>;
  dues: Pick<DuesService, 'rateBook'>;
  meetings: Pick<MeetingsRepo, 'countPublicRegistrations'>;
  directory: OrgDirectory;
  clock: Clock;
  districtTimeZone: string;
}) {
  return {
    async of(actor: Actor, orgId?: number): Promise<DistrictStats> {
      const policy = await deps.directory.policy();
      let roots: number[];
      if (orgId !== undefined) {
        if (!policy.tree.get(orgId)) throw notFound('org');
        policy.assert(actor, 'unit.manage', orgId);
        roots = [orgId];
      } else {
        roots = policy.unitsRunBy(actor);
        if (roots.length === 0) throw policy.refusal('unit.manage');
      }
      const units = [...new Set(roots.flatMap((id) => policy.tree.subtree(id)))];
      const branches = units.filter((id) => policy.tree.get(id)?.kind === 'branch');
      const count = (kind: string) => units.filter((id) => policy.tree.get(id)?.kind === kind).length;
      const now = deps.clock.now();
      const iso = new Date(now).toISOString();
      const year = new Date(now).getUTCFullYear();
      const current = periodOf(now, deps.districtTimeZone);
      const periods = Array.from({ length: DUES_MONTHS }, (_, i) => shiftPeriod(current, i - DUES_MONTHS + 1));
      const [members, discussions, posts, announcements, transfers, meetings, paid, trainingHours, book, people, publicRegistrations] = await Promise.all([
        deps.stats.members(branches, { homeZones: HOME_ZONES, silentBefore: new Date(now - LOST_CONTACT_DAYS * DAY_MS).toISOString() }),
        deps.stats.discussions(units),
        deps.stats.posts(branches),
        deps.stats.announcements(units),
        deps.stats.transfers(branches),
        deps.stats.meetings(units, iso),
        deps.stats.paidByPeriod(branches, periods),
        deps.stats.trainingHours(branches, `${year}-01-01T00:00:00.000Z`, `${year + 1}-01-01T00:00:00.000Z`),
        deps.dues.rateBook(),
        deps.users.listActiveInBranches(branches),
        deps.meetings.countPublicRegistrations(units),
      ]);
      // What the members here now owe per month, by the rates of the branch each month was owed to.
      const dues = periods.map((period) => ({ period, due: people.reduce((sum, u) => sum + (book.rateFor(u, period)?.monthlyAmount ?? 0), 0), paid: paid.get(period) ?? 0 }));
      return {
        units: { committee: count('committee'), general_branch: count('general_branch'), branch: count('branch') },
        members,
        discussions,
        posts,
        announcements,
        transfers,
        meetings: { ...meetings, publicRegistrations },
        dues,
        trainingHours,
      };
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
