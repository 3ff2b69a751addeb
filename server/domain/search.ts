import { meetingRoomId, orgRoomId } from '../contract/events';
import type { Actor } from '../contract/model';
import type { SearchKind, SearchResult } from '../contract/voice';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { SearchDoc, SearchHit, SearchRepo, SearchScope } from '../db/repositories/search';
import type { OrgDirectory } from './orgDirectory';
import { rateLimited } from '../errors';
import type { Clock, RateLimiter, Transactions } from './ports';

/**
 * How many of the newest matches a query of several words ranks by "holds the query as typed" (at least a
 * page of them: where fewer are cheaper to find exactly, those).
 */
const EXACT_WINDOW = 100;
/** Text compared the way the index sees it (full-width folded, lower case, any script), cut to a bound. */
const fold = (text: string) => text.slice(0, 16_000).normalize('NFKC').toLowerCase();

/** How old a message must be to count as committed for good (longer than any write transaction takes). */
const SETTLE_MS = 2000;
/** Messages indexed per transaction. */
const BATCH = 1000;
import { indexTokens, queryTerms, snippetOf } from './searchText';

/** A document of an item, tokenized: what each feature hands the index when its item is written. */
export function searchDoc(doc: Omit<SearchDoc, 'tokens'>): SearchDoc {
  return { ...doc, tokens: indexTokens(`${doc.title}\n${doc.body}`) };
}

/**
 * Search across what the searcher may read: messages of the rooms they may use, discussions and replies of
 * their units, published posts, announcements addressed to them (or of the units they run). Results whose
 * text holds the whole query come first, then those holding every word; newest first within each.
 */
