import type { Knex } from 'knex';
import type { Discussion, Reply } from '../../contract/voice';
import type { Clock, Tx } from '../../domain/ports';
import { decodeKey, encodeCursor, type Page } from '../../util/paging';
import { within } from '../tx';

interface DiscussionRow {
  id: number;
  org_id: number;
  author_id: number;
  author_name: string;
  title: string;
  body: string;
  created_at: string;
  last_activity_at: string;
  last_reply_at: string | null;
  replies: number;
  locked: number | boolean;
  hidden: number | boolean;
}

interface ReplyRow {
  id: number;
  discussion_id: number;
  author_id: number;
  author_name: string;
  body: string;
  client_id: string;
  created_at: string;
  hidden: number | boolean;
}

const toDiscussion = (r: DiscussionRow): Discussion => ({
  id: r.id, orgId: r.org_id, author: { id: r.author_id, name: r.author_name }, title: r.title, body: r.body, createdAt: r.created_at,
  lastReplyAt: r.last_reply_at, replies: r.replies, locked: Boolean(r.locked), hidden: Boolean(r.hidden),
});
const toReply = (r: ReplyRow): Reply => ({
  id: r.id, discussionId: r.discussion_id, author: { id: r.author_id, name: r.author_name }, body: r.body, clientId: r.client_id, createdAt: r.created_at, hidden: Boolean(r.hidden),
});

