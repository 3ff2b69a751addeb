import { describe, expect, it } from 'vitest';
import { createSearchRepo, type SearchScope } from '../../server/db/repositories/search';
import { SearchIndexer } from '../../server/domain/search';
import { queryTerms } from '../../server/domain/searchText';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

// Messages written straight into the tables (the chat path is tested elsewhere), in rooms of this file's own.
const ROOMS = ['w:0', 'w:1', 'w:2', 'w:3', 'w:4', 'w:5'];
const WORDS = ['党费', '党费', '党费', '学习', '座谈会', '今天天气很好', '收到'];

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('search windows and bounded indexing', () => {
  it('indexes past a long run of deleted messages in bounded batches, and every window answers exactly as the whole index', async () => {
    const { knex } = env.server.db;
    const next = random(7);
    const author = env.d.alice.user.id;
    for (const id of ROOMS) await knex('rooms').insert({ id, last_seq: 0 });
    const written: Array<{ id: number; room: string; body: string; deleted: boolean }> = [];
    for (let i = 0; i < 300; i++) {
      // Room w:0 is the busy one; two old messages hold a rare word.
      const room = next() < 0.5 ? ROOMS[0] : ROOMS[1 + Math.floor(next() * 5)];
      const body = i === 3 || i === 40 ? '稀有的词出现了' : `${WORDS[Math.floor(next() * WORDS.length)]}，${WORDS[Math.floor(next() * WORDS.length)]}`;
      // A run of 40 deleted messages (more than four batches) and a few scattered ones.
      const deleted = (i >= 100 && i < 140) || i % 37 === 0;
      const [row] = await knex('messages')
        .insert({ room_id: room, seq: i + 1, author_id: author, client_id: `w${i}`, body, created_at: new Date(Date.now() - (300 - i) * 1000).toISOString(), deleted_at: deleted ? new Date().toISOString() : null })
        .returning('id');
      written.push({ id: typeof row === 'object' ? row.id : row, room, body, deleted });
    }

    // Index with batches of 5 (a clock past the settling time, so the mark may pass everything).
    const repo = createSearchRepo(knex, env.server.db.read);
    let reads = 0;
    const counted = { ...repo, unindexedMessages: (...args: Parameters<typeof repo.unindexedMessages>) => (reads++, repo.unindexedMessages(...args)) };
    await new SearchIndexer({ search: counted, transactions: env.server.db.transactions, clock: { now: () => Date.now() + 60_000 } }, 50, (e) => { throw e; }, 5).run();
    const indexed = new Set((await knex('search_docs').where('kind', 'message').whereIn('room', ROOMS).pluck('item_id')).map(Number));
    expect(written.filter((m) => !m.deleted).every((m) => indexed.has(m.id))).toBe(true);
    expect(written.filter((m) => m.deleted).some((m) => indexed.has(m.id))).toBe(false);
    const [{ last_id: mark }] = await knex('search_progress').where({ name: 'messages' }).select('last_id');
    expect(Number(mark)).toBeGreaterThanOrEqual(written[written.length - 1].id);
    // Each read looks at no more than 20 ids: 300 messages, some already indexed by the server's own indexer.
    expect(reads).toBeLessThanOrEqual(Math.ceil(written[written.length - 1].id / 5) + 2);

    const scopes: SearchScope[] = [
      { all: true, userId: 0, rooms: [], discussionOrgs: [], managedOrgs: [] },
      { all: false, userId: env.d.alice.user.id, rooms: ['w:0', 'w:3'], discussionOrgs: [], managedOrgs: [] },
      { all: false, userId: env.d.alice.user.id, rooms: ['w:1', 'w:2', 'w:4', 'w:5'], discussionOrgs: [], managedOrgs: [] },
    ];
    const queries = ['党费', '学习', '座谈会', '稀有', '今天 学习', '费'];
    let compared = 0;
    for (const windowSize of [3, 10, 50, 1_000_000]) {
      for (const unionRooms of [50, 1]) {
        const windowed = createSearchRepo(knex, env.server.db.read, { window: windowSize, unionRooms });
        for (const scope of scopes) {
          for (const q of queries) {
            const parts = q.split(' ');
            for (const limit of [1, 5, 20]) {
              const expected = written
                .filter((m) => !m.deleted && (scope.all || scope.rooms.includes(m.room)) && parts.every((p) => m.body.includes(p)))
                .sort((a, b) => b.id - a.id)
                .slice(0, limit)
                .map((m) => m.id);
              const label = `${q} window ${windowSize} union ≤ ${unionRooms} rooms ${scope.rooms.join(',') || 'all'} limit ${limit}`;
              const hits = await windowed.search(queryTerms(q), scope, { kinds: null, limit });
              expect(hits.map((h) => h.itemId), label).toEqual(expected);
              // With fewer enough: at least that many (or all there are), always the newest ones.
              const some = (await windowed.search(queryTerms(q), scope, { kinds: null, limit, enough: 1 })).map((h) => h.itemId);
              expect(some.length, label).toBeGreaterThanOrEqual(Math.min(1, expected.length));
              expect(some, label).toEqual(expected.slice(0, some.length));
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBe(4 * 2 * 3 * 6 * 3);
  });
});
