import type { OrgsRepo } from '../db/repositories/orgs';
import type { UsersRepo } from '../db/repositories/users';
import { forbidden, invalid, notFound } from '../errors';
import type { OrgDirectory } from './orgDirectory';
import type { Actor, Org, OrgKind } from './types';

export function createOrgService(deps: { orgs: OrgsRepo; users: UsersRepo; directory: OrgDirectory }) {
  const { orgs, users, directory } = deps;

  /** Appointing organizers is for the admin or an organizer strictly above the unit. */
  async function assertMayAppoint(actor: Actor, orgId: number) {
    const tree = await directory.current();
    const org = tree.get(orgId);
    if (!org) throw notFound('org');
    const above = org.parentId !== null && tree.organizesOver(actor.id, org.parentId);
    if (actor.role !== 'admin' && !above) throw forbidden('only the admin or an organizer above this unit may appoint its organizers');
  }

  return {
    async create(actor: Actor, input: { name: string; kind: OrgKind; parentId?: number | null }): Promise<Org> {
      if (actor.role !== 'admin') throw forbidden('only the admin builds the organization tree');
      const parentId = input.parentId ?? null;
      if (parentId === null && input.kind !== 'committee') throw invalid('a general branch or branch needs a parentId');
      if (parentId !== null) {
        const parent = (await directory.current()).get(parentId);
        if (!parent) throw notFound('parent org');
        if (parent.kind === 'branch') throw invalid('a branch has no children');
        if (parent.kind === 'general_branch' && input.kind === 'committee') throw invalid('a committee cannot sit under a general branch');
      }
      const org = await orgs.insert({ name: input.name, kind: input.kind, parentId });
      directory.changed();
      return org;
    },

    async list(): Promise<Org[]> {
      return (await directory.current()).all();
    },

    async addOrganizer(actor: Actor, orgId: number, userId: number): Promise<void> {
      await assertMayAppoint(actor, orgId);
      const user = await users.findById(userId);
      if (!user || !user.active) throw notFound('user');
      await orgs.addOrganizer(orgId, userId);
      directory.changed();
    },

    async removeOrganizer(actor: Actor, orgId: number, userId: number): Promise<void> {
      await assertMayAppoint(actor, orgId);
      if ((await orgs.removeOrganizer(orgId, userId)) === 0) throw notFound('organizer');
      directory.changed();
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
