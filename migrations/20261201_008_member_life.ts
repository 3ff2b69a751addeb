import type { Knex } from 'knex';

/**
 * Member life across branches: signs of life, reports home, relationship transfers and the branch
 * history they write, training, and the append-only audit log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    // Set while a transfer is pending (status `in_transit`); the last sign of life, written coalesced.
    t.boolean('in_transit').notNullable().defaultTo(false);
    t.string('last_seen_at', 30);
  });

  await knex.schema.createTable('member_reports', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('location', 200).notNullable();
    t.boolean('mobile').notNullable();
    t.string('note', 1000);
    t.string('at', 30).notNullable();
    t.index(['user_id', 'id']);
  });

  await knex.schema.createTable('transfers', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('users');
    t.integer('from_branch_id').notNullable().references('id').inTable('orgs');
    t.integer('to_branch_id').notNullable().references('id').inTable('orgs');
    t.string('reason', 1000).notNullable();
    t.string('destination', 200);
    t.string('status', 12).notNullable();
    t.integer('requested_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('completed_at', 30);
    t.index(['member_id']);
    t.index(['from_branch_id', 'status']);
    t.index(['to_branch_id', 'status']);
  });
  // One pending transfer per member, whoever asks and however many processes race.
  await knex.raw("CREATE UNIQUE INDEX transfers_one_pending ON transfers (member_id) WHERE status IN ('pending_out', 'pending_in')");

  await knex.schema.createTable('transfer_steps', (t) => {
    t.increments('id').primary();
    t.integer('transfer_id').notNullable().references('id').inTable('transfers');
    t.string('action', 16).notNullable();
    t.integer('by_id').notNullable().references('id').inTable('users');
    t.string('at', 30).notNullable();
    t.string('note', 1000);
    t.index(['transfer_id']);
  });

  // A member's branches over time. Rows exist once a member has moved: the first closes the branch they
  // were created in. `from_period` is the first dues period owed to the branch (the completion month).
  await knex.schema.createTable('branch_history', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.integer('branch_id').notNullable().references('id').inTable('orgs');
    t.string('from_at', 30).notNullable();
    t.string('to_at', 30);
    t.string('from_period', 7);
    t.integer('transfer_id').references('id').inTable('transfers');
    t.index(['user_id']);
    t.index(['branch_id']);
  });

  await knex.schema.createTable('trainings', (t) => {
    t.increments('id').primary();
    t.integer('org_id').notNullable().references('id').inTable('orgs');
    t.string('title', 200).notNullable();
    t.string('kind', 12).notNullable();
    t.string('description', 5000);
    t.string('starts_at', 30);
    t.decimal('hours', 6, 2).notNullable();
    t.integer('meeting_id').unique().references('id').inTable('meetings');
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['org_id']);
  });

  await knex.schema.createTable('training_records', (t) => {
    t.increments('id').primary();
    t.integer('training_id').notNullable().references('id').inTable('trainings');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.decimal('hours', 6, 2).notNullable();
    t.string('status', 10).notNullable();
    t.string('note', 1000);
    t.integer('confirmed_by').references('id').inTable('users');
    t.string('at', 30).notNullable();
    t.unique(['training_id', 'user_id']);
    t.index(['user_id']);
    t.index(['status']);
  });

  await knex.schema.alterTable('meetings', (t) => {
    t.decimal('training_hours', 6, 2);
  });

  // Append-only: the application has no statement that updates or deletes a row of it.
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.string('at', 30).notNullable();
    t.integer('actor_id').notNullable().references('id').inTable('users');
    t.string('action', 40).notNullable();
    t.string('target_type', 20).notNullable();
    t.integer('target_id').notNullable();
    t.integer('org_id').references('id').inTable('orgs');
    t.text('before');
    t.text('after');
    t.index(['org_id', 'id']);
    t.index(['actor_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
  await knex.schema.alterTable('meetings', (t) => t.dropColumn('training_hours'));
  await knex.schema.dropTableIfExists('training_records');
  await knex.schema.dropTableIfExists('trainings');
  await knex.schema.dropTableIfExists('branch_history');
  await knex.schema.dropTableIfExists('transfer_steps');
  await knex.raw('DROP INDEX IF EXISTS transfers_one_pending');
  await knex.schema.dropTableIfExists('transfers');
  await knex.schema.dropTableIfExists('member_reports');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_seen_at');
    t.dropColumn('in_transit');
  });
}
