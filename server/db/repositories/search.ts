import type { Knex } from 'knex';
import type { SearchKind } from '../../contract/voice';
import type { QueryTerm } from '../../domain/searchText';
import type { Tx } from '../../domain/ports';
import { sqlOf, within } from '../tx';

/** One searchable item as indexed: what it is, who may read it (room / unit), its text and its tokens. */
export interface SearchDoc {
  kind: SearchKind;
  itemId: number;
  room?: string | null;
  orgId?: number | null;
  parentId?: number | null;
  seq?: number | null;
  title: string;
  body: string;
  tokens: string;
  createdAt: string;
}

/** Who may read what, as the index sees it. `all`: the admin. */
export interface SearchScope {
  all: boolean;
  userId: number;
  /** Chat rooms the searcher may use. */
  rooms: string[];
  /** Units whose discussions the searcher may read. */
  discussionOrgs: number[];
  /** Units whose announcements the searcher manages (besides those addressed to them). */
  managedOrgs: number[];
}

export interface SearchHit {
  kind: SearchKind;
  itemId: number;
  room: string | null;
  parentId: number | null;
  seq: number | null;
  title: string;
  body: string;
  createdAt: string;
}

interface DocRow {
  kind: string;
  item_id: number;
  room: string | null;
  parent_id: number | null;
  seq: number | null;
  title: string;
  body: string;
  created_at: string;
}

const toHit = (r: DocRow): SearchHit => ({ kind: r.kind as SearchKind, itemId: r.item_id, room: r.room, parentId: r.parent_id, seq: r.seq, title: r.title, body: r.body, createdAt: r.created_at });

/** The FTS5 query of the terms: phrases of consecutive tokens, prefixes, all of them (AND). */
const fts5Query = (terms: QueryTerm[]) => terms.map((t) => (t.kind === 'phrase' ? `"${t.tokens.join(' ')}"` : `"${t.token}"*`)).join(' AND ');
/** The same as a PostgreSQL tsquery (tokens hold only letters and digits: nothing to escape). */
const tsQuery = (terms: QueryTerm[]) => terms.map((t) => (t.kind === 'phrase' ? `(${t.tokens.join(' <-> ')})` : `${t.token}:*`)).join(' & ');

/**
 * The search index (docs/search.md): documents and their full-text index, FTS5 on SQLite and a tsvector
 * with GIN on PostgreSQL. Searching applies the searcher's scope in the same query.
 */
