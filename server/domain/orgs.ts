import type { Actor, Org, OrgKind } from '../contract/model';
import type { OrgsRepo } from '../db/repositories/orgs';
import { pageOf, type Page } from '../util/paging';
import type { UsersRepo } from '../db/repositories/users';
import { invalid, notFound } from '../errors';
import type { OrgDirectory } from './orgDirectory';

/** The organization tree: build it (the admin), read it, appoint organizers. (Removal: commands/removeOrganizer.ts.) */
export function createOrgService(deps: { orgs: OrgsRepo; users: UsersRepo; directory: OrgDirectory }) {
  const { orgs, users, directory } = deps;

  return {
    async create(actor: Actor, input: { name: string; kind: OrgKind; parentId?: number | null }): Promise<Org> {
      const policy = await directory.policy();
      const parentId = input.parentId ?? null;
      policy.assert(actor, 'org.create', parentId);
      if (parentId === null && input.kind !== 'committee') throw invalid('a general branch or branch needs a parentId');
      if (parentId !== null) {
        const parent = policy.tree.get(parentId);
        if (!parent) throw notFound('parent org');
        if (parent.kind === 'branch') throw invalid('a branch has no children');
        if (parent.kind === 'general_branch' && input.kind === 'committee') throw invalid('a committee cannot sit under a general branch');
      }
      const org = await orgs.insert({ name: input.name, kind: input.kind, parentId });
      directory.changed();
      return org;
    },

    /** The tree, a page at a time in id order (parents before their children). */
    async list(page: { limit: number; cursor?: string }): Promise<Page<Org>> {
      return pageOf((await directory.current()).all(), page.limit, page.cursor);
    },

    /** Appoints an organizer from the members whose home branch is in the unit (the admin: anyone). */
    async addOrganizer(actor: Actor, orgId: number, userId: number): Promise<void> {
      const policy = await directory.policy();
      if (!policy.tree.get(orgId)) throw notFound('org');
      policy.assert(actor, 'org.appoint', orgId);
      const user = await users.findById(userId);
      if (!user || !user.active) throw notFound('user');
      policy.assert(actor, 'org.appointee', { orgId, candidate: user });
      await orgs.addOrganizer(orgId, userId);
      directory.changed();
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
