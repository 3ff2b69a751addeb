import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Append-only: a rate applies from `effective_from` until a later row for the same target.
  // Exactly one of user_id (a member's own rate) and org_id (a unit's default) is set.
  await knex.schema.createTable('dues_rates', (t) => {
    t.increments('id').primary();
    t.integer('user_id').references('id').inTable('users');
    t.integer('org_id').references('id').inTable('orgs');
    t.integer('monthly_amount').notNullable();
    t.string('currency', 3).notNullable().defaultTo('CNY');
    t.string('effective_from', 7).notNullable();
    t.integer('set_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['user_id']);
    t.index(['org_id']);
  });

  // Immutable ledger: payments by members, corrections by organizers (who and when are kept).
  await knex.schema.createTable('dues_payments', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('period', 7).notNullable();
    t.integer('amount').notNullable();
    t.string('currency', 3).notNullable().defaultTo('CNY');
    t.string('reference', 100);
    t.string('kind', 12).notNullable(); // payment | correction
    t.string('note', 300);
    t.integer('recorded_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.unique(['user_id', 'reference']);
    t.index(['period', 'user_id']);
  });

  // Exactly one reminder per (member, period, stage), written with its notification.
  await knex.schema.createTable('dues_reminders_sent', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('period', 7).notNullable();
    t.string('stage', 12).notNullable();
    t.string('sent_at', 30).notNullable();
    t.primary(['user_id', 'period', 'stage']);
  });

  await knex.schema.createTable('dues_escalations_sent', (t) => {
    t.integer('branch_id').notNullable().references('id').inTable('orgs');
    t.string('period', 7).notNullable();
    t.integer('organizer_id').notNullable().references('id').inTable('users');
    t.string('sent_at', 30).notNullable();
    t.primary(['branch_id', 'period', 'organizer_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['dues_escalations_sent', 'dues_reminders_sent', 'dues_payments', 'dues_rates']) await knex.schema.dropTableIfExists(table);
}
