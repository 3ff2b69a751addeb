import type { Knex } from 'knex';

export interface TokenOwner {
  tokenId: number;
  userId: number;
}

export function createTokensRepo(knex: Knex, read: Knex = knex) {
  return {
    async insert(userId: number, tokenHash: string, expiresAt: Date): Promise<number> {
      const [row] = await knex('auth_tokens')
        .insert({ user_id: userId, token_hash: tokenHash, created_at: new Date().toISOString(), expires_at: expiresAt.toISOString() })
        .returning('id');
      return typeof row === 'object' ? row.id : row;
    },
    /** The live token with this hash, if its user is active. */
    async findLive(tokenHash: string, now: Date): Promise<TokenOwner | null> {
      const row = await read('auth_tokens')
        .join('users', 'users.id', 'auth_tokens.user_id')
        .where('auth_tokens.token_hash', tokenHash)
        .whereNull('auth_tokens.revoked_at')
        .where('auth_tokens.expires_at', '>', now.toISOString())
        .where('users.active', true)
        .first('auth_tokens.id as token_id', 'auth_tokens.user_id as user_id');
      return row ? { tokenId: row.token_id, userId: row.user_id } : null;
    },
    async revoke(tokenId: number): Promise<void> {
      await knex('auth_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
    },
    async revokeAllOf(userId: number): Promise<void> {
      await knex('auth_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
    },
  };
}

export type TokensRepo = ReturnType<typeof createTokensRepo>;
