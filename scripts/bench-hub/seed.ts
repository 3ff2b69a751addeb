/**
 * The district kitestring is measured on, written straight into its database before the server starts
 * (so the server's cached org tree already holds it): a committee, two general branches, branches of 50
 * members (the small chat) and of 100 (the large chat, connects, idle sockets, sign-up storm), an admin,
 * one open meeting with `seats` seats for the sign-up storm, and a bearer token per member (minted
 * directly: hashing thousands of passwords would only measure Argon2).
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../server/domain/auth';
import { createDatabase, migrateToLatest } from '../../server/db/database';
import { createOrgsRepo } from '../../server/db/repositories/orgs';

export interface Member {
  userId: number;
  token: string;
  /** The member's branch room, `org:<branchId>`. */
  room: string;
}

export interface Seeded {
  small: Member[];
  large: Member[];
  meetingId: number;
}

export interface SeedPlan {
  small: { members: number; roomSize: number };
  large: { members: number; roomSize: number };
  seats: number;
}

const CHUNK = 200;

export async function seedDistrict(databaseUrl: string, plan: SeedPlan): Promise<Seeded> {
  const db = createDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
    const knex = db.knex;
    const now = new Date().toISOString();
    const expires = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const idOf = (row: unknown) => (typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number));
    // Through the repository, so each unit gets what the app gives it (its chat room row).
    const orgs = createOrgsRepo(knex);
    const org = async (name: string, kind: 'committee' | 'general_branch' | 'branch', parentId: number | null) => (await orgs.insert({ name, kind, parentId })).id;

    const committee = await org('Bench committee', 'committee', null);
    const [admin] = await knex('users')
      .insert({ name: 'Bench admin', email: 'admin@bench-hub.example', password_hash: 'not-a-hash', role: 'admin', branch_id: null, timezone: 'Asia/Shanghai', mobile: false, active: true, created_at: now })
      .returning('id');

    const members = async (tag: string, count: number, roomSize: number): Promise<Member[]> => {
      const general = await org(`Bench general ${tag}`, 'general_branch', committee);
      const branches: number[] = [];
      for (let b = 0; b < Math.ceil(count / roomSize); b++) branches.push(await org(`Bench branch ${tag}${b + 1}`, 'branch', general));
      const out: Member[] = [];
      for (let i = 0; i < count; i += CHUNK) {
        const rows = Array.from({ length: Math.min(CHUNK, count - i) }, (_, j) => ({
          name: `Member ${tag}${i + j}`, email: `${tag}${i + j}@bench-hub.example`, password_hash: 'not-a-hash', role: 'member',
          branch_id: branches[Math.floor((i + j) / roomSize)], timezone: 'Asia/Shanghai', mobile: false, active: true, created_at: now,
        }));
        const inserted: Array<{ id: number; branch_id: number }> = await knex('users').insert(rows).returning(['id', 'branch_id']);
        const tokens = inserted.map(() => `ks_${randomBytes(24).toString('base64url')}`);
        await knex('auth_tokens').insert(inserted.map((u, k) => ({ user_id: u.id, token_hash: hashToken(tokens[k]), created_at: now, expires_at: expires })));
        inserted.forEach((u, k) => out.push({ userId: u.id, token: tokens[k], room: `org:${u.branch_id}` }));
      }
      return out;
    };
    const small = await members('s', plan.small.members, plan.small.roomSize);
    const large = await members('l', plan.large.members, plan.large.roomSize);

    const [meeting] = await knex('meetings')
      .insert({
        host_org_id: committee, title: 'Bench sign-up storm', starts_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        capacity: plan.seats, open_to: 'all', status: 'open', online: false, created_by: idOf(admin), created_at: now,
      })
      .returning('id');
    await knex('rooms').insert({ id: `meeting:${idOf(meeting)}`, last_seq: 0 });
    return { small, large, meetingId: idOf(meeting) };
  } finally {
    await db.close();
  }
}

/** Drops a PostgreSQL schema made for the bench. */
export async function dropSchema(pgUrl: string, schema: string): Promise<void> {
  const db = createDatabase(pgUrl);
  try {
    await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
  } finally {
    await db.close();
  }
}
