import { announcementWatchRoom, discussionWatchRoom, meetingRoomId, orgRoomId } from '../contract/events';
import type { Actor, Org } from '../contract/model';
import { invalid, notFound } from '../errors';
import { checkNameFree, checkPlacement } from '../domain/orgs';
import type { CommandDeps } from './deps';
import { auditEntry, changedFields } from '../domain/audit';

/**
 * Renames or moves a unit (the admin). A move changes who is under whom: at once, on every process, the
 * sockets in (or following) the rooms of the units it left (its old parents), of the units it carries and of
 * the meetings those host are re-checked, so members and organizers who lost a room leave it.
 */
export async function editOrg(deps: CommandDeps, actor: Actor, orgId: number, change: { name?: string; parentId?: number | null }): Promise<Org> {
  const { repos, directory, uow, sessions } = deps;
  const policy = await directory.policy();
  const org = policy.tree.get(orgId);
  if (!org) throw notFound('org');
  policy.assert(actor, 'org.edit', orgId);
  const moving = change.parentId !== undefined && change.parentId !== org.parentId;
  const before = [...policy.tree.lineage(orgId)].slice(1).map((o) => o.id);
  const carried = policy.tree.subtree(orgId);
  const parentId = moving ? change.parentId! : org.parentId;
  if (moving || change.name !== undefined) checkNameFree(policy.tree, parentId, change.name ?? org.name, orgId);
  if (moving) {
    const parent = change.parentId === null ? null : policy.tree.get(change.parentId!);
    if (parent === undefined) throw notFound('parent org');
    if (parent && carried.includes(parent.id)) throw invalid('a unit cannot move under itself or a unit below it');
    checkPlacement(org.kind, parent);
  }
  return uow.run(async (tx, effects) => {
    if (moving && change.parentId !== null) {
      // Checked again on the stored tree, one move at a time: the cached tree may not show a move just made.
      await repos.orgs.lockTree(tx);
      if ((await repos.orgs.lineageIds(change.parentId!, tx)).includes(orgId)) throw invalid('a unit cannot move under itself or a unit below it');
    }
    const saved = await repos.orgs.update(orgId, { name: change.name, parentId: moving ? change.parentId : undefined }, tx);
    await deps.audit.append(tx, [auditEntry(actor, 'org.update', { type: 'org', id: orgId }, orgId, changedFields(org, saved))]);
    effects.afterCommit(() => directory.changed());
    if (moving) {
      // The units' own rooms, and the rooms of meetings the moved units host (organizers above them change).
      const meetings = await repos.meetings.idsHostedBy(carried);
      for (const id of [...before, ...carried]) effects.afterCommit(() => sessions.syncRoom(orgRoomId(id)));
      for (const id of meetings) effects.afterCommit(() => sessions.syncRoom(meetingRoomId(id)));
      // Those watching the discussions and announcements of the units on either side (members and organizers
      // whose reach changed).
      const units = [...before, ...carried];
      for (const id of await repos.discussions.idsIn(units)) effects.afterCommit(() => sessions.syncRoom(discussionWatchRoom(id)));
      for (const id of await repos.announcements.idsIn(units)) effects.afterCommit(() => sessions.syncRoom(announcementWatchRoom(id)));
    }
    return saved;
  });
}
