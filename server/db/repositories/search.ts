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

/**
 * What to search: the kinds (all when null), how many of the newest matches, and how many are enough when
 * fewer are cheaper to find exactly (the newest ones down to a point, on PostgreSQL; default: the limit).
 */
export interface SearchOptions {
  kinds: SearchKind[] | null;
  limit: number;
  enough?: number;
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
  id: number;
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
/**
 * How many of the newest documents PostgreSQL reads before it asks the full-text index: of all of them for
 * the admin, of the searcher's rooms for a member (scattered over the table, so dearer to read). At a million
 * messages about 20 ms each, and a page of matches for any word not rare lately (docs/search.md).
 */
const NEWEST_WINDOW = 10_000;
const ROOMS_WINDOW = 4_000;
/** Up to this many rooms, a member's window is read room by room (index on room, id) and merged. */
const UNION_ROOMS = 50;

const fts5Query = (terms: QueryTerm[]) => terms.map((t) => (t.kind === 'phrase' ? `"${t.tokens.join(' ')}"` : `"${t.token}"*`)).join(' AND ');
/** The same as a PostgreSQL tsquery (tokens hold only letters and digits: nothing to escape). */
const tsQuery = (terms: QueryTerm[]) => terms.map((t) => (t.kind === 'phrase' ? `(${t.tokens.join(' <-> ')})` : `${t.token}:*`)).join(' & ');

/**
 * The search index (docs/search.md): documents and their full-text index, FTS5 on SQLite and a tsvector
 * with GIN on PostgreSQL. Searching applies the searcher's scope in the same query.
 */
export function createSearchRepo(knex: Knex, read: Knex = knex, options: { window?: number; unionRooms?: number } = {}) {
  const windowSize = options.window ?? NEWEST_WINDOW;
  const roomsWindowSize = options.window ?? ROOMS_WINDOW;
  const unionRooms = options.unionRooms ?? UNION_ROOMS;
  const postgres = knex.client.config.client === 'pg';

  const row = (d: SearchDoc) => ({
    kind: d.kind, item_id: d.itemId, room: d.room ?? null, org_id: d.orgId ?? null, parent_id: d.parentId ?? null, seq: d.seq ?? null,
    title: d.title.slice(0, 200), body: d.body, tokens: d.tokens, created_at: d.createdAt,
  });

  /** What the scope may read of the messages: the rooms it may use. */
  const readableMessages = (w: Knex.QueryBuilder, scope: SearchScope) => (scope.all ? w.where('d.kind', 'message') : w.where('d.kind', 'message').whereIn('d.room', scope.rooms));
  /** What the scope may read of everything else: its units' discussions, posts, projects, its announcements. */
  const readableOthers = (w: Knex.QueryBuilder, scope: SearchScope) => {
    w.whereNot('d.kind', 'message');
    if (scope.all) return w;
    return w.where((any) => {
      if (scope.discussionOrgs.length > 0) any.orWhere((m) => m.whereIn('d.kind', ['discussion', 'reply']).whereIn('d.org_id', scope.discussionOrgs));
      any.orWhereIn('d.kind', ['post', 'project']);
      any.orWhere((a) =>
        a.where('d.kind', 'announcement').andWhere((who) => {
          who.whereIn('d.item_id', read('announcement_reads').where('user_id', scope.userId).select('announcement_id'));
          if (scope.managedOrgs.length > 0) who.orWhereIn('d.org_id', scope.managedOrgs);
        }),
      );
    });
  };
  const readable = (w: Knex.QueryBuilder, scope: SearchScope) => {
    if (scope.all) return w;
    if (scope.rooms.length > 0) w.orWhere((m) => readableMessages(m, scope));
    return w.orWhere((o) => readableOthers(o, scope));
  };

  // The text comes back cut to its first 4,000 characters (a whole message): enough for a snippet and the
  // "as typed" check, and a page of long posts never moves megabytes.
  const columns = () => ['d.id', 'd.kind', 'd.item_id', 'd.room', 'd.parent_id', 'd.seq', 'd.title', read.raw('substr(d.body, 1, 4000) as body'), 'd.created_at'];

  /** The page of a query: newest first by `order`, the columns of a hit, the kinds asked for. */
  const finish = (query: Knex.QueryBuilder, opts: { kinds: SearchKind[] | null; limit: number }, order: string): Promise<DocRow[]> => {
    if (opts.kinds) query.whereIn('d.kind', opts.kinds);
    return query.orderBy(order, 'desc').limit(opts.limit).select(columns());
  };

  /**
   * The same, for what is known to be rare: every match first (the GIN index), then the newest of them. Asked
   * for the newest directly, the planner may walk the whole table backwards hoping to meet matches soon.
   */
  const finishRare = (query: Knex.QueryBuilder, opts: { kinds: SearchKind[] | null; limit: number }): Promise<DocRow[]> => {
    if (opts.kinds) query.whereIn('d.kind', opts.kinds);
    return read.withMaterialized('m', query.select(columns())).from('m').orderBy('id', 'desc').limit(opts.limit).select('*');
  };

  /**
   * PostgreSQL's planner misjudges phrases (their bigrams always come together, it multiplies their
   * frequencies) and then reads every match to sort them. So the newest documents the searcher may read
   * are asked first, a window closed by a LIMIT the planner cannot see through: if it holds a page of
   * matches, that page is exactly the newest (every readable document above the window's oldest is in it).
   * Otherwise the word is rare lately and the GIN index is the right plan for the whole table.
   */
  async function searchPostgres(tsq: string, scope: SearchScope, opts: SearchOptions): Promise<DocRow[]> {
    const match = (query: Knex.QueryBuilder) => query.whereRaw(`d.tsv @@ to_tsquery('simple', ?)`, [tsq]);
    if (scope.all) {
      const windowed = await finish(match(read.from(read('search_docs').orderBy('id', 'desc').limit(windowSize).select('*').as('d'))), opts, 'd.id');
      return windowed.length >= (opts.enough ?? opts.limit) ? windowed : finishRare(match(read('search_docs as d')), opts);
    }
    const wantsMessages = scope.rooms.length > 0 && (!opts.kinds || opts.kinds.includes('message'));
    const wantsOthers = !opts.kinds || opts.kinds.some((k) => k !== 'message');
    const [messages, others] = await Promise.all([
      wantsMessages ? roomMessages(match, scope, opts) : { rows: [], windowed: 0 },
      // The other kinds through their own GIN index (WHERE kind <> 'message'): a few thousand documents.
      wantsOthers ? finishRare(match(read('search_docs as d').where((w) => readableOthers(w, scope))), opts) : [],
    ]);
    // Messages from the window are exact down to their oldest only: nothing older may come before a message.
    const { rows, windowed } = messages;
    return [...rows, ...others.filter((o) => o.id >= windowed)].sort((a, b) => b.id - a.id).slice(0, opts.limit);
  }

  /**
   * The newest matching messages of the scope's rooms: their newest messages first, merged in id order.
   * `windowed`: the oldest id down to which the rows are exact, when the window gave enough but fewer than
   * the limit (0: the rows are the newest matches, however old).
   */
  async function roomMessages(match: (q: Knex.QueryBuilder) => Knex.QueryBuilder, scope: SearchScope, opts: SearchOptions): Promise<{ rows: DocRow[]; windowed: number }> {
    const newest = (query: Knex.QueryBuilder) => query.where('kind', 'message').orderBy('id', 'desc').limit(roomsWindowSize).select('*');
    // A few rooms: each read backwards on (room, id) and merged. Many rooms (an organizer of a district):
    // they hold much of the table, and reading it backwards with the room as a filter is as quick.
    const window =
      scope.rooms.length <= unionRooms
        ? read.select('*').from(read.unionAll(scope.rooms.map((room) => newest(read('search_docs').where('room', room))), true).orderBy('id', 'desc').limit(roomsWindowSize).as('w')).as('d')
        : newest(read('search_docs').whereIn('room', scope.rooms)).as('d');
    const rows = await finish(match(read.from(window)), { kinds: null, limit: opts.limit }, 'd.id');
    if (rows.length >= opts.limit) return { rows, windowed: 0 };
    if (rows.length >= (opts.enough ?? opts.limit)) return { rows, windowed: rows[rows.length - 1].id };
    return { rows: await finishRare(match(read('search_docs as d').where((w) => readableMessages(w, scope))), { kinds: null, limit: opts.limit }), windowed: 0 };
  }

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
     * Chat messages not indexed yet after `after` (the progress mark when null), oldest first (with their
     * author's name), read from a bounded range of ids so each batch costs its size however far behind the
     * index is; and the mark locked until the transaction ends (one indexer at a time across processes).
     * `scannedTo`: every message up to it was looked at; `newest`: the newest message id.
     */
    async unindexedMessages(tx: Tx, after: number | null, limit: number): Promise<{ messages: Array<{ id: number; roomId: string; seq: number; authorName: string; body: string; createdAt: string }>; scannedTo: number; newest: number }> {
      const db = sqlOf(tx);
      const progress = postgres ? await db('search_progress').where({ name: 'messages' }).forUpdate().first('last_id') : await db('search_progress').where({ name: 'messages' }).first('last_id');
      const from: number = after ?? progress?.last_id ?? 0;
      const until = from + 4 * limit;
      // The newest id before the messages: read after them, on PostgreSQL it could count messages committed between
      // the two reads as looked at, and the mark then passed messages nobody had indexed.
      const [{ max }] = await db('messages').max({ max: 'id' });
      const newest = Number(max ?? 0);
      const rows: Array<{ id: number; room_id: string; seq: number; author_name: string; body: string; created_at: string }> = await db('messages as m')
        .join('users as u', 'u.id', 'm.author_id')
        .where('m.id', '>', from)
        .andWhere('m.id', '<=', until)
        .whereNull('m.deleted_at')
        .whereNotExists(db('search_docs as d').where('d.kind', 'message').whereRaw('d.item_id = m.id').select(db.raw('1')))
        .orderBy('m.id')
        .limit(limit)
        .select('m.id', 'm.room_id', 'm.seq', 'u.name as author_name', 'm.body', 'm.created_at');
      const scannedTo = rows.length === limit ? rows[rows.length - 1].id : Math.max(from, Math.min(until, newest));
      return { scannedTo, newest, messages: rows.map((r) => ({ id: r.id, roomId: r.room_id, seq: r.seq, authorName: r.author_name, body: r.body, createdAt: r.created_at })) };
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
    /**
     * After indexing: PostgreSQL's GIN index keeps new entries in a pending list that every query reads
     * through from start to end (a catch-up of 15,000 messages made a rare word's query 90 ms instead of
     * 0.1 ms); merging it now costs what the next overflow would, outside any query. Nothing on SQLite.
     */
    async tidyIndex(): Promise<void> {
      if (postgres) await knex.raw("SELECT gin_clean_pending_list(i) FROM to_regclass('search_docs_tsv') AS i WHERE i IS NOT NULL");
    },
    /** The newest message id (how far the indexer has to go). */
    async messagesBehind(): Promise<number> {
      const [{ last }] = await read('search_progress').where({ name: 'messages' }).select('last_id as last');
      const [{ max }] = await read('messages').max({ max: 'id' });
      return Math.max(0, Number(max ?? 0) - Number(last));
    },

    /**
     * The newest documents (in the order they were indexed) matching every term that the scope may read.
     * Ordered by the document's id, not by when its item was written: the index hands matches out in id
     * order and stops at the limit, where a sort by time reads every match (docs/search.md, "Measured").
     * Only a catch-up after an outage indexes messages later than newer items; they still come out in
     * their own order, and never before what the searcher wrote since.
     */
    async search(terms: QueryTerm[], scope: SearchScope, opts: SearchOptions): Promise<SearchHit[]> {
      if (terms.length === 0) return [];
      const rows = postgres ? await searchPostgres(tsQuery(terms), scope, opts) : await finish(read('search_fts as f').join('search_docs as d', 'd.id', 'f.rowid').whereRaw('search_fts MATCH ?', [fts5Query(terms)]).where((w) => readable(w, scope)), opts, 'f.rowid');
      const hits = rows.map(toHit);
      // A message deleted while the indexer was writing it is never shown: checked against the messages.
      const messageIds = hits.filter((h) => h.kind === 'message').map((h) => h.itemId);
      if (messageIds.length === 0) return hits;
      const live = new Set(((await read('messages').whereIn('id', messageIds).whereNull('deleted_at').select('id')) as Array<{ id: number }>).map((r) => r.id));
      return hits.filter((h) => h.kind !== 'message' || live.has(h.itemId));
    },

    /**
     * The same search done the slow way, `LIKE '%word%'` over the messages, newest first (by id or by the time
     * written), of every room or of the given ones (the benchmark's baselines).
     */
    async scanMessages(word: string, limit: number, rooms?: string[], order: 'id' | 'time' = 'id'): Promise<number[]> {
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const query = read('messages').whereRaw("body like ? escape '\\'", [pattern]).whereNull('deleted_at');
      if (rooms) query.whereIn('room_id', rooms);
      // By id the scan may stop at the newest matches; by the time written (no index on it) it reads every row.
      const rows: Array<{ id: number }> = await query.orderBy(order === 'id' ? 'id' : 'created_at', 'desc').limit(limit).select('id');
      return rows.map((r) => r.id);
    },
  };
}

export type SearchRepo = ReturnType<typeof createSearchRepo>;
