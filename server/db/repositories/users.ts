import type { Knex } from 'knex';
import type { Language, Role, User } from '../../contract/model';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';
import { decodeKey, encodeCursor, type Page } from '../../util/paging';

interface UserRow {
  id: number;
  name: string;
  email: string;
  password_hash: string;
  role: string;
  branch_id: number | null;
  timezone: string;
  mobile: number | boolean;
  location: string | null;
  language: string;
  active: number | boolean;
  in_transit: number | boolean;
  last_seen_at: string | null;
}

const COLUMNS = ['id', 'name', 'email', 'password_hash', 'role', 'branch_id', 'timezone', 'mobile', 'location', 'language', 'active', 'in_transit', 'last_seen_at'];

export const toUser = (row: UserRow): User => ({
  id: row.id,
  name: row.name,
  email: row.email,
  branchId: row.branch_id,
  timezone: row.timezone,
  mobile: Boolean(row.mobile),
  location: row.location,
  role: row.role as Role,
  language: (row.language as Language) ?? 'zh-CN',
  status: !row.active ? 'deactivated' : row.in_transit ? 'in_transit' : 'active',
  lastSeenAt: row.last_seen_at ?? null,
});

/** A stored account: the user and whether it is still active. */
export type Account = User & { active: boolean };

export interface NewUser {
  name: string;
  email: string;
  passwordHash: string;
  role: Role;
  branchId: number | null;
  timezone: string;
  mobile: boolean;
  location: string | null;
  language?: Language;
}

export type UserChanges = Partial<Pick<User, 'name' | 'email' | 'timezone' | 'mobile' | 'location' | 'language'>>;

const COLUMN_OF: Record<keyof UserChanges, string> = { name: 'name', email: 'email', timezone: 'timezone', mobile: 'mobile', location: 'location', language: 'language' };

