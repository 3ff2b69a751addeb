import type { Knex } from 'knex';

/**
 * Search at a million messages (docs/search.md, "Measured"): what the queries need to stay fast.
 *
 * SQLite: the FTS5 table again, with a prefix index of one character, so that a one-character query (a
 * prefix query over every bigram starting with it) reads one doclist instead of merging thousands; and
 * `automerge` 16 (fewer, larger segment merges while indexing). Both are rebuilt here from search_docs.
 *
 * PostgreSQL: the newest messages of a room in id order (a member's query reads the window of their
 * rooms first), and a GIN index over everything but messages (the other kinds are few and never
 * queued behind the message index).
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw("CREATE INDEX search_docs_room_id ON search_docs (room, id) WHERE kind = 'message'");
    await knex.raw("CREATE INDEX search_docs_tsv_other ON search_docs USING GIN (tsv) WHERE kind <> 'message'");
    return;
  }
  await dropFts(knex);
  await createFts(knex, "prefix='1'");
  await knex.raw("INSERT INTO search_fts(search_fts) VALUES ('rebuild')");
  await knex.raw("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 16)");
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP INDEX IF EXISTS search_docs_tsv_other');
    await knex.raw('DROP INDEX IF EXISTS search_docs_room_id');
    return;
  }
  await dropFts(knex);
  await createFts(knex, null);
  await knex.raw("INSERT INTO search_fts(search_fts) VALUES ('rebuild')");
}

async function dropFts(knex: Knex): Promise<void> {
  for (const trigger of ['search_docs_ai', 'search_docs_ad', 'search_docs_au']) await knex.raw(`DROP TRIGGER IF EXISTS ${trigger}`);
  await knex.raw('DROP TABLE IF EXISTS search_fts');
}

/** External-content FTS5 over search_docs.tokens, kept in step by triggers (as in 009). */
async function createFts(knex: Knex, prefix: string | null): Promise<void> {
  const options = ["content='search_docs'", "content_rowid='id'", "tokenize='unicode61 remove_diacritics 0'", ...(prefix ? [prefix] : [])];
  await knex.raw(`CREATE VIRTUAL TABLE search_fts USING fts5(tokens, ${options.join(', ')})`);
  await knex.raw('CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END');
  await knex.raw("CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END");
  await knex.raw("CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END");
}
