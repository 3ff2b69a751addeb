import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A family member's link: no account, may only call (or be called by) the member who made it.
  await knex.schema.createTable('guest_invites', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('users');
    t.string('label', 100).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('revoked_at', 30);
    t.index(['member_id']);
  });

  await knex.schema.createTable('calls', (t) => {
    t.string('id', 40).primary();
    t.integer('caller_id').references('id').inTable('users');
    t.integer('callee_id').references('id').inTable('users');
    // Set when one side is a guest: the invite says who (label) and for which member.
    t.integer('guest_invite_id').references('id').inTable('guest_invites');
    t.string('guest_side', 10); // 'caller' | 'callee'
    t.string('status', 10).notNullable(); // ringing | active | ended
    t.string('end_reason', 20);
    t.integer('checkin_id');
    t.string('started_at', 30).notNullable();
    t.string('answered_at', 30);
    t.string('ended_at', 30);
    t.integer('duration_s');
    t.index(['caller_id', 'started_at']);
    t.index(['callee_id', 'started_at']);
    t.index(['status']);
  });

  // Check-ins an organizer schedules with a member.
  await knex.schema.createTable('checkins', (t) => {
    t.increments('id').primary();
    t.integer('organizer_id').notNullable().references('id').inTable('users');
    t.integer('member_id').notNullable().references('id').inTable('users');
    t.string('scheduled_at', 30).notNullable();
    t.string('note', 300);
    t.string('status', 12).notNullable().defaultTo('scheduled'); // scheduled | done | cancelled
    t.string('call_id', 40);
    t.string('created_at', 30).notNullable();
    t.index(['member_id']);
    t.index(['organizer_id']);
  });

  await knex.schema.createTable('checkin_reminders', (t) => {
    t.integer('checkin_id').notNullable().references('id').inTable('checkins').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('sent_at', 30).notNullable();
    t.primary(['checkin_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('checkin_reminders');
  await knex.schema.dropTableIfExists('checkins');
  await knex.schema.dropTableIfExists('calls');
  await knex.schema.dropTableIfExists('guest_invites');
}
