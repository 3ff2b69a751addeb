import type { Actor } from '../contract/model';
import type { Discussion, Reply } from '../contract/voice';
import type { DiscussionsRepo } from '../db/repositories/discussions';
import type { SearchRepo } from '../db/repositories/search';
import { conflict, notFound } from '../errors';
import type { Page } from '../util/paging';
import type { VoiceEvents } from './announcements';
import { auditEntry, changedFields, type AuditTrail } from './audit';
import type { OrgDirectory } from './orgDirectory';
import type { Policy } from './policy';
import type { Sessions, Tx } from './ports';
import { discussionWatchRoom } from '../contract/events';
import { searchDoc } from './search';
import type { UnitOfWork } from './unitOfWork';

const discussionDoc = (d: Discussion) => searchDoc({ kind: 'discussion', itemId: d.id, orgId: d.orgId, title: d.title, body: d.body, createdAt: d.createdAt });
const replyDoc = (r: Reply, d: Pick<Discussion, 'orgId' | 'title'>) => searchDoc({ kind: 'reply', itemId: r.id, orgId: d.orgId, parentId: r.discussionId, title: d.title, body: r.body, createdAt: r.createdAt });

/**
 * Discussions (thought exchange) per unit, open to whoever may use the unit's room. Replies are idempotent
 * by the author's `clientId`; a locked discussion takes no more. Organizers over the unit lock and hide;
 * hidden items are shown to them only, and leave the search index.
 */