export function createSearchRepo(knex: Knex, read: Knex = knex) {
  const postgres = knex.client.config.client === 'pg';

  const row = (d: SearchDoc) => ({
    kind: d.kind, item_id: d.itemId, room: d.room ?? null, org_id: d.orgId ?? null, parent_id: d.parentId ?? null, seq: d.seq ?? null,
    title: d.title.slice(0, 200), body: d.body, tokens: d.tokens, created_at: d.createdAt,
  });

  return {
    /** Adds or replaces documents (one statement per 200). */
    async put(tx: Tx | undefined, docs: SearchDoc[]): Promise<void> {
      const db = within(tx, knex);
      for (let i = 0; i < docs.length; i += 200) {
        await db('search_docs').insert(docs.slice(i, i + 200).map(row)).onConflict(['kind', 'item_id']).merge(['room', 'org_id', 'parent_id', 'seq', 'title', 'body', 'tokens', 'created_at']);
      }
    },
    async remove(tx: Tx | undefined, kind: SearchKind, itemIds: number[]): Promise<void> {
      for (let i = 0; i < itemIds.length; i += 500) await within(tx, knex)('search_docs').where('kind', kind).whereIn('item_id', itemIds.slice(i, i + 500)).delete();
    },
    /** Every reply of a discussion (one statement, however many). */
    async removeReplies(tx: Tx, discussionId: number): Promise<void> {
      await within(tx, knex)('search_docs').where({ kind: 'reply', parent_id: discussionId }).delete();
    },

    /**
     * Chat messages not indexed yet, after the progress mark, oldest first (with their author's name), and
     * the mark locked until the transaction ends (one indexer at a time across processes).
     */
    async unindexedMessages(tx: Tx, limit: number): Promise<{ lastId: number; messages: Array<{ id: number; roomId: string; seq: number; authorName: string; body: string; createdAt: string }> }> {
      const db = sqlOf(tx);
      const progress = postgres ? await db('search_progress').where({ name: 'messages' }).forUpdate().first('last_id') : await db('search_progress').where({ name: 'messages' }).first('last_id');
      const lastId: number = progress?.last_id ?? 0;
      const rows: Array<{ id: number; room_id: string; seq: number; author_name: string; body: string; created_at: string }> = await db('messages as m')
        .join('users as u', 'u.id', 'm.author_id')
        .where('m.id', '>', lastId)
        .whereNull('m.deleted_at')
        .whereNotExists(db('search_docs as d').where('d.kind', 'message').whereRaw('d.item_id = m.id').select(db.raw('1')))
        .orderBy('m.id')
        .limit(limit)
        .select('m.id', 'm.room_id', 'm.seq', 'u.name as author_name', 'm.body', 'm.created_at');
      return { lastId, messages: rows.map((r) => ({ id: r.id, roomId: r.room_id, seq: r.seq, authorName: r.author_name, body: r.body, createdAt: r.created_at })) };
    },
    /**
     * Moves the mark up to `upTo`, but never past a message written after `settledBefore`: on PostgreSQL a
     * transaction that took a lower id may commit after a higher one, so only messages old enough to be
     * surely committed are passed for good (newer ones are indexed already and looked at again next time).
     */
    async markIndexed(tx: Tx, upTo: number, settledBefore: string): Promise<void> {
      const db = sqlOf(tx);
      const [{ settled }] = await db('messages').where('id', '<=', upTo).andWhere('created_at', '<', settledBefore).max({ settled: 'id' });
      if (settled === null || settled === undefined) return;
      await db('search_progress').where({ name: 'messages' }).andWhere('last_id', '<', Number(settled)).update({ last_id: Number(settled) });
    },
    /** The newest message id (how far the indexer has to go). */
    async messagesBehind(): Promise<number> {
      const [{ last }] = await read('search_progress').where({ name: 'messages' }).select('last_id as last');
      const [{ max }] = await read('messages').max({ max: 'id' });
      return Math.max(0, Number(max ?? 0) - Number(last));
    },

    /**
     * The newest documents matching every term that the scope may read, newest first.
     */
    async search(terms: QueryTerm[], scope: SearchScope, opts: { kinds: SearchKind[] | null; limit: number }): Promise<SearchHit[]> {
      if (terms.length === 0) return [];
      const query = postgres
        ? read('search_docs as d').whereRaw(`d.tsv @@ to_tsquery('simple', ?)`, [tsQuery(terms)])
        : read('search_fts as f').join('search_docs as d', 'd.id', 'f.rowid').whereRaw('search_fts MATCH ?', [fts5Query(terms)]);
      // Newest first by when the item was written (documents may be indexed later than written: catch-up).
      query.orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }]);
      // The text comes back cut to its first 4,000 characters (a whole message): enough for a snippet and the
      // "as typed" check, and a page of long posts never moves megabytes.
      query.select('d.kind', 'd.item_id', 'd.room', 'd.parent_id', 'd.seq', 'd.title', read.raw('substr(d.body, 1, 4000) as body'), 'd.created_at').limit(opts.limit);
      if (opts.kinds) query.whereIn('d.kind', opts.kinds);
      if (!scope.all) {
        query.where((w) => {
          if (scope.rooms.length > 0) w.orWhere((m) => m.where('d.kind', 'message').whereIn('d.room', scope.rooms));
          if (scope.discussionOrgs.length > 0) w.orWhere((m) => m.whereIn('d.kind', ['discussion', 'reply']).whereIn('d.org_id', scope.discussionOrgs));
          w.orWhereIn('d.kind', ['post', 'project']);
          w.orWhere((a) =>
            a.where('d.kind', 'announcement').andWhere((who) => {
              who.whereIn('d.item_id', read('announcement_reads').where('user_id', scope.userId).select('announcement_id'));
              if (scope.managedOrgs.length > 0) who.orWhereIn('d.org_id', scope.managedOrgs);
            }),
          );
        });
      }
      const hits = ((await query) as DocRow[]).map(toHit);
      // A message deleted while the indexer was writing it is never shown: checked against the messages.
      const messageIds = hits.filter((h) => h.kind === 'message').map((h) => h.itemId);
      if (messageIds.length === 0) return hits;
      const live = new Set(((await read('messages').whereIn('id', messageIds).whereNull('deleted_at').select('id')) as Array<{ id: number }>).map((r) => r.id));
      return hits.filter((h) => h.kind !== 'message' || live.has(h.itemId));
    },

    /** The same search done the slow way, `LIKE '%word%'` over the messages (the benchmark's baseline). */
    async scanMessages(word: string, limit: number): Promise<number[]> {
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows: Array<{ id: number }> = await read('messages').whereRaw("body like ? escape '\\'", [pattern]).whereNull('deleted_at').orderBy('id', 'desc').limit(limit).select('id');
      return rows.map((r) => r.id);
    },
  };
}

export type SearchRepo = ReturnType<typeof createSearchRepo>;
