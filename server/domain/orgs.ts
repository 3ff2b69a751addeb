import type { Actor, Org, OrgKind } from '../contract/model';
import { auditEntry, type AuditTrail } from './audit';
import type { UnitOfWork } from './unitOfWork';
import type { OrgsRepo } from '../db/repositories/orgs';
import { pageOf, type Page } from '../util/paging';
import type { UsersRepo } from '../db/repositories/users';
import { conflict, invalid, notFound } from '../errors';
import type { OrgTree } from './orgTree';
import type { OrgDirectory } from './orgDirectory';

/**
 * Where a unit of this kind may sit: a committee at the top or under a committee; a general branch or a
 * branch under a committee or a general branch; nothing under a branch.
 */
/**
 * Two units of one name side by side (two "第三支部" under one general branch) cannot be told apart in any
 * list, picker or export: a name is unique among its siblings (case and spaces aside).
 */
export function checkNameFree(tree: OrgTree, parentId: number | null, name: string, exceptId?: number): void {
  const key = (n: string) => n.trim().replace(/\s+/g, ' ').toLowerCase();
  const taken = tree.all().some((o) => o.parentId === parentId && o.id !== exceptId && key(o.name) === key(name));
  if (taken) throw conflict('a unit with this name is already there');
}

export function checkPlacement(kind: OrgKind, parent: Org | null): void {
  if (parent === null && kind !== 'committee') throw invalid('a general branch or branch needs a parentId');
  if (parent?.kind === 'branch') throw invalid('a branch has no children');
  if (parent?.kind === 'general_branch' && kind === 'committee') throw invalid('a committee cannot sit under a general branch');
}

/**
 * The organization tree: build it (the admin), read it, appoint organizers. (Renaming and moving, and
 * removing organizers, change people's rights: commands/editOrg.ts and commands/removeOrganizer.ts.)
 */
export function createOrgService(deps: { orgs: OrgsRepo; users: UsersRepo; directory: OrgDirectory; uow: UnitOfWork; audit: AuditTrail }) {
  const { orgs, users, directory } = deps;

  return {
    async create(actor: Actor, input: { name: string; kind: OrgKind; parentId?: number | null }): Promise<Org> {
      const policy = await directory.policy();
      const parentId = input.parentId ?? null;
      policy.assert(actor, 'org.create', parentId);
      const parent = parentId === null ? null : policy.tree.get(parentId);
      if (parent === undefined) throw notFound('parent org');
      checkPlacement(input.kind, parent);
      checkNameFree(policy.tree, parentId, input.name);
      const org = await deps.uow.run(async (tx) => {
        const saved = await orgs.insert({ name: input.name, kind: input.kind, parentId }, tx);
        await deps.audit.append(tx, [auditEntry(actor, 'org.create', { type: 'org', id: saved.id }, saved.id, { after: saved })]);
        return saved;
      });
      directory.changed();
      return org;
    },

    /** The tree, a page at a time in id order (parents before their children). */
    async list(page: { limit: number; cursor?: string }): Promise<Page<Org>> {
      return pageOf((await directory.current()).all(), page.limit, page.cursor);
    },

    /** The organizers of one unit, with their names (who runs what is no secret in a district). */
    /** Who organizes a unit, by name (what a member may know: who to turn to, not where they live). */
    async organizersOf(orgId: number): Promise<Array<{ id: number; name: string }>> {
      const tree = await directory.current();
      if (!tree.get(orgId)) throw notFound('org');
      const people = await users.findActiveByIds(tree.organizersOfUnit(orgId));
      return people.map((u) => ({ id: u.id, name: u.name })).sort((a, b) => a.name.localeCompare(b.name));
    },

    /** Appoints an organizer from the members whose home branch is in the unit (the admin: anyone). */
    async addOrganizer(actor: Actor, orgId: number, userId: number): Promise<void> {
      const policy = await directory.policy();
      if (!policy.tree.get(orgId)) throw notFound('org');
      policy.assert(actor, 'org.appoint', orgId);
      const user = await users.findById(userId);
      if (!user || !user.active) throw notFound('user');
      policy.assert(actor, 'org.appointee', { orgId, candidate: user });
      await deps.uow.run(async (tx) => {
        await orgs.addOrganizer(orgId, userId, tx);
        await deps.audit.append(tx, [auditEntry(actor, 'org.appoint', { type: 'user', id: userId }, orgId, { after: { orgId, userId } })]);
      });
      directory.changed();
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
