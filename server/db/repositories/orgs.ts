import type { Knex } from 'knex';
import type { Org, OrgKind } from '../../contract/model';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface OrgRow {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
}

const toOrg = (row: OrgRow): Org => ({ id: row.id, name: row.name, kind: row.kind as OrgKind, parentId: row.parent_id });

// The tree is read through the readers: it is loaded while a write transaction may hold SQLite's one writer
// connection (a sign-up deciding under its lock), and must not wait for it.
export function createOrgsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  return {
    async list(): Promise<Org[]> {
      const rows: OrgRow[] = await read('orgs').select('id', 'name', 'kind', 'parent_id').orderBy('id');
      return rows.map(toOrg);
    },
    async insert(org: Omit<Org, 'id'>, tx?: Tx): Promise<Org> {
      const trx = within(tx, knex);
      const [row] = await trx('orgs')
        .insert({ name: org.name, kind: org.kind, parent_id: org.parentId, created_at: now() })
        .returning(['id', 'name', 'kind', 'parent_id']);
      await trx('rooms').insert({ id: `org:${row.id}`, last_seq: 0 }).onConflict('id').ignore();
      return toOrg(row);
    },
    async update(id: number, changes: { name?: string; parentId?: number | null }, tx?: Tx): Promise<Org> {
      const db = within(tx, knex);
      const columns: Record<string, unknown> = {};
      if (changes.name !== undefined) columns.name = changes.name;
      if (changes.parentId !== undefined) columns.parent_id = changes.parentId;
      if (Object.keys(columns).length > 0) await db('orgs').where({ id }).update(columns);
      return toOrg(await db('orgs').where({ id }).first('id', 'name', 'kind', 'parent_id'));
    },
    /**
     * Serializes changes to the tree's shape (moves) until the transaction ends: two moves checked at once
     * against the same tree could each pass and together make a loop. SQLite writes are serial already.
     */
    async lockTree(tx: Tx): Promise<void> {
      const db = within(tx, knex);
      if (db.client.config.client === 'pg') await db.raw('select pg_advisory_xact_lock(hashtext(?))', ['kitestring:org-tree']);
    },
    /** The unit and its parents up to the top, as stored now (read in the transaction; stops on a loop). */
    async lineageIds(id: number, tx?: Tx): Promise<number[]> {
      const result = await within(tx, knex).raw(
        'with recursive up(id, parent_id) as (select id, parent_id from orgs where id = ? union select o.id, o.parent_id from orgs o join up on o.id = up.parent_id) select id from up',
        [id],
      );
      const rows: Array<{ id: number }> = Array.isArray(result) ? result : result.rows;
      return rows.map((r) => Number(r.id));
    },
    /** Every (org, organizer) pair of active accounts, with the organizer's home branch; small enough to hold in memory. */
    async listOrganizers(): Promise<Array<{ orgId: number; userId: number; branchId: number | null }>> {
      const rows: Array<{ org_id: number; user_id: number; branch_id: number | null }> = await read('org_organizers')
        .join('users', 'users.id', 'org_organizers.user_id')
        .where('users.active', true)
        .select('org_id', 'user_id', 'users.branch_id');
      return rows.map((r) => ({ orgId: r.org_id, userId: r.user_id, branchId: r.branch_id }));
    },
    async addOrganizer(orgId: number, userId: number, tx?: Tx): Promise<void> {
      await within(tx, knex)('org_organizers')
        .insert({ org_id: orgId, user_id: userId, created_at: now() })
        .onConflict(['org_id', 'user_id'])
        .ignore();
    },
    async removeOrganizer(orgId: number, userId: number, tx?: Tx): Promise<number> {
      return within(tx, knex)('org_organizers').where({ org_id: orgId, user_id: userId }).delete();
    },
    /** The units this user organizes (also for an inactive account). */
    async unitsOrganizedBy(userId: number, tx?: Tx): Promise<number[]> {
      const rows: Array<{ org_id: number }> = await within(tx, knex)('org_organizers').where({ user_id: userId }).select('org_id');
      return rows.map((r) => r.org_id);
    },
    async count(): Promise<number> {
      const [row] = await read('orgs').count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
  };
}

export type OrgsRepo = ReturnType<typeof createOrgsRepo>;