export function createSearchService(deps: { search: SearchRepo; meetings: Pick<MeetingsRepo, 'signupsOfUser' | 'idsHostedBy' | 'find'>; directory: OrgDirectory; limiter?: RateLimiter | null }) {
  async function scopeOf(actor: Actor): Promise<SearchScope> {
    const policy = await deps.directory.policy();
    if (policy.managesAll(actor)) return { all: true, userId: actor.id, rooms: [], discussionOrgs: [], managedOrgs: [] };
    const managed = policy.managedUnits(actor);
    const units = new Set(managed);
    if (actor.branchId !== null) for (const org of policy.tree.lineage(actor.branchId)) units.add(org.id);
    const seats = (await deps.meetings.signupsOfUser(actor.id)).filter((s) => (s.status === 'confirmed' || s.status === 'attended') && s.meetingStatus !== 'cancelled').map((s) => s.meetingId);
    const hosted = managed.length > 0 ? await deps.meetings.idsHostedBy(managed) : [];
    return {
      all: false,
      userId: actor.id,
      rooms: [...[...units].map(orgRoomId), ...[...new Set([...seats, ...hosted])].map(meetingRoomId)],
      discussionOrgs: [...units],
      managedOrgs: managed,
    };
  }

  /** The results, with each message's room named (a unit's name, a meeting's title). */
  async function results(hits: SearchHit[], q: string): Promise<SearchResult[]> {
    const tree = await deps.directory.current();
    const meetingIds = [...new Set(hits.map((h) => h.room).filter((r): r is string => r?.startsWith('meeting:') ?? false).map((r) => Number(r.slice(8))))];
    const titles = new Map<number, string>();
    for (const id of meetingIds) {
      const meeting = await deps.meetings.find(id);
      if (meeting) titles.set(id, meeting.title);
    }
    const roomName = (room: string) =>
      room.startsWith('org:') ? tree.get(Number(room.slice(4)))?.name : room.startsWith('meeting:') ? titles.get(Number(room.slice(8))) : undefined;
    return hits.map((hit) => toResult(hit, q, hit.room ? roomName(hit.room) : undefined));
  }

  const toResult = (hit: SearchHit, q: string, roomName: string | undefined): SearchResult => ({
    kind: hit.kind,
    id: hit.itemId,
    title: hit.title,
    snippet: snippetOf(hit.body || hit.title, q),
    ...(hit.room && hit.seq !== null ? { roomId: hit.room, seq: hit.seq, ...(roomName ? { roomName } : {}) } : {}),
    ...(hit.kind === 'reply' && hit.parentId !== null ? { discussionId: hit.parentId } : {}),
    createdAt: hit.createdAt,
  });

  return {
    async search(actor: Actor, input: { q: string; kind?: SearchKind; limit: number }): Promise<SearchResult[]> {
      if (deps.limiter && !(await deps.limiter.consume(`search:${actor.id}`))) throw rateLimited('you are searching too fast; wait a few seconds');
      const terms = queryTerms(input.q);
      if (terms.length === 0) return [];
      const scope = await scopeOf(actor);
      const kinds = input.kind ? [input.kind] : null;
      if (terms.length === 1) return results(await deps.search.search(terms, scope, { kinds, limit: input.limit }), input.q);
      // Several terms: of the newest matches, those holding the query as typed come first (checked here, on a
      // bounded set, never as a scan in the database).
      const whole = fold(input.q).trim();
      const hits = await deps.search.search(terms, scope, { kinds, limit: EXACT_WINDOW, enough: input.limit });
      const exact = hits.filter((h) => fold(h.title).includes(whole) || fold(h.body).includes(whole));
      const rest = hits.filter((h) => !exact.includes(h));
      return results([...exact, ...rest].slice(0, input.limit), input.q);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;

/**
 * Indexes chat messages behind the send path: a batch of stored messages nudges it, and it writes the
 * documents of everything after its progress mark in batches of up to 1,000 (one transaction each, the
 * mark locked so one process indexes at a time). Nothing is lost to a crash: the mark moves with the
 * documents, and a restart catches up. The send acknowledgement never waits for it.
 */
export class SearchIndexer {
  private timer: NodeJS.Timeout | null = null;
  private settle: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly deps: { search: SearchRepo; transactions: Transactions; clock: Clock },
    private readonly delayMs = 50,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly batchSize = BATCH,
  ) {}

  /** New messages were stored: index them soon (and once more when they are settled, to move the mark). */
  nudge(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.delayMs);
    this.timer.unref?.();
    if (!this.settle) {
      this.settle = setTimeout(() => {
        this.settle = null;
        void this.run();
      }, SETTLE_MS + 500);
      this.settle.unref?.();
    }
  }

  /** Indexes everything stored so far (tests and shutdown wait on it). */
  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          // A cursor for this run: every batch starts where the last one stopped looking (the mark itself
          // waits for messages to settle, and the next run starts from it again).
          let cursor: number | null = null;
          let indexed = 0;
          for (let more = true; more && !this.closed; ) {
            const done = await this.batch(cursor);
            ({ next: cursor, more } = done);
            indexed += done.indexed;
          }
          if (indexed > 0) await this.deps.search.tidyIndex();
        } while (this.again && !this.closed);
      } catch (error) {
        this.onError(error);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private batch(after: number | null): Promise<{ next: number; more: boolean; indexed: number }> {
    return this.deps.transactions.write(async (tx) => {
      const { messages, scannedTo, newest } = await this.deps.search.unindexedMessages(tx, after, this.batchSize);
      if (messages.length > 0) {
        await this.deps.search.put(
          tx,
          messages.map((m) => searchDoc({ kind: 'message', itemId: m.id, room: m.roomId, seq: m.seq, title: m.authorName, body: m.body, createdAt: m.createdAt })),
        );
      }
      await this.deps.search.markIndexed(tx, scannedTo, new Date(this.deps.clock.now() - SETTLE_MS).toISOString());
      return { next: scannedTo, more: scannedTo < newest, indexed: messages.length };
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.settle) clearTimeout(this.settle);
    this.timer = null;
    this.settle = null;
    await this.run();
    this.closed = true;
  }
}
