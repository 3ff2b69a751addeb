import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The language a member reads the app and their notifications in.
  await knex.schema.alterTable('users', (t) => {
    t.string('language', 8).notNullable().defaultTo('zh-CN');
  });
  // Notifications that coalesce (one caller's missed calls to one callee within 10 minutes) share a key.
  await knex.schema.alterTable('notifications', (t) => {
    t.string('group_key', 80);
    t.index(['user_id', 'group_key', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['user_id', 'group_key', 'created_at']);
    t.dropColumn('group_key');
  });
  await knex.schema.alterTable('users', (t) => t.dropColumn('language'));
}
