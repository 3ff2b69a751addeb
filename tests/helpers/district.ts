import type { Database } from '../../server/db/database';
import { ensureAdmin } from '../../server/demo';
import type { Org, User } from '../../server/contract/model';
import { api } from './clients';

export const PASSWORD = 'correct-horse-battery';

export interface Person {
  user: User;
  token: string;
}

/**
 * A small district built through the public HTTP API:
 * committee ─ general branch ─ branch A (organizer orgA, members alice, amy)
 *                           └ branch B (organizer orgB, member bob)
 * plus genOrg organizing the general branch.
 */
export interface District {
  admin: Person;
  committee: Org;
  general: Org;
  branchA: Org;
  branchB: Org;
  orgA: Person;
  orgB: Person;
  genOrg: Person;
  alice: Person;
  amy: Person;
  bob: Person;
}

export async function login(base: string, email: string, password = PASSWORD): Promise<string> {
  const res = await api(base, 'POST', '/api/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export async function buildDistrict(base: string, db: Database, tag = Math.random().toString(36).slice(2, 8)): Promise<District> {
  const adminEmail = `admin-${tag}@test.example`;
  await ensureAdmin(db, { email: adminEmail, password: PASSWORD });
  const adminToken = await login(base, adminEmail);
  const me = await api(base, 'GET', '/api/me', { token: adminToken });
  const admin = { user: me.body.user, token: adminToken };

  const org = async (name: string, kind: string, parentId?: number): Promise<Org> => {
    const res = await api(base, 'POST', '/api/orgs', { token: adminToken, body: { name, kind, parentId } });
    if (res.status !== 201) throw new Error(`org ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.org;
  };
  const committee = await org(`Committee ${tag}`, 'committee');
  const general = await org(`General ${tag}`, 'general_branch', committee.id);
  const branchA = await org(`Branch A ${tag}`, 'branch', general.id);
  const branchB = await org(`Branch B ${tag}`, 'branch', general.id);

  const person = async (name: string, branchId: number, extra: Record<string, unknown> = {}): Promise<Person> => {
    const email = `${name.toLowerCase()}-${tag}@test.example`;
    const res = await api(base, 'POST', '/api/members', { token: adminToken, body: { name, email, password: PASSWORD, branchId, ...extra } });
    if (res.status !== 201) throw new Error(`member ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return { user: res.body.user, token: await login(base, email) };
  };
  const [orgA, orgB, genOrg, alice, amy, bob] = await Promise.all([
    person('OrgA', branchA.id),
    person('OrgB', branchB.id),
    person('GenOrg', branchA.id),
    person('Alice', branchA.id, { mobile: true, location: 'London', timezone: 'Europe/London' }),
    person('Amy', branchA.id),
    person('Bob', branchB.id),
  ]);
  const appoint = async (orgId: number, userId: number) => {
    const res = await api(base, 'POST', `/api/orgs/${orgId}/organizers`, { token: adminToken, body: { userId } });
    if (res.status !== 204) throw new Error(`appoint: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await appoint(branchA.id, orgA.user.id);
  await appoint(branchB.id, orgB.user.id);
  await appoint(general.id, genOrg.user.id);
  return { admin, committee, general, branchA, branchB, orgA, orgB, genOrg, alice, amy, bob };
}

/**
 * Many members at once, written straight to the database (one shared password hash, tokens minted
 * directly): for load and concurrency tests, where hashing a thousand passwords would only test Argon2.
 */
export async function createMembersFast(db: Database, branchId: number, count: number, tag: string): Promise<Person[]> {
  const { hashPassword, hashToken } = await import('../../server/domain/auth');
  const { randomBytes } = await import('node:crypto');
  const passwordHash = await hashPassword(PASSWORD);
  const now = new Date().toISOString();
  const people: Person[] = [];
  for (let i = 0; i < count; i += 200) {
    const rows = Array.from({ length: Math.min(200, count - i) }, (_, j) => ({
      name: `Member ${tag} ${i + j}`, email: `m${i + j}-${tag}@fast.example`, password_hash: passwordHash, role: 'member',
      branch_id: branchId, timezone: 'Asia/Shanghai', mobile: false, active: true, created_at: now,
    }));
    const inserted: Array<{ id: number } & typeof rows[number]> = await db.knex('users').insert(rows).returning('*');
    const tokens = inserted.map(() => `ks_${randomBytes(24).toString('base64url')}`);
    await db.knex('auth_tokens').insert(inserted.map((u, k) => ({ user_id: u.id, token_hash: hashToken(tokens[k]), created_at: now, expires_at: new Date(Date.now() + 86_400_000).toISOString() })));
    inserted.forEach((u, k) => people.push({
      user: { id: u.id, name: u.name, email: u.email, branchId, timezone: 'Asia/Shanghai', mobile: false, location: null, role: 'member', language: 'zh-CN', status: 'active', lastSeenAt: null },
      token: tokens[k],
    }));
  }
  return people;
}