export function createDiscussionService(deps: {
  discussions: DiscussionsRepo;
  search: SearchRepo;
  directory: OrgDirectory;
  uow: UnitOfWork;
  audit: AuditTrail;
  events: VoiceEvents;
  sessions: Pick<Sessions, 'syncRoom'>;
  /** Throws `rate_limited` when the actor writes too fast (threads and replies). */
  limit: (actor: Actor) => Promise<void>;
}) {
  const { discussions, directory } = deps;

  /** The discussion, if the actor may read it (hidden ones: organizers over the unit only). */
  async function readable(actor: Actor, id: number): Promise<{ discussion: Discussion; policy: Policy; moderator: boolean }> {
    const discussion = await discussions.find(id);
    if (!discussion) throw notFound('discussion');
    const policy = await directory.policy();
    policy.assert(actor, 'room.use', discussion.orgId);
    const moderator = policy.can(actor, 'discussion.moderate', discussion.orgId);
    if (discussion.hidden && !moderator) throw notFound('discussion');
    return { discussion, policy, moderator };
  }

  return {
    async create(actor: Actor, input: { orgId: number; title: string; body: string }): Promise<Discussion> {
      const policy = await directory.policy();
      if (!policy.tree.get(input.orgId)) throw notFound('org');
      policy.assert(actor, 'room.use', input.orgId);
      await deps.limit(actor);
      return deps.uow.run(async (tx) => {
        const saved = await discussions.insert(tx, { orgId: input.orgId, authorId: actor.id, title: input.title, body: input.body });
        await deps.search.put(tx, [discussionDoc(saved)]);
        return saved;
      });
    },

    /** Latest activity first: of one unit, or of every unit whose room the actor may use. */
    async list(actor: Actor, filter: { orgId?: number; limit: number; cursor?: string }): Promise<Page<Discussion>> {
      const policy = await directory.policy();
      let units: number[];
      if (filter.orgId !== undefined) {
        if (!policy.tree.get(filter.orgId)) throw notFound('org');
        policy.assert(actor, 'room.use', filter.orgId);
        units = [filter.orgId];
      } else {
        units = policy.tree.all().map((o) => o.id).filter((id) => policy.usesOrgRoom(actor, id));
      }
      return discussions.list(units, { showHiddenIn: units.filter((id) => policy.can(actor, 'discussion.moderate', id)), limit: filter.limit, cursor: filter.cursor });
    },

    /** The discussion and a page of its replies, oldest first after `afterId`. */
    async get(actor: Actor, id: number, page: { afterId?: number; limit: number }): Promise<{ discussion: Discussion; replies: Reply[]; nextCursor: string | null }> {
      const { discussion, moderator } = await readable(actor, id);
      const replies = await discussions.replies(id, { ...page, showHidden: moderator });
      const last = replies.at(-1);
      return { discussion, replies, nextCursor: replies.length === page.limit && last ? String(last.id) : null };
    },

    /** A reply, idempotent by `clientId`; watchers hear it live. */
    async reply(actor: Actor, id: number, input: { body: string; clientId: string }): Promise<{ reply: Reply; created: boolean }> {
      await readable(actor, id);
      await deps.limit(actor);
      return deps.uow.run(async (tx, effects) => {
        const outcome = await discussions.addReply(tx, { discussionId: id, authorId: actor.id, clientId: input.clientId, body: input.body });
        if (outcome === 'locked') throw conflict('this discussion is locked');
        if (outcome.created) {
          // Read under the row lock addReply took: a discussion hidden meanwhile keeps its replies out of search.
          const now = (await discussions.find(id, tx))!;
          if (!now.hidden) await deps.search.put(tx, [replyDoc(outcome.reply, now)]);
          effects.afterCommit(() => deps.events.replyAdded(outcome.reply));
        }
        return outcome;
      });
    },

    /** Locks or hides a discussion (organizers over the unit); hiding takes it and its replies out of search. */
    async moderate(actor: Actor, id: number, change: { locked?: boolean; hidden?: boolean }): Promise<Discussion> {
      const discussion = await discussions.find(id);
      if (!discussion) throw notFound('discussion');
      (await directory.policy()).assert(actor, 'discussion.moderate', discussion.orgId);
      return deps.uow.run(async (tx, effects) => {
        const saved = await discussions.setDiscussion(tx, id, change);
        if (saved.hidden !== discussion.hidden) await reindex(tx, saved);
        // Hidden: those watching it who may no longer read it stop hearing its replies, at once.
        if (saved.hidden && !discussion.hidden) effects.afterCommit(() => deps.sessions.syncRoom(discussionWatchRoom(id)));
        effects.afterCommit(() => deps.events.discussionChanged(saved));
        const diff = changedFields({ locked: discussion.locked, hidden: discussion.hidden }, { locked: saved.locked, hidden: saved.hidden });
        if (Object.keys(diff.after).length > 0) await deps.audit.append(tx, [auditEntry(actor, 'discussion.moderate', { type: 'discussion', id }, discussion.orgId, diff)]);
        return saved;
      });
    },

    async moderateReply(actor: Actor, replyId: number, hidden: boolean): Promise<Reply> {
      const reply = await discussions.findReply(replyId);
      if (!reply) throw notFound('reply');
      const discussion = (await discussions.find(reply.discussionId))!;
      (await directory.policy()).assert(actor, 'discussion.moderate', discussion.orgId);
      return deps.uow.run(async (tx) => {
        await discussions.lock(tx, reply.discussionId);
        const current = (await discussions.find(reply.discussionId, tx))!;
        const saved = await discussions.setReplyHidden(tx, replyId, hidden);
        if (hidden || current.hidden) await deps.search.remove(tx, 'reply', [replyId]);
        else await deps.search.put(tx, [replyDoc(saved, current)]);
        if (saved.hidden !== reply.hidden) await deps.audit.append(tx, [auditEntry(actor, 'reply.moderate', { type: 'reply', id: replyId }, discussion.orgId, { before: { hidden: reply.hidden }, after: { hidden } })]);
        return saved;
      });
    },

    /** May the actor still follow this discussion (it moved out of their units, or was hidden from them)? */
    mayWatch: (actor: Actor, id: number) => readable(actor, id).then(() => true, () => false),

    /** May the actor follow this discussion's replies? (`join` puts the socket in the watch room.) */
    async watch(actor: Actor, id: number, join: () => unknown): Promise<Record<string, never>> {
      await readable(actor, id);
      await join();
      return {};
    },
  };

  /** A discussion hidden or shown again: its document and its replies' leave or re-enter the index. */
  async function reindex(tx: Tx, d: Discussion): Promise<void> {
    if (d.hidden) {
      await deps.search.remove(tx, 'discussion', [d.id]);
      await deps.search.removeReplies(tx, d.id);
    } else {
      await deps.search.put(tx, [discussionDoc(d)]);
      for (let after = 0; ; ) {
        const page = await discussions.visibleReplies(tx, d.id, after, 1000);
        if (page.length === 0) break;
        await deps.search.put(tx, page.map((r) => replyDoc(r, d)));
        after = page[page.length - 1].id;
      }
    }
  }
}

export type DiscussionService = ReturnType<typeof createDiscussionService>;
