import type { Knex } from 'knex';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

export interface TokenOwner {
  tokenId: number;
  userId: number;
  expiresAt: string;
}

export function createTokensRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    async insert(userId: number, tokenHash: string, expiresAt: string): Promise<number> {
      const [row] = await knex('auth_tokens').insert({ user_id: userId, token_hash: tokenHash, created_at: now(), expires_at: expiresAt }).returning('id');
      return typeof row === 'object' ? row.id : row;
    },
    /** The live token with this hash (not revoked, not expired at `at`), if its user is active. */
    async findLive(tokenHash: string, at: string): Promise<TokenOwner | null> {
      const row = await read('auth_tokens')
        .join('users', 'users.id', 'auth_tokens.user_id')
        .where('auth_tokens.token_hash', tokenHash)
        .whereNull('auth_tokens.revoked_at')
        .where('auth_tokens.expires_at', '>', at)
        .where('users.active', true)
        .first('auth_tokens.id as token_id', 'auth_tokens.user_id as user_id', 'auth_tokens.expires_at as expires_at');
      return row ? { tokenId: row.token_id, userId: row.user_id, expiresAt: row.expires_at } : null;
    },
    /** The live token by id (a socket re-checking the token it was opened with). */
    async findLiveById(tokenId: number, at: string): Promise<TokenOwner | null> {
      const row = await knex('auth_tokens')
        .join('users', 'users.id', 'auth_tokens.user_id')
        .where('auth_tokens.id', tokenId)
        .whereNull('auth_tokens.revoked_at')
        .where('auth_tokens.expires_at', '>', at)
        .where('users.active', true)
        .first('auth_tokens.id as token_id', 'auth_tokens.user_id as user_id', 'auth_tokens.expires_at as expires_at');
      return row ? { tokenId: row.token_id, userId: row.user_id, expiresAt: row.expires_at } : null;
    },
    async revoke(tokenId: number): Promise<void> {
      await knex('auth_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: now() });
    },
    async revokeAllOf(userId: number, tx?: Tx): Promise<void> {
      await within(tx, knex)('auth_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now() });
    },
  };
}

export type TokensRepo = ReturnType<typeof createTokensRepo>;