export function createUsersRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    /**
     * The active user behind a live token (not revoked, not expired at `at`), with the token, in one read: by
     * its hash at a handshake (from the read pool), or by its id when a live socket re-checks the token it was
     * opened with (from the writer, so never stale).
     */
    async findByLiveToken(token: { hash: string } | { id: number }, at: string): Promise<{ tokenId: number; expiresAt: string; user: User } | null> {
      const row: (UserRow & { token_id: number; token_expires_at: string }) | undefined = await ('hash' in token ? read : knex)('auth_tokens')
        .join('users', 'users.id', 'auth_tokens.user_id')
        .where('hash' in token ? { 'auth_tokens.token_hash': token.hash } : { 'auth_tokens.id': token.id })
        .whereNull('auth_tokens.revoked_at')
        .where('auth_tokens.expires_at', '>', at)
        .where('users.active', true)
        .first([...COLUMNS.map((c) => `users.${c}`), 'auth_tokens.id as token_id', 'auth_tokens.expires_at as token_expires_at']);
      return row ? { tokenId: row.token_id, expiresAt: row.token_expires_at, user: toUser(row) } : null;
    },
    async findById(id: number, tx?: Tx): Promise<Account | null> {
      const row: UserRow | undefined = await within(tx, read)('users').select(COLUMNS).where({ id }).first();
      return row ? { ...toUser(row), active: Boolean(row.active) } : null;
    },
    /** Active account by email, with its password hash, for login. */
    async findLoginByEmail(email: string): Promise<{ user: User; passwordHash: string } | null> {
      const row: UserRow | undefined = await knex('users').select(COLUMNS).where({ email, active: true }).first();
      return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
    },
    async emailTaken(email: string, exceptId?: number): Promise<boolean> {
      const query = knex('users').where({ email });
      if (exceptId !== undefined) query.whereNot('id', exceptId);
      return Boolean(await query.first('id'));
    },
    async insert(user: NewUser, tx?: Tx): Promise<User> {
      const [row] = await within(tx, knex)('users')
        .insert({
          name: user.name,
          email: user.email,
          password_hash: user.passwordHash,
          role: user.role,
          branch_id: user.branchId,
          timezone: user.timezone,
          mobile: user.mobile,
          location: user.location,
          language: user.language ?? 'zh-CN',
          active: true,
          created_at: now(),
        })
        .returning(COLUMNS);
      return toUser(row);
    },
    async update(id: number, patch: UserChanges, tx?: Tx): Promise<User> {
      const db = within(tx, knex);
      const changes: Record<string, unknown> = {};
      for (const [key, column] of Object.entries(COLUMN_OF)) {
        const value = patch[key as keyof UserChanges];
        if (value !== undefined) changes[column] = value;
      }
      if (Object.keys(changes).length > 0) await db('users').where({ id }).update(changes);
      const row: UserRow = await db('users').select(COLUMNS).where({ id }).first();
      return toUser(row);
    },
    async setPasswordHash(id: number, passwordHash: string): Promise<void> {
      await knex('users').where({ id }).update({ password_hash: passwordHash });
    },
    async passwordHashOf(id: number): Promise<string | null> {
      const row = await knex('users').where({ id, active: true }).first('password_hash');
      return row?.password_hash ?? null;
    },
    async deactivate(id: number, tx?: Tx): Promise<void> {
      await within(tx, knex)('users').where({ id }).update({ active: false, deactivated_at: now() });
    },
    async countActiveAdmins(tx?: Tx): Promise<number> {
      const [row] = await within(tx, knex)('users').where({ role: 'admin', active: true }).count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
    async findActiveByIds(ids: number[]): Promise<User[]> {
      if (ids.length === 0) return [];
      const out: User[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const rows: UserRow[] = await read('users').select(COLUMNS).whereIn('id', ids.slice(i, i + 500)).andWhere('active', true);
        out.push(...rows.map(toUser));
      }
      return out;
    },
    /** Accounts by id, active or not (names in logs and records outlive an account). */
    async findManyByIds(ids: number[]): Promise<Account[]> {
      const out: Account[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const rows: UserRow[] = await read('users').select(COLUMNS).whereIn('id', ids.slice(i, i + 500));
        out.push(...rows.map((row) => ({ ...toUser(row), active: Boolean(row.active) })));
      }
      return out;
    },
    /** Active accounts whose name is exactly one of `names` (by the name index), at most `limit` of them. */
    async findActiveByNames(names: string[], limit: number): Promise<User[]> {
      const out: User[] = [];
      for (let i = 0; i < names.length && out.length < limit; i += 500) {
        const rows: UserRow[] = await read('users').select(COLUMNS).whereIn('name', names.slice(i, i + 500)).andWhere('active', true).limit(limit - out.length);
        out.push(...rows.map(toUser));
      }
      return out;
    },
    /** Every active member of these branches (for computations over a unit: dues runs, call logs). */
    async listActiveInBranches(branchIds: number[]): Promise<User[]> {
      if (branchIds.length === 0) return [];
      const rows: UserRow[] = await read('users').select(COLUMNS).whereIn('branch_id', branchIds).andWhere('active', true).orderBy('name');
      return rows.map(toUser);
    },
    /**
     * One page of the active members of these branches, by name, leaving out `excludeIds`; `q` finds a
     * part of the name or e-mail (any case), `mobile` keeps migrant members (or the others).
     */
    async pageActiveInBranches(branchIds: number[], opts: { excludeIds: number[]; limit: number; cursor?: string; q?: string; mobile?: boolean }): Promise<Page<User>> {
      if (branchIds.length === 0) return { items: [], nextCursor: null };
      const query = read('users').select(COLUMNS).whereIn('branch_id', branchIds).andWhere('active', true);
      if (opts.excludeIds.length > 0) query.whereNotIn('id', opts.excludeIds);
      if (opts.q) {
        const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query.where((w) => w.whereRaw("lower(name) like ? escape '\\'", [pattern]).orWhereRaw("lower(email) like ? escape '\\'", [pattern]));
      }
      if (opts.mobile !== undefined) query.where('mobile', opts.mobile);
      const after = decodeKey<[string, number]>(opts.cursor, ['string', 'int']);
      if (after) query.where((q) => q.where('name', '>', after[0]).orWhere((q2) => q2.where('name', after[0]).andWhere('id', '>', after[1])));
      const rows: UserRow[] = await query.orderBy([{ column: 'name' }, { column: 'id' }]).limit(opts.limit + 1);
      const items = rows.slice(0, opts.limit).map(toUser);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor([last.name, last.id]) : null };
    },
    /** The language each of these users reads in (for rendering their notifications). */
    async languagesOf(ids: number[], tx?: Tx): Promise<Map<number, Language>> {
      const out = new Map<number, Language>();
      const db = within(tx, read);
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        const rows: Array<{ id: number; language: string }> = await db('users').whereIn('id', unique.slice(i, i + 500)).select('id', 'language');
        for (const row of rows) out.set(row.id, row.language as Language);
      }
      return out;
    },
    /** Locks the user's row until the transaction ends (serializes writes about one person). */
    async lock(id: number, tx: Tx): Promise<void> {
      await within(tx, knex)('users').where({ id }).update({ id: knex.raw('id') });
    },
    /** The time zones the active members live in (a handful, whatever the number of members). */
    async activeTimeZones(): Promise<string[]> {
      const rows = (await read('users').where({ active: true }).distinct('timezone')) as Array<{ timezone: string }>;
      return rows.map((r) => r.timezone);
    },
    async count(): Promise<number> {
      const [row] = await knex('users').count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
