import type { Knex } from 'knex';

/**
 * Open organizational life: calls for projects (tenders), bids and their supporters, the project library
 * and the meetings adopted from it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tenders', (t) => {
    t.increments('id').primary();
    t.integer('org_id').notNullable().references('id').inTable('orgs');
    t.string('title', 200).notNullable();
    t.text('description').notNullable();
    t.string('closes_at', 30).notNullable();
    // `open` or `awarded`; an open tender past `closes_at` reads as `closed`.
    t.string('status', 10).notNullable();
    t.integer('awarded_bid_id');
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['status', 'closes_at']);
  });
  await knex.schema.createTable('bids', (t) => {
    t.increments('id').primary();
    t.integer('tender_id').notNullable().references('id').inTable('tenders');
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('title', 200).notNullable();
    t.text('summary').notNullable();
    t.text('plan').notNullable();
    t.string('format', 200).notNullable();
    t.integer('supporters').notNullable().defaultTo(0);
    t.string('created_at', 30).notNullable();
    t.index(['tender_id', 'id']);
  });
  await knex.schema.createTable('bid_supports', (t) => {
    t.integer('bid_id').notNullable().references('id').inTable('bids');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.primary(['bid_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('projects', (t) => {
    t.increments('id').primary();
    t.string('title', 200).notNullable();
    t.text('summary').notNullable();
    t.text('plan').notNullable();
    t.string('format', 200).notNullable();
    t.text('topics').notNullable(); // a JSON array of short topic names
    t.integer('origin_tender_id').references('id').inTable('tenders');
    t.integer('origin_bid_id').unique().references('id').inTable('bids');
    t.integer('owner_org_id').notNullable().references('id').inTable('orgs');
    t.integer('adoptions').notNullable().defaultTo(0);
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
  });
  await knex.schema.alterTable('meetings', (t) => {
    t.integer('project_id').references('id').inTable('projects');
    t.index(['project_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meetings', (t) => {
    t.dropIndex(['project_id']);
    t.dropColumn('project_id');
  });
  for (const table of ['projects', 'bid_supports', 'bids', 'tenders']) await knex.schema.dropTableIfExists(table);
}
