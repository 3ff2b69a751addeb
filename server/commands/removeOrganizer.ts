import type { Actor } from '../contract/model';
import { notFound } from '../errors';
import type { CommandDeps } from './deps';
import { auditEntry } from '../domain/audit';

/**
 * Removes an organizer from a unit (the admin or an organizer above the unit). Their rights shrink at once:
 * on every process their sockets leave the rooms they no longer may use.
 */
export async function removeOrganizer(deps: CommandDeps, actor: Actor, orgId: number, userId: number): Promise<void> {
  const { repos, directory, uow, sessions } = deps;
  const policy = await directory.policy();
  if (!policy.tree.get(orgId)) throw notFound('org');
  policy.assert(actor, 'org.dismiss', orgId);
  await uow.run(async (tx, effects) => {
    if ((await repos.orgs.removeOrganizer(orgId, userId, tx)) === 0) throw notFound('organizer');
    await deps.audit.append(tx, [auditEntry(actor, 'org.dismiss', { type: 'user', id: userId }, orgId, { before: { orgId, userId } })]);
    effects.afterCommit(() => directory.changed());
    effects.afterCommit(() => sessions.sync(userId));
  });
}
