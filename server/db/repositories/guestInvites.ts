import type { Knex } from 'knex';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface GuestInviteRow {
  id: number;
  member_id: number;
  label: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** A member's guest link (its token is stored only as a hash). */
export interface GuestInvite {
  id: number;
  memberId: number;
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const COLUMNS = ['id', 'member_id', 'label', 'created_at', 'expires_at', 'revoked_at'];
const toInvite = (r: GuestInviteRow): GuestInvite => ({ id: r.id, memberId: r.member_id, label: r.label, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at });

export function createGuestInvitesRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    async insert(memberId: number, label: string, tokenHash: string, expiresAt: string): Promise<GuestInvite> {
      const [row] = await knex('guest_invites').insert({ member_id: memberId, label, token_hash: tokenHash, created_at: now(), expires_at: expiresAt }).returning(COLUMNS);
      return toInvite(row);
    },
    /** The live invite behind a token hash: not revoked, not expired, its member still active. */
    async findLive(tokenHash: string): Promise<(GuestInvite & { memberName: string }) | null> {
      const row = await read('guest_invites')
        .join('users', 'users.id', 'guest_invites.member_id')
        .where('guest_invites.token_hash', tokenHash)
        .whereNull('guest_invites.revoked_at')
        .where('guest_invites.expires_at', '>', now())
        .where('users.active', true)
        .first(...COLUMNS.map((c) => `guest_invites.${c}`), 'users.name as member_name');
      return row ? { ...toInvite(row), memberName: row.member_name } : null;
    },
    async find(id: number): Promise<GuestInvite | null> {
      const row: GuestInviteRow | undefined = await read('guest_invites').where({ id }).first(COLUMNS);
      return row ? toInvite(row) : null;
    },
    async listOf(memberId: number, opts: { limit: number; beforeId?: number }): Promise<GuestInvite[]> {
      const query = read('guest_invites').where({ member_id: memberId }).orderBy('id', 'desc').limit(opts.limit).select(COLUMNS);
      if (opts.beforeId !== undefined) query.where('id', '<', opts.beforeId);
      return ((await query) as GuestInviteRow[]).map(toInvite);
    },
    async revoke(id: number, tx?: Tx): Promise<void> {
      await within(tx, knex)('guest_invites').where({ id }).whereNull('revoked_at').update({ revoked_at: now() });
    },
    /** Revokes every live link of a member; returns the ids that were live. */
    async revokeAllOf(memberId: number, tx?: Tx): Promise<number[]> {
      const db = within(tx, knex);
      const live: Array<{ id: number }> = await db('guest_invites').where({ member_id: memberId }).whereNull('revoked_at').where('expires_at', '>', now()).select('id');
      await db('guest_invites').where({ member_id: memberId }).whereNull('revoked_at').update({ revoked_at: now() });
      return live.map((r) => r.id);
    },
  };
}

export type GuestInvitesRepo = ReturnType<typeof createGuestInvitesRepo>;
