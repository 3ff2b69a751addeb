import type { LostContact, Report } from '../contract/memberLife';
import type { Actor } from '../contract/model';
import type { MemberLifeRepo } from '../db/repositories/memberLife';
import type { UsersRepo } from '../db/repositories/users';
import { notFound } from '../errors';
import type { OrgDirectory } from './orgDirectory';
import type { Clock } from './ports';
import type { SignsOfLife } from './signsOfLife';
import type { UnitOfWork } from './unitOfWork';

const DAY_MS = 86_400_000;


/** Signs of life: the lost-contact list of a unit, and a member reporting home. */
export function createMemberLifeService(deps: { life: MemberLifeRepo; users: UsersRepo; directory: OrgDirectory; uow: UnitOfWork; signs: SignsOfLife; clock: Clock }) {
  const { life, users, directory, uow, clock } = deps;
  return {
    /** Active members under the unit (that the actor is over) silent for `days` days, most silent first. */
    async lostContact(actor: Actor, orgId: number, days: number, page: { limit: number; cursor?: string }): Promise<{ members: LostContact[]; nextCursor: string | null }> {
      const policy = await directory.policy();
      if (!policy.tree.get(orgId)) throw notFound('org');
      policy.assert(actor, 'unit.manage', orgId);
      await deps.signs.flush(); // what this process noted counts
      const now = clock.now();
      const cutoff = new Date(now - days * DAY_MS).toISOString();
      const found = await life.silentSince(policy.tree.branchesUnder(orgId), cutoff, { excludeIds: policy.outsideLists(actor), ...page });
      return {
        members: found.items.map(({ user, silentSince }) => ({ user, lastSeenAt: user.lastSeenAt, daysSilent: Math.floor((now - Date.parse(silentSince)) / DAY_MS) })),
        nextCursor: found.nextCursor,
      };
    },

    /**
     * A member reports home: where they are now and whether they are a migrant member. Updates their
     * record, counts as a sign of life, and tells the branch's organizers.
     */
    async reportIn(actor: Actor, input: { location: string; mobile: boolean; note?: string | null }): Promise<Report> {
      const user = await users.findById(actor.id);
      if (!user || !user.active) throw notFound('member');
      const policy = await directory.policy();
      const report = await uow.run(async (tx, effects) => {
        await users.update(actor.id, { location: input.location, mobile: input.mobile }, tx);
        await life.touch([actor.id], new Date(clock.now()).toISOString(), tx);
        const saved = await life.insertReport(tx, actor.id, { location: input.location, mobile: input.mobile, note: input.note ?? null });
        if (user.branchId !== null) {
          await effects.notify(
            // The organizers over the member nearest their branch: a report home is their record, not news for a
            // peer or a subordinate.
            policy.nearestOrganizers(user.branchId, (who) => policy.isOver(who, user)).map((userId) => ({
              userId,
              kind: 'member_reported' as const,
              data: { reportId: saved.id, member: { id: user.id, name: user.name }, location: saved.location, mobile: saved.mobile },
            })),
          );
        }
        return saved;
      });
      return report;
    },

    /** The reports a member made (the member, an organizer over them, the admin). */
    async reports(actor: Actor, userId: number): Promise<Report[]> {
      const user = await users.findById(userId);
      if (!user) throw notFound('member');
      (await directory.policy()).assert(actor, 'member.read', user);
      return life.reportsOf(userId);
    },
  };
}

export type MemberLifeService = ReturnType<typeof createMemberLifeService>;
