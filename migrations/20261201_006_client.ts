import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // How far each member has read each room: unread = the room's last seq minus this.
  await knex.schema.createTable('room_reads', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('room_id', 40).notNullable().references('id').inTable('rooms');
    t.integer('read_seq').notNullable().defaultTo(0);
    t.string('updated_at', 30).notNullable();
    t.primary(['user_id', 'room_id']);
  });
  // The link of an online meeting (a video room elsewhere).
  await knex.schema.alterTable('meetings', (t) => {
    t.string('online_url', 500);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meetings', (t) => t.dropColumn('online_url'));
  await knex.schema.dropTableIfExists('room_reads');
}
