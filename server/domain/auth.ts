import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Actor, User } from '../contract/model';
import type { TokensRepo } from '../db/repositories/tokens';
import type { UsersRepo } from '../db/repositories/users';
import { invalid, rateLimited, unauthorized } from '../errors';
import type { Clock, Sessions } from './ports';

// OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 degree of parallelism.
const ARGON2_OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sign-in attempts, limited before the password is checked (so a burst of parallel guesses gets no more
 * checks than the limit), per account and address pair, per address, and per account over a day (a
 * ceiling only an attack reaches). Kept in Redis so the limits hold across processes.
 */
export interface LoginLimiter {
  /** Takes one attempt; false when any of the limits is spent (the attempt must not be checked). */
  take(keys: { account: string; address: string }): Promise<boolean>;
  /** A correct password gives its attempt back: only failures count. */
  giveBack(keys: { account: string; address: string }): Promise<void>;
}

/** Who a bearer token speaks for, and until when. */
export interface Authenticated {
  actor: Actor;
  user: User;
  expiresAt: string;
}

const authenticated = (found: { tokenId: number; expiresAt: string; user: User } | null): Authenticated | null =>
  found && { actor: { id: found.user.id, name: found.user.name, role: found.user.role, branchId: found.user.branchId, tokenId: found.tokenId }, user: found.user, expiresAt: found.expiresAt };

export function createAuthService(deps: { users: UsersRepo; tokens: TokensRepo; limiter: LoginLimiter; sessions: Pick<Sessions, 'disconnectToken'>; clock: Clock; signs?: { seen(userId: number): void } }) {
  const { users, tokens, limiter, clock } = deps;
  // Verifying against a real hash when the account does not exist keeps the timing the same.
  const decoyHash = hashPassword(randomBytes(16).toString('hex'));

  return {
    async login(email: string, password: string, address: string): Promise<{ token: string; user: User }> {
      const keys = { account: email.toLowerCase(), address };
      if (!(await limiter.take(keys))) throw rateLimited('too many failed sign-in attempts; try again later');
      const found = await users.findLoginByEmail(keys.account);
      const ok = await verify(found?.passwordHash ?? (await decoyHash), password).catch(() => false);
      if (!found || !ok) throw unauthorized('wrong email or password');
      await limiter.giveBack(keys);
      const token = `ks_${randomBytes(32).toString('base64url')}`;
      // Stored only if the password checked is still theirs: a change made meanwhile wins.
      const stored = await tokens.insertIfPasswordIs(found.user.id, found.passwordHash, hashToken(token), new Date(clock.now() + TOKEN_TTL_MS).toISOString());
      if (stored === null) throw unauthorized('wrong email or password');
      deps.signs?.seen(found.user.id);
      return { token, user: found.user };
    },

    /** The actor behind a bearer token, or null when it is unknown, revoked, expired or its user is gone. */
    async authenticate(token: string | undefined): Promise<Authenticated | null> {
      if (!token || token.length > 200) return null;
      return authenticated(await users.findByLiveToken({ hash: hashToken(token) }, new Date(clock.now()).toISOString()));
    },

    /** The same for a token already known by id (a live socket re-checking the token it was opened with). */
    async reauthenticate(tokenId: number): Promise<Authenticated | null> {
      return authenticated(await users.findByLiveToken({ id: tokenId }, new Date(clock.now()).toISOString()));
    },

    /**
     * Changes the actor's own password (the current one is required). Every other session of theirs ends:
     * their other tokens are revoked and those sockets disconnected.
     */
    async changePassword(actor: Actor, current: string, next: string, address: string): Promise<void> {
      // Guesses of the current password count as failed sign-ins: a stolen token must not test passwords freely.
      const user = await users.findById(actor.id);
      const keys = { account: (user?.email ?? String(actor.id)).toLowerCase(), address };
      if (!(await limiter.take(keys))) throw rateLimited('too many failed attempts; try again later');
      const stored = await users.passwordHashOf(actor.id);
      // `invalid`, not `unauthorized`: the session is fine, only the field is wrong.
      if (!stored || !(await verify(stored, current).catch(() => false))) throw invalid('the current password is wrong');
      await limiter.giveBack(keys);
      await users.setPasswordHash(actor.id, await hashPassword(next));
      for (const tokenId of await tokens.revokeOthers(actor.id, actor.tokenId)) deps.sessions.disconnectToken(tokenId);
    },

    /** Revokes the token and disconnects every socket opened with it, on every process. */
    async logout(tokenId: number): Promise<void> {
      await tokens.revoke(tokenId);
      deps.sessions.disconnectToken(tokenId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
