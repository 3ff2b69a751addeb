import type { Actor, UserRef } from '../contract/model';
import type { Announcement, AnnouncementReads, Discussion, Reply } from '../contract/voice';
import type { AnnouncementsRepo } from '../db/repositories/announcements';
import type { SearchRepo } from '../db/repositories/search';
import type { UsersRepo } from '../db/repositories/users';
import { conflict, notFound } from '../errors';
import type { NotificationDraft } from '../notifications/sink';
import { auditEntry, type AuditTrail } from './audit';
import type { OrgDirectory } from './orgDirectory';
import { searchDoc } from './search';
import type { UnitOfWork } from './unitOfWork';

/** What the voice features announce after a commit; the realtime layer turns these into socket events. */
export interface VoiceEvents {
  /** A new announcement, to each addressee's sockets. */
  published(userIds: number[], announcement: Announcement): void;
  /** An announcement's read count changed (coalesced to at most one event a second, the last one exact). */
  readsChanged(announcementId: number): void;
  /** A new reply, to the sockets watching its discussion. */
  replyAdded(reply: Reply): void;
  /** A discussion locked or unlocked, hidden or shown, to the sockets watching it. */
  discussionChanged(discussion: Discussion): void;
}

/**
 * Announcements from a unit to everyone under it. The audience is fixed when published (every active member
 * whose branch is the unit or below it); each gets the live event and a notification. Reads are idempotent
 * and only an addressee's counts; organizers over the unit follow the count live.
 */
export function createAnnouncementService(deps: {
  announcements: AnnouncementsRepo;
  users: UsersRepo;
  search: SearchRepo;
  directory: OrgDirectory;
  uow: UnitOfWork;
  audit: AuditTrail;
  events: VoiceEvents;
  /** Throws `rate_limited` when the actor writes too fast (each announcement notifies a whole subtree). */
  limit: (actor: Actor) => Promise<void>;
}) {
  const { announcements, directory } = deps;

  async function visible(actor: Actor, id: number): Promise<Announcement> {
    const found = await announcements.find(id, actor.id);
    if (!found) throw notFound('announcement');
    // `addressed` comes with the read (the reader's row of the audience): no second query.
    (await directory.policy()).assert(actor, 'announcement.read', { orgId: found.orgId, addressee: found.addressed });
    return found;
  }

  /** Organizers over the announcement's unit (who read its count and unread list). */
  async function managed(actor: Actor, id: number): Promise<Announcement> {
    const found = await announcements.find(id, actor.id);
    if (!found) throw notFound('announcement');
    (await directory.policy()).assert(actor, 'announcement.publish', found.orgId);
    return found;
  }

  return {
    async publish(actor: Actor, input: { orgId: number; title: string; body: string; pinnedUntil?: string | null }): Promise<Announcement> {
      const policy = await directory.policy();
      const org = policy.tree.get(input.orgId);
      if (!org) throw notFound('org');
      policy.assert(actor, 'announcement.publish', org.id);
      await deps.limit(actor);
      const audience = (await deps.users.listActiveInBranches(policy.tree.branchesUnder(org.id))).map((u) => u.id);
      const saved = await deps.uow.run(async (tx, effects) => {
        const id = await announcements.insert(tx, { orgId: org.id, authorId: actor.id, title: input.title, body: input.body, pinnedUntil: input.pinnedUntil ?? null, audience });
        const announcement = (await announcements.find(id, actor.id, tx))!;
        await deps.audit.append(tx, [auditEntry(actor, 'announcement.publish', { type: 'announcement', id }, org.id, { after: { title: input.title, audience: audience.length, pinnedUntil: announcement.pinnedUntil } })]);
        await deps.search.put(tx, [searchDoc({ kind: 'announcement', itemId: id, orgId: org.id, title: input.title, body: input.body, createdAt: announcement.createdAt })]);
        const data = { announcementId: id, orgId: org.id, orgName: org.name, title: input.title, author: { id: actor.id, name: actor.name } };
        await effects.notify(audience.map((userId): NotificationDraft => ({ userId, kind: 'announcement', data })));
        effects.afterCommit(() => deps.events.published(audience, { ...announcement, readAt: null, addressed: true }));
        return announcement;
      });
      return saved;
    },

    /** Addressed to the caller, or published under units they organize; still-pinned first, then newest. */
    async list(actor: Actor, filter: { orgId?: number; beforeId?: number; limit: number }): Promise<{ announcements: Announcement[]; nextCursor: string | null }> {
      const policy = await directory.policy();
      if (filter.orgId !== undefined && !policy.tree.get(filter.orgId)) throw notFound('org');
      const orgIds = policy.managedUnits(actor);
      const { pinned, rest } = await announcements.list(actor.id, { orgIds, onlyOrg: filter.orgId, beforeId: filter.beforeId, limit: filter.limit });
      const last = rest.at(-1);
      return { announcements: [...pinned, ...rest], nextCursor: rest.length === filter.limit && last ? String(last.id) : null };
    },

    get: visible,

    /** The caller read it: idempotent; only an addressee's read counts (others: 204, nothing changes). */
    async markRead(actor: Actor, id: number): Promise<void> {
      await visible(actor, id);
      const first = await deps.uow.run((tx) => announcements.markRead(tx, id, actor.id));
      if (first) deps.events.readsChanged(id);
    },

    async reads(actor: Actor, id: number, page: { afterId?: number; limit: number }): Promise<AnnouncementReads & { nextCursor: string | null }> {
      await managed(actor, id);
      const [counts, unread] = await Promise.all([announcements.counts(id), announcements.unread(id, page)]);
      if (!counts) throw notFound('announcement');
      const last: UserRef | undefined = unread.at(-1);
      return { ...counts, unread, nextCursor: unread.length === page.limit && last ? String(last.id) : null };
    },

    /** An organizer over the unit follows the read count: `join` puts the socket in the watch room. */
    async watch(actor: Actor, id: number, join: () => unknown): Promise<{ audience: number; read: number }> {
      await managed(actor, id);
      await join();
      const counts = await announcements.counts(id);
      if (!counts) throw conflict('the announcement is gone');
      return counts;
    },

    counts: (id: number) => announcements.counts(id),

    /** May the actor still follow the read count (an organizer over the unit)? */
    mayWatch: (actor: Actor, id: number) => managed(actor, id).then(() => true, () => false),
  };
}

export type AnnouncementService = ReturnType<typeof createAnnouncementService>;
