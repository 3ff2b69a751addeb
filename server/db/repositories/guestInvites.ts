import type { Knex } from 'knex';

export interface GuestInviteRow {
  id: number;
  member_id: number;
  label: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export function createGuestInvitesRepo(knex: Knex, read: Knex = knex) {
  return {
    async insert(memberId: number, label: string, tokenHash: string, expiresAt: string): Promise<GuestInviteRow> {
      const [row] = await knex('guest_invites')
        .insert({ member_id: memberId, label, token_hash: tokenHash, created_at: new Date().toISOString(), expires_at: expiresAt })
        .returning(['id', 'member_id', 'label', 'created_at', 'expires_at', 'revoked_at']);
      return row;
    },
    /** The live invite behind a token hash: not revoked, not expired, its member still active. */
    async findLive(tokenHash: string, now: string): Promise<(GuestInviteRow & { member_name: string }) | null> {
      const row = await read('guest_invites')
        .join('users', 'users.id', 'guest_invites.member_id')
        .where('guest_invites.token_hash', tokenHash)
        .whereNull('guest_invites.revoked_at')
        .where('guest_invites.expires_at', '>', now)
        .where('users.active', true)
        .first('guest_invites.*', 'users.name as member_name');
      return row ?? null;
    },
    async find(id: number): Promise<GuestInviteRow | null> {
      return (await read('guest_invites').where({ id }).first()) ?? null;
    },
    async listOf(memberId: number): Promise<GuestInviteRow[]> {
      return read('guest_invites').where({ member_id: memberId }).orderBy('id', 'desc').limit(100);
    },
    async revoke(id: number): Promise<void> {
      await knex('guest_invites').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
    },
  };
}

export type GuestInvitesRepo = ReturnType<typeof createGuestInvitesRepo>;