/** Discussions per unit and their replies (idempotent by the author's clientId, like chat). */
export function createDiscussionsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  const discussions = (db: Knex) => db('discussions as d').join('users as u', 'u.id', 'd.author_id').select('d.*', 'u.name as author_name');
  const replies = (db: Knex) => db('discussion_replies as r').join('users as u', 'u.id', 'r.author_id').select('r.*', 'u.name as author_name');

  return {
    async insert(tx: Tx, d: { orgId: number; authorId: number; title: string; body: string }): Promise<Discussion> {
      const db = within(tx, knex);
      const at = now();
      const [row] = await db('discussions').insert({ org_id: d.orgId, author_id: d.authorId, title: d.title, body: d.body, created_at: at, last_activity_at: at }).returning('id');
      return toDiscussion(await discussions(db).where('d.id', typeof row === 'object' ? row.id : row).first());
    },
    async find(id: number, tx?: Tx): Promise<Discussion | null> {
      const row: DiscussionRow | undefined = await discussions(within(tx, read)).where('d.id', id).first();
      return row ? toDiscussion(row) : null;
    },
    /** Latest activity first, in these units; hidden ones only where `showHidden` holds the unit. */
    async list(orgIds: number[], opts: { showHiddenIn: number[]; limit: number; cursor?: string }): Promise<Page<Discussion>> {
      if (orgIds.length === 0) return { items: [], nextCursor: null };
      const q = discussions(read).whereIn('d.org_id', orgIds).orderBy([{ column: 'd.last_activity_at', order: 'desc' }, { column: 'd.id', order: 'desc' }]).limit(opts.limit + 1);
      q.where((w) => {
        w.where('d.hidden', false);
        if (opts.showHiddenIn.length > 0) w.orWhereIn('d.org_id', opts.showHiddenIn);
      });
      const after = decodeKey<[string, number]>(opts.cursor, ['string', 'int']);
      if (after) q.where((w) => w.where('d.last_activity_at', '<', after[0]).orWhere((w2) => w2.where('d.last_activity_at', after[0]).andWhere('d.id', '<', after[1])));
      const rows = (await q) as DiscussionRow[];
      const items = rows.slice(0, opts.limit).map(toDiscussion);
      const last = rows[Math.min(rows.length, opts.limit) - 1];
      return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor([last.last_activity_at, last.id]) : null };
    },
    /** Replies oldest first, after the reply `afterId`; hidden ones only if `showHidden`. */
    async replies(discussionId: number, opts: { afterId?: number; limit: number; showHidden: boolean }): Promise<Reply[]> {
      const q = replies(read).where('r.discussion_id', discussionId).orderBy('r.id').limit(opts.limit);
      if (opts.afterId !== undefined) q.where('r.id', '>', opts.afterId);
      if (!opts.showHidden) q.where('r.hidden', false);
      return ((await q) as ReplyRow[]).map(toReply);
    },
    async findReply(id: number): Promise<Reply | null> {
      const row: ReplyRow | undefined = await replies(read).where('r.id', id).first();
      return row ? toReply(row) : null;
    },
    /**
     * Adds a reply unless the author already sent this clientId (then that reply is answered, `created`
     * false); only while the discussion is not locked (checked under the discussion's row lock).
     */
    async addReply(tx: Tx, r: { discussionId: number; authorId: number; clientId: string; body: string }): Promise<{ reply: Reply; created: boolean } | 'locked'> {
      const db = within(tx, knex);
      const existing: ReplyRow | undefined = await replies(db).where({ 'r.discussion_id': r.discussionId, 'r.author_id': r.authorId, 'r.client_id': r.clientId }).first();
      if (existing) return { reply: toReply(existing), created: false };
      await db('discussions').where({ id: r.discussionId }).update({ id: db.raw('id') }); // the row lock
      const state = await db('discussions').where({ id: r.discussionId }).first('locked');
      if (state?.locked) return 'locked';
      const at = now();
      const inserted: Array<{ id: number }> = await db('discussion_replies')
        .insert({ discussion_id: r.discussionId, author_id: r.authorId, client_id: r.clientId, body: r.body, created_at: at })
        .onConflict(['discussion_id', 'author_id', 'client_id'])
        .ignore()
        .returning('id');
      if (inserted.length === 0) return { reply: toReply(await replies(db).where({ 'r.discussion_id': r.discussionId, 'r.author_id': r.authorId, 'r.client_id': r.clientId }).first()), created: false };
      await db('discussions').where({ id: r.discussionId }).update({ replies: db.raw('replies + 1'), last_reply_at: at, last_activity_at: at });
      return { reply: toReply(await replies(db).where('r.id', inserted[0].id).first()), created: true };
    },
    async setDiscussion(tx: Tx, id: number, changes: { locked?: boolean; hidden?: boolean }): Promise<Discussion> {
      const db = within(tx, knex);
      const update: Record<string, boolean> = {};
      if (changes.locked !== undefined) update.locked = changes.locked;
      if (changes.hidden !== undefined) update.hidden = changes.hidden;
      if (Object.keys(update).length > 0) await db('discussions').where({ id }).update(update);
      return toDiscussion(await discussions(db).where('d.id', id).first());
    },
    /** Hides or shows a reply; `replies` counts the replies shown to members, so it follows. */
    async setReplyHidden(tx: Tx, id: number, hidden: boolean): Promise<Reply> {
      const db = within(tx, knex);
      const changed = await db('discussion_replies').where({ id }).whereNot('hidden', hidden).update({ hidden });
      if (changed > 0) {
        const { discussion_id: discussionId } = await db('discussion_replies').where({ id }).first('discussion_id');
        await db('discussions').where({ id: discussionId }).update({ replies: db.raw(hidden ? 'replies - 1' : 'replies + 1') });
      }
      return toReply(await replies(db).where('r.id', id).first());
    },
    /** A page of the replies that are not hidden (to index again when the discussion is shown again). */
    async visibleReplies(tx: Tx, discussionId: number, afterId: number, limit: number): Promise<Reply[]> {
      return ((await replies(within(tx, knex)).where('r.discussion_id', discussionId).andWhere('r.hidden', false).andWhere('r.id', '>', afterId).orderBy('r.id').limit(limit)) as ReplyRow[]).map(toReply);
    },
    /** Locks the discussion's row until the transaction ends (hiding and replying go one at a time). */
    async lock(tx: Tx, id: number): Promise<void> {
      await within(tx, knex)('discussions').where({ id }).update({ id: knex.raw('id') });
    },
    /** The latest discussions of these units (their watchers are re-checked when the units move). */
    async idsIn(orgIds: number[], limit = 1000): Promise<number[]> {
      if (orgIds.length === 0) return [];
      return ((await read('discussions').whereIn('org_id', orgIds).orderBy('id', 'desc').limit(limit).select('id')) as Array<{ id: number }>).map((r) => r.id);
    },
  };
}

export type DiscussionsRepo = ReturnType<typeof createDiscussionsRepo>;
