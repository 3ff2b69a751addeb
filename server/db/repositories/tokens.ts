import type { Knex } from 'knex';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

export function createTokensRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    async insert(userId: number, tokenHash: string, expiresAt: string): Promise<number> {
      const [row] = await knex('auth_tokens').insert({ user_id: userId, token_hash: tokenHash, created_at: now(), expires_at: expiresAt }).returning('id');
      return typeof row === 'object' ? row.id : row;
    },
    /**
     * A token for a sign-in, stored only while the password it was checked against is still the user's (so a
     * sign-in racing a password change cannot outlive it); null when it changed meanwhile.
     */
    async insertIfPasswordIs(userId: number, passwordHash: string, tokenHash: string, expiresAt: string): Promise<number | null> {
      const result = await knex.raw(
        'insert into auth_tokens (user_id, token_hash, created_at, expires_at) select ?, ?, ?, ? where exists (select 1 from users where id = ? and password_hash = ? and active = ?) returning id',
        [userId, tokenHash, now(), expiresAt, userId, passwordHash, true],
      );
      const rows: Array<{ id: number }> = Array.isArray(result) ? result : result.rows;
      return rows[0] ? Number(rows[0].id) : null;
    },
    async revoke(tokenId: number): Promise<void> {
      await knex('auth_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: now() });
    },
    /** Revokes every live token of the user but one; returns the ids revoked. */
    async revokeOthers(userId: number, keepTokenId: number): Promise<number[]> {
      // One statement: a token stored between a read and a write would escape.
      const revoked: Array<{ id: number }> = await knex('auth_tokens').where({ user_id: userId }).whereNull('revoked_at').whereNot('id', keepTokenId).update({ revoked_at: now() }, ['id']);
      return revoked.map((r) => r.id);
    },
    async revokeAllOf(userId: number, tx?: Tx): Promise<void> {
      await within(tx, knex)('auth_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now() });
    },
  };
}

export type TokensRepo = ReturnType<typeof createTokensRepo>;
