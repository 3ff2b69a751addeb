import type { CallsRepo } from '../db/repositories/calls';
import type { CheckinsRepo } from '../db/repositories/checkins';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { UsersRepo } from '../db/repositories/users';
import { forbidden, notFound } from '../errors';
import type { DuesService } from './dues';
import type { OrgDirectory } from './orgDirectory';
import type { Actor } from './types';

/**
 * A member's activity card: what they signed up for and attended, their calls and check-ins.
 * Seen by the member, organizers over their branch, and the admin. Trainings are an empty list until
 * that feature exists.
 */
export function createCardService(deps: { users: UsersRepo; meetings: MeetingsRepo; calls: CallsRepo; checkins: CheckinsRepo; directory: OrgDirectory; dues: Pick<DuesService, 'ledger'> }) {
  return {
    async card(actor: Actor, memberId: number) {
      const found = await deps.users.findById(memberId);
      if (!found) throw notFound('member');
      const { active: _active, ...member } = found;
      const tree = await deps.directory.current();
      if (!tree.canSeeMember(actor, member)) throw forbidden('only the member, their organizers and the admin see this card');
      const [meetings, calls, checkins, dues] = await Promise.all([
        deps.meetings.signupsOfUser(member.id),
        deps.calls.forUsers([member.id], 100),
        deps.checkins.involving(member.id, 100),
        deps.dues.ledger(member.id),
      ]);
      return {
        member,
        branch: member.branchId === null ? null : tree.get(member.branchId) ?? null,
        meetings,
        calls,
        checkins: checkins.filter((c) => c.member.id === member.id),
        dues: { rate: dues.rate, periods: dues.periods, balanceDue: dues.balanceDue },
        trainings: [] as unknown[],
      };
    },
  };
}

export type CardService = ReturnType<typeof createCardService>;
