import type { Actor } from '../contract/model';
import { deactivateMember } from './deactivateMember';
import { editOrg } from './editOrg';
import type { CommandDeps } from './deps';
import { removeOrganizer } from './removeOrganizer';
import { revokeGuest } from './revokeGuest';

/**
 * Multi-step operations that cross services, each in a file of its own: authorize through the policy,
 * write in one transaction, then apply the effects (sessions, calls, notifications) after commit.
 */
export function createCommands(deps: CommandDeps) {
  return {
    deactivateMember: (actor: Actor, userId: number) => deactivateMember(deps, actor, userId),
    removeOrganizer: (actor: Actor, orgId: number, userId: number) => removeOrganizer(deps, actor, orgId, userId),
    revokeGuest: (actor: Actor, inviteId: number) => revokeGuest(deps, actor, inviteId),
    editOrg: (actor: Actor, orgId: number, change: { name?: string; parentId?: number | null }) => editOrg(deps, actor, orgId, change),
  };
}

export type Commands = ReturnType<typeof createCommands>;
