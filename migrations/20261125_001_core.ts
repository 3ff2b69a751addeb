import type { Knex } from 'knex';

// Times are ISO 8601 UTC strings (always Date#toISOString), which sort correctly as text on SQLite and
// PostgreSQL alike and come back unchanged from both drivers.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orgs', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    t.string('kind', 20).notNullable();
    t.integer('parent_id').references('id').inTable('orgs').onDelete('RESTRICT');
    t.string('created_at', 30).notNullable();
    t.index(['parent_id']);
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable().unique();
    t.string('password_hash', 200).notNullable();
    t.string('role', 10).notNullable().defaultTo('member');
    t.integer('branch_id').references('id').inTable('orgs').onDelete('RESTRICT');
    t.string('timezone', 64).notNullable().defaultTo('Asia/Shanghai');
    t.boolean('mobile').notNullable().defaultTo(false);
    t.string('location', 200);
    t.boolean('active').notNullable().defaultTo(true);
    t.string('created_at', 30).notNullable();
    t.string('deactivated_at', 30);
    t.index(['branch_id']);
  });

  await knex.schema.createTable('org_organizers', (t) => {
    t.integer('org_id').notNullable().references('id').inTable('orgs').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('created_at', 30).notNullable();
    t.primary(['org_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('auth_tokens', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('revoked_at', 30);
    t.index(['user_id']);
  });

  // One row per chat room; last_seq is the counter that hands out gap-free sequence numbers.
  await knex.schema.createTable('rooms', (t) => {
    t.string('id', 40).primary();
    t.integer('last_seq').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('messages', (t) => {
    t.increments('id').primary();
    t.string('room_id', 40).notNullable().references('id').inTable('rooms');
    t.integer('seq').notNullable();
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('client_id', 64).notNullable();
    t.text('body').notNullable();
    t.string('created_at', 30).notNullable();
    t.string('deleted_at', 30);
    t.integer('deleted_by');
    t.unique(['room_id', 'seq']);
    // Makes resends idempotent across processes and restarts.
    t.unique(['room_id', 'author_id', 'client_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('messages');
  await knex.schema.dropTableIfExists('rooms');
  await knex.schema.dropTableIfExists('auth_tokens');
  await knex.schema.dropTableIfExists('org_organizers');
  await knex.schema.dropTableIfExists('users');
  await knex.schema.dropTableIfExists('orgs');
}
