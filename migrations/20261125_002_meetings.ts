import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('meetings', (t) => {
    t.increments('id').primary();
    t.integer('host_org_id').notNullable().references('id').inTable('orgs');
    t.string('title', 200).notNullable();
    t.string('topic', 100);
    t.text('description');
    t.string('starts_at', 30).notNullable();
    t.string('ends_at', 30);
    t.string('location', 300);
    t.boolean('online').notNullable().defaultTo(false);
    t.integer('capacity').notNullable();
    t.string('open_to', 10).notNullable();
    t.string('status', 12).notNullable().defaultTo('open');
    // Counters kept on the row: the seat check is one conditional update of this row.
    t.integer('confirmed').notNullable().defaultTo(0);
    t.integer('waitlisted').notNullable().defaultTo(0);
    // Hands out waitlist order numbers in commit order; positions are ranks among these.
    t.integer('waitlist_counter').notNullable().defaultTo(0);
    // Bumped on every change of counts or status, so clients can drop an out-of-order counts event.
    t.integer('version').notNullable().defaultTo(0);
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['starts_at']);
    t.index(['host_org_id']);
  });

  await knex.schema.createTable('meeting_signups', (t) => {
    t.increments('id').primary();
    t.integer('meeting_id').notNullable().references('id').inTable('meetings').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('status', 12).notNullable(); // confirmed | waitlisted | cancelled | attended
    t.integer('waitlist_seq');
    t.string('check_in_code', 8).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('attended_at', 30);
    t.unique(['meeting_id', 'user_id']);
    t.unique(['meeting_id', 'check_in_code']);
    t.index(['meeting_id', 'status', 'waitlist_seq']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('notifications', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('kind', 40).notNullable();
    t.string('title', 300).notNullable();
    t.text('body').notNullable();
    t.text('data').notNullable(); // JSON
    t.string('created_at', 30).notNullable();
    t.string('read_at', 30);
    t.index(['user_id', 'read_at']);
  });

  // One row per reminder sent: the unique key makes "at most once per member and meeting" hold
  // across job retries and several workers.
  await knex.schema.createTable('meeting_reminders', (t) => {
    t.integer('meeting_id').notNullable().references('id').inTable('meetings').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('sent_at', 30).notNullable();
    t.primary(['meeting_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('meeting_reminders');
  await knex.schema.dropTableIfExists('notifications');
  await knex.schema.dropTableIfExists('meeting_signups');
  await knex.schema.dropTableIfExists('meetings');
}
