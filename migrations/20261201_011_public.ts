import type { Knex } from 'knex';

/**
 * Meetings open to the public: a registration without an account is a sign-up row without a user, so it
 * shares the meeting's seats, waitlist and counters (and their guarantee) with members' sign-ups. Its
 * contact is personal data: kept here only, shown to the host's organizers only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meeting_signups', (t) => {
    t.integer('user_id').nullable().alter();
    t.string('guest_name', 100);
    t.string('guest_contact', 200);
    // The registrant's code (to see or cancel), kept as a SHA-256 hash.
    t.string('public_code_hash', 64).unique();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('meeting_signups').whereNull('user_id').delete();
  await knex.schema.alterTable('meeting_signups', (t) => {
    t.dropUnique(['public_code_hash']);
    t.dropColumn('public_code_hash');
    t.dropColumn('guest_contact');
    t.dropColumn('guest_name');
    t.integer('user_id').notNullable().alter();
  });
}
