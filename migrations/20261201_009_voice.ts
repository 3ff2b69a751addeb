import type { Knex } from 'knex';

/**
 * The district's voice: announcements with their fixed audience and reads, discussions and replies,
 * member blogs and comments, and the search index (documents, with a full-text index of their tokens:
 * FTS5 on SQLite, a tsvector with GIN on PostgreSQL; see docs/search.md).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('announcements', (t) => {
    t.increments('id').primary();
    t.integer('org_id').notNullable().references('id').inTable('orgs');
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.string('pinned_until', 30);
    t.integer('audience').notNullable();
    t.integer('read_count').notNullable().defaultTo(0);
    t.string('created_at', 30).notNullable();
    t.index(['org_id', 'id']);
  });
  // The audience, fixed when published: one row per addressee, read_at set once.
  await knex.schema.createTable('announcement_reads', (t) => {
    t.integer('announcement_id').notNullable().references('id').inTable('announcements');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('read_at', 30);
    t.primary(['announcement_id', 'user_id']);
    t.index(['user_id', 'announcement_id']);
  });

  await knex.schema.createTable('discussions', (t) => {
    t.increments('id').primary();
    t.integer('org_id').notNullable().references('id').inTable('orgs');
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('last_activity_at', 30).notNullable();
    t.string('last_reply_at', 30);
    t.integer('replies').notNullable().defaultTo(0);
    t.boolean('locked').notNullable().defaultTo(false);
    t.boolean('hidden').notNullable().defaultTo(false);
    t.index(['org_id', 'last_activity_at']);
  });
  await knex.schema.createTable('discussion_replies', (t) => {
    t.increments('id').primary();
    t.integer('discussion_id').notNullable().references('id').inTable('discussions');
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('client_id', 64).notNullable();
    t.text('body').notNullable();
    t.string('created_at', 30).notNullable();
    t.boolean('hidden').notNullable().defaultTo(false);
    t.unique(['discussion_id', 'author_id', 'client_id']);
    t.index(['discussion_id', 'id']);
  });

  await knex.schema.createTable('posts', (t) => {
    t.increments('id').primary();
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.string('status', 10).notNullable();
    t.boolean('featured').notNullable().defaultTo(false);
    t.string('published_at', 30);
    t.integer('comments').notNullable().defaultTo(0);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('removed_at', 30);
    t.integer('removed_by').references('id').inTable('users');
    t.index(['status', 'published_at']);
    t.index(['author_id', 'id']);
  });
  await knex.schema.createTable('post_comments', (t) => {
    t.increments('id').primary();
    t.integer('post_id').notNullable().references('id').inTable('posts');
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.text('body').notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['post_id', 'id']);
  });

  // One row per searchable item: who may read it is decided by `room` (a chat room), `org_id` (a unit's
  // discussions, an announcement's unit) or its kind; `tokens` is the segmented text (docs/search.md).
  await knex.schema.createTable('search_docs', (t) => {
    t.increments('id').primary();
    t.string('kind', 16).notNullable();
    t.integer('item_id').notNullable();
    t.string('room', 40);
    t.integer('org_id');
    t.integer('parent_id'); // a reply's discussion
    t.integer('seq'); // a message's seq in its room
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.text('tokens').notNullable();
    t.string('created_at', 30).notNullable();
    t.unique(['kind', 'item_id']);
    t.index(['room']);
  });
  // How far chat messages have been indexed (they are indexed in batches, behind the send path).
  await knex.schema.createTable('search_progress', (t) => {
    t.string('name', 20).primary();
    t.integer('last_id').notNullable();
  });
  await knex('search_progress').insert({ name: 'messages', last_id: 0 });

  if (knex.client.config.client === 'pg') {
    await knex.raw("ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED");
    await knex.raw('CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv)');
    await knex.raw('CREATE INDEX search_docs_created ON search_docs (created_at DESC)');
  } else {
    // External-content FTS5 over search_docs.tokens, kept in step by triggers.
    await knex.raw("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_docs', content_rowid='id', tokenize='unicode61 remove_diacritics 0')");
    await knex.raw('CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END');
    await knex.raw("CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END");
    await knex.raw("CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END");
    await knex.raw('CREATE INDEX search_docs_created ON search_docs (created_at)');
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS search_docs_ai');
    await knex.raw('DROP TRIGGER IF EXISTS search_docs_ad');
    await knex.raw('DROP TRIGGER IF EXISTS search_docs_au');
    await knex.raw('DROP TABLE IF EXISTS search_fts');
  }
  for (const table of ['search_progress', 'search_docs', 'post_comments', 'posts', 'discussion_replies', 'discussions', 'announcement_reads', 'announcements']) {
    await knex.schema.dropTableIfExists(table);
  }
}
