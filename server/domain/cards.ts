import type { Actor } from '../contract/model';
import type { CallsRepo } from '../db/repositories/calls';
import type { CheckinsRepo } from '../db/repositories/checkins';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { UsersRepo } from '../db/repositories/users';
import { notFound } from '../errors';
import type { DuesService } from './dues';
import type { OrgDirectory } from './orgDirectory';

/**
 * A member's activity card: what they signed up for and attended, their calls and check-ins, their dues.
 * Seen by the member, organizers over them, and the admin. Trainings are an empty list until that
 * feature exists.
 */
export function createCardService(deps: { users: UsersRepo; meetings: MeetingsRepo; calls: CallsRepo; checkins: CheckinsRepo; directory: OrgDirectory; dues: Pick<DuesService, 'ledger'> }) {
  return {
    async card(actor: Actor, memberId: number) {
      const found = await deps.users.findById(memberId);
      if (!found) throw notFound('member');
      const { active: _active, ...member } = found;
      const policy = await deps.directory.policy();
      policy.assert(actor, 'member.read', member);
      const [meetings, calls, checkins, dues] = await Promise.all([
        deps.meetings.signupsOfUser(member.id),
        deps.calls.forUsers([member.id], { limit: 100 }),
        deps.checkins.involving(member.id, { limit: 100 }),
        deps.dues.ledger(member.id),
      ]);
      return {
        member,
        branch: member.branchId === null ? null : policy.tree.get(member.branchId) ?? null,
        meetings,
        calls: calls.items,
        checkins: checkins.filter((c) => c.member.id === member.id),
        dues: { rate: dues.rate, periods: dues.periods, balanceDue: dues.balanceDue },
        trainings: [] as unknown[],
      };
    },
  };
}

export type CardService = ReturnType<typeof createCardService>;
