import type { Actor, Language, User } from '../contract/model';
import { isIanaTimeZone } from '../contract/time';
import type { Page } from '../util/paging';
import type { UsersRepo } from '../db/repositories/users';
import { conflict, invalid, notFound } from '../errors';
import { hashPassword } from './auth';
import type { OrgDirectory } from './orgDirectory';
import type { Sessions } from './ports';
import { auditEntry, changedFields, type AuditTrail } from './audit';
import type { UnitOfWork } from './unitOfWork';

export interface NewMemberInput {
  name: string;
  email: string;
  password: string;
  branchId: number;
  timezone?: string;
  mobile?: boolean;
  location?: string | null;
  language?: Language;
}

export type MemberPatch = Partial<Pick<User, 'name' | 'email' | 'timezone' | 'mobile' | 'location' | 'language'>>;

/** Name and e-mail are official records; the rest a member keeps up to date themself. */
const OFFICIAL: Array<keyof MemberPatch> = ['name', 'email'];

const isUniqueViolation = (error: unknown) => /unique|duplicate/i.test(String((error as Error)?.message));

/** Members: add, list, edit. (Deactivation is a command: commands/deactivateMember.ts.) */
export function createMemberService(deps: { users: UsersRepo; directory: OrgDirectory; sessions: Pick<Sessions, 'sync'>; uow: UnitOfWork; audit: AuditTrail }) {
  const { users, directory } = deps;

  return {
    async create(actor: Actor, input: NewMemberInput): Promise<User> {
      const policy = await directory.policy();
      const branch = policy.tree.get(input.branchId);
      if (!branch) throw notFound('branch');
      if (branch.kind !== 'branch') throw invalid('a member belongs to a branch, not to a committee or general branch');
      policy.assert(actor, 'member.create', branch.id);
      const timezone = input.timezone ?? 'Asia/Shanghai';
      if (!isIanaTimeZone(timezone)) throw invalid('timezone must be an IANA name such as Europe/London');
      const email = input.email.toLowerCase();
      if (await users.emailTaken(email)) throw conflict('a member with this email already exists');
      try {
        const passwordHash = await hashPassword(input.password);
        return await deps.uow.run(async (tx) => {
          const created = await users.insert({
          name: input.name,
          email,
          passwordHash,
          role: 'member',
          branchId: branch.id,
          timezone,
          mobile: input.mobile ?? false,
          location: input.location ?? null,
          language: input.language,
          }, tx);
          const { email: _email, ...record } = created; // the e-mail stays out of the log's copies
          await deps.audit.append(tx, [auditEntry(actor, 'member.create', { type: 'user', id: created.id }, created.branchId, { after: record })]);
          return created;
        });
      } catch (error) {
        // Two concurrent creations with one email: the unique index decides.
        if (isUniqueViolation(error)) throw conflict('a member with this email already exists');
        throw error;
      }
    },

    /**
     * One page of the active members under a unit that the actor is over (never themself, peers or
     * superiors), optionally found by a part of the name or e-mail, or by being a migrant member.
     */
    async list(actor: Actor, orgId: number, page: { limit: number; cursor?: string; q?: string; mobile?: boolean }): Promise<Page<User>> {
      const policy = await directory.policy();
      if (!policy.tree.get(orgId)) throw notFound('org');
      policy.assert(actor, 'unit.manage', orgId);
      return users.pageActiveInBranches(policy.tree.branchesUnder(orgId), { excludeIds: policy.outsideLists(actor), ...page });
    },

    /** One member, for the member themself, an organizer over them or the admin. */
    async get(actor: Actor, userId: number): Promise<User> {
      const found = await users.findById(userId);
      if (!found || !found.active) throw notFound('member');
      (await directory.policy()).assert(actor, 'member.read', found);
      const { active: _active, ...user } = found;
      return user;
    },

    /**
     * Edits a member: the member themself their timezone, location, mobile and language; an organizer over
     * them (or the admin) every field, name and e-mail included.
     */
    async update(actor: Actor, userId: number, patch: MemberPatch): Promise<User> {
      const user = await users.findById(userId);
      if (!user || !user.active) throw notFound('member');
      const policy = await directory.policy();
      const official = OFFICIAL.some((field) => patch[field] !== undefined && patch[field] !== user[field]);
      policy.assert(actor, official ? 'member.editOfficial' : 'member.editProfile', user);
      if (patch.timezone !== undefined && !isIanaTimeZone(patch.timezone)) throw invalid('timezone must be an IANA name such as Europe/London');
      const changes = { ...patch, ...(patch.email !== undefined ? { email: patch.email.toLowerCase() } : {}) };
      if (changes.email !== undefined && changes.email !== user.email && (await users.emailTaken(changes.email, userId))) throw conflict('a member with this email already exists');
      let updated: User;
      try {
        updated = await deps.uow.run(async (tx) => {
          const saved = await users.update(userId, changes, tx);
          // A member keeping their own profile is not an organizer's change; anyone else's edit is.
          if (actor.id !== userId) await deps.audit.append(tx, [auditEntry(actor, 'member.update', { type: 'user', id: userId }, saved.branchId, changedFields(user, saved))]);
          return saved;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('a member with this email already exists');
        throw error;
      }
      // Open sockets speak with the member's name: a new one shows at once.
      if (updated.name !== user.name) await deps.sessions.sync(userId);
      return updated;
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
