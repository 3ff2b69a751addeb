import type { TokensRepo } from '../db/repositories/tokens';
import type { UsersRepo } from '../db/repositories/users';
import { conflict, forbidden, invalid, notFound } from '../errors';
import { hashPassword } from './auth';
import type { OrgDirectory } from './orgDirectory';
import type { Actor, User } from './types';

export interface NewMemberInput {
  name: string;
  email: string;
  password: string;
  branchId: number;
  timezone?: string;
  mobile?: boolean;
  location?: string | null;
}

export type MemberPatch = Partial<Pick<User, 'name' | 'timezone' | 'mobile' | 'location'>>;

export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

export function createMemberService(deps: { users: UsersRepo; tokens: TokensRepo; directory: OrgDirectory }) {
  const { users, tokens, directory } = deps;

  /** May the actor manage this user: admin, or organizer over the user's branch. */
  async function mayManage(actor: Actor, user: User): Promise<boolean> {
    if (actor.role === 'admin') return true;
    if (user.branchId === null) return false;
    return (await directory.current()).organizesOver(actor.id, user.branchId);
  }

  return {
    async create(actor: Actor, input: NewMemberInput): Promise<User> {
      const tree = await directory.current();
      const branch = tree.get(input.branchId);
      if (!branch) throw notFound('branch');
      if (branch.kind !== 'branch') throw invalid('a member belongs to a branch, not to a committee or general branch');
      if (!tree.canManage(actor, branch.id)) throw forbidden('only the admin or an organizer over this branch may add members');
      const timezone = input.timezone ?? 'Asia/Shanghai';
      if (!isIanaTimeZone(timezone)) throw invalid('timezone must be an IANA name such as Europe/London');
      const email = input.email.toLowerCase();
      if (await users.emailTaken(email)) throw conflict('a member with this email already exists');
      try {
        return await users.insert({
          name: input.name,
          email,
          passwordHash: await hashPassword(input.password),
          role: 'member',
          branchId: branch.id,
          timezone,
          mobile: input.mobile ?? false,
          location: input.location ?? null,
        });
      } catch (error) {
        // Two concurrent creations with one email: the unique index decides.
        if (/unique|duplicate/i.test(String((error as Error).message))) throw conflict('a member with this email already exists');
        throw error;
      }
    },

    async list(actor: Actor, orgId: number): Promise<User[]> {
      const tree = await directory.current();
      if (!tree.get(orgId)) throw notFound('org');
      if (!tree.canManage(actor, orgId)) throw forbidden('only organizers over this unit may list its members');
      return users.listActiveInBranches(tree.branchesUnder(orgId));
    },

    async update(actor: Actor, userId: number, patch: MemberPatch): Promise<User> {
      const user = await users.findById(userId);
      if (!user || !user.active) throw notFound('member');
      if (actor.id !== userId && !(await mayManage(actor, user))) throw forbidden('you may only edit yourself or members you organize');
      if (patch.timezone !== undefined && !isIanaTimeZone(patch.timezone)) throw invalid('timezone must be an IANA name such as Europe/London');
      return users.update(userId, patch);
    },

    /** Deactivates the account and revokes its tokens. The caller disconnects its sockets. */
    async remove(actor: Actor, userId: number): Promise<void> {
      const user = await users.findById(userId);
      if (!user || !user.active) throw notFound('member');
      if (user.role === 'admin' || user.id === actor.id) throw forbidden('this account cannot be removed here');
      if (!(await mayManage(actor, user))) throw forbidden('only the admin or an organizer over the member may remove them');
      await users.deactivate(userId);
      await tokens.revokeAllOf(userId);
      directory.changed(); // their organizer roles lapse with the account
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
