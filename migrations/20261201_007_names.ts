import type { Knex } from 'knex';

// Mentions look accounts up by their exact name (bounded reads, whatever the size of a room).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => t.index(['name'], 'users_name_index'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => t.dropIndex(['name'], 'users_name_index'));
}
