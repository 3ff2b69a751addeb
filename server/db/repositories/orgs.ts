import type { Knex } from 'knex';
import type { Org, OrgKind } from '../../domain/types';

interface OrgRow {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
}

const toOrg = (row: OrgRow): Org => ({ id: row.id, name: row.name, kind: row.kind as OrgKind, parentId: row.parent_id });

export function createOrgsRepo(knex: Knex) {
  return {
    async list(): Promise<Org[]> {
      const rows: OrgRow[] = await knex('orgs').select('id', 'name', 'kind', 'parent_id').orderBy('id');
      return rows.map(toOrg);
    },
    async insert(org: Omit<Org, 'id'>, trx: Knex = knex): Promise<Org> {
      const [row] = await trx('orgs')
        .insert({ name: org.name, kind: org.kind, parent_id: org.parentId, created_at: new Date().toISOString() })
        .returning(['id', 'name', 'kind', 'parent_id']);
      await trx('rooms').insert({ id: `org:${row.id}`, last_seq: 0 }).onConflict('id').ignore();
      return toOrg(row);
    },
    /** Every (org, organizer) pair; small enough to hold in memory for a district. */
    async listOrganizers(): Promise<Array<{ orgId: number; userId: number }>> {
      const rows: Array<{ org_id: number; user_id: number }> = await knex('org_organizers')
        .join('users', 'users.id', 'org_organizers.user_id')
        .where('users.active', true)
        .select('org_id', 'user_id');
      return rows.map((r) => ({ orgId: r.org_id, userId: r.user_id }));
    },
    async addOrganizer(orgId: number, userId: number): Promise<void> {
      await knex('org_organizers')
        .insert({ org_id: orgId, user_id: userId, created_at: new Date().toISOString() })
        .onConflict(['org_id', 'user_id'])
        .ignore();
    },
    async removeOrganizer(orgId: number, userId: number): Promise<number> {
      return knex('org_organizers').where({ org_id: orgId, user_id: userId }).delete();
    },
    async count(): Promise<number> {
      const [row] = await knex('orgs').count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
  };
}

export type OrgsRepo = ReturnType<typeof createOrgsRepo>;
