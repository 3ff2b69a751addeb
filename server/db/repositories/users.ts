import type { Knex } from 'knex';
import type { Role, User } from '../../domain/types';

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
  active: number | boolean;
}

const COLUMNS = ['id', 'name', 'email', 'password_hash', 'role', 'branch_id', 'timezone', 'mobile', 'location', 'active'];

export const toUser = (row: UserRow): User => ({
  id: row.id,
  name: row.name,
  email: row.email,
  branchId: row.branch_id,
  timezone: row.timezone,
  mobile: Boolean(row.mobile),
  location: row.location,
  role: row.role as Role,
});

export interface NewUser {
  name: string;
  email: string;
  passwordHash: string;
  role: Role;
  branchId: number | null;
  timezone: string;
  mobile: boolean;
  location: string | null;
}

export function createUsersRepo(knex: Knex, read: Knex = knex) {
  return {
    async findById(id: number): Promise<(User & { active: boolean }) | null> {
      const row: UserRow | undefined = await read('users').select(COLUMNS).where({ id }).first();
      return row ? { ...toUser(row), active: Boolean(row.active) } : null;
    },
    /** Active account by email, with its password hash, for login. */
    async findLoginByEmail(email: string): Promise<{ user: User; passwordHash: string } | null> {
      const row: UserRow | undefined = await knex('users').select(COLUMNS).where({ email, active: true }).first();
      return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
    },
    async emailTaken(email: string): Promise<boolean> {
      return Boolean(await knex('users').where({ email }).first('id'));
    },
    async insert(user: NewUser): Promise<User> {
      const [row] = await knex('users')
        .insert({
          name: user.name,
          email: user.email,
          password_hash: user.passwordHash,
          role: user.role,
          branch_id: user.branchId,
          timezone: user.timezone,
          mobile: user.mobile,
          location: user.location,
          active: true,
          created_at: new Date().toISOString(),
        })
        .returning(COLUMNS);
      return toUser(row);
    },
    async update(id: number, patch: Partial<Pick<User, 'name' | 'timezone' | 'mobile' | 'location'>>): Promise<User> {
      const changes: Record<string, unknown> = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.timezone !== undefined) changes.timezone = patch.timezone;
      if (patch.mobile !== undefined) changes.mobile = patch.mobile;
      if (patch.location !== undefined) changes.location = patch.location;
      if (Object.keys(changes).length > 0) await knex('users').where({ id }).update(changes);
      const row: UserRow = await knex('users').select(COLUMNS).where({ id }).first();
      return toUser(row);
    },
    async deactivate(id: number): Promise<void> {
      await knex('users').where({ id }).update({ active: false, deactivated_at: new Date().toISOString() });
    },
    async findActiveByIds(ids: number[]): Promise<User[]> {
      if (ids.length === 0) return [];
      const rows: UserRow[] = await read('users').select(COLUMNS).whereIn('id', ids).andWhere('active', true);
      return rows.map(toUser);
    },
    async listActiveInBranches(branchIds: number[]): Promise<User[]> {
      if (branchIds.length === 0) return [];
      const rows: UserRow[] = await knex('users')
        .select(COLUMNS)
        .whereIn('branch_id', branchIds)
        .andWhere('active', true)
        .orderBy('name');
      return rows.map(toUser);
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
