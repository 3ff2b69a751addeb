import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { TokensRepo } from '../db/repositories/tokens';
import type { UsersRepo } from '../db/repositories/users';
import { rateLimited, unauthorized } from '../errors';
import type { Actor, User } from './types';

// OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 degree of parallelism.
const ARGON2_OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

/** Failed-login limiting, per account and per address; kept in Redis so it holds across processes. */
export interface LoginThrottle {
  isBlocked(keys: { account: string; address: string }): Promise<boolean>;
  recordFailure(keys: { account: string; address: string }): Promise<void>;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAuthService(deps: { users: UsersRepo; tokens: TokensRepo; throttle: LoginThrottle }) {
  const { users, tokens, throttle } = deps;
  // Verifying against a real hash when the account does not exist keeps the timing the same.
  const decoyHash = hashPassword(randomBytes(16).toString('hex'));

  return {
    async login(email: string, password: string, address: string): Promise<{ token: string; user: User }> {
      const keys = { account: email.toLowerCase(), address };
      if (await throttle.isBlocked(keys)) throw rateLimited('too many failed sign-in attempts; try again later');
      const found = await users.findLoginByEmail(keys.account);
      const ok = await verify(found?.passwordHash ?? (await decoyHash), password).catch(() => false);
      if (!found || !ok) {
        await throttle.recordFailure(keys);
        throw unauthorized('wrong email or password');
      }
      const token = `ks_${randomBytes(32).toString('base64url')}`;
      await tokens.insert(found.user.id, hashToken(token), new Date(Date.now() + TOKEN_TTL_MS));
      return { token, user: found.user };
    },

    /** The actor behind a bearer token, or null when it is unknown, revoked, expired or its user is gone. */
    async authenticate(token: string | undefined): Promise<{ actor: Actor; user: User } | null> {
      if (!token || token.length > 200) return null;
      const owner = await tokens.findLive(hashToken(token), new Date());
      if (!owner) return null;
      const user = await users.findById(owner.userId);
      if (!user || !user.active) return null;
      const { active: _active, ...plain } = user;
      return {
        actor: { id: user.id, name: user.name, role: user.role, branchId: user.branchId, tokenId: owner.tokenId },
        user: plain,
      };
    },

    logout: (tokenId: number) => tokens.revoke(tokenId),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
