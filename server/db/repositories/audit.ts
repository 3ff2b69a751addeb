import type { Knex } from 'knex';
import type { AuditEntry } from '../../contract/memberLife';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

export interface NewAuditEntry {
  actorId: number;
  action: string;
  target: { type: string; id: number };
  orgId: number | null;
  before?: unknown;
  after?: unknown;
}

interface AuditRow {
  id: number;
  at: string;
  actor_id: number;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: number;
  org_id: number | null;
  before: string | null;
  after: string | null;
}

/** Where each kind of target's name is kept (a transfer is named after its member). */
const TARGET_NAMES: Array<[type: string, table: string, column: string]> = [
  ['user', 'users', 'name'],
  ['org', 'orgs', 'name'],
  ['meeting', 'meetings', 'title'],
  ['training', 'trainings', 'title'],
];

const parse = (json: string | null) => (json === null ? null : (JSON.parse(json) as unknown));

/**
 * The audit log: append-only. There is an insert and reads, and no statement here (or anywhere) updates or
 * deletes an entry.
 */
export function createAuditRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  /** The targets' names, one query per kind of target on the page (a page holds at most 200 entries). */
  async function namesOf(rows: AuditRow[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [type, table, column] of TARGET_NAMES) {
      const ids = [...new Set(rows.filter((r) => r.target_type === type).map((r) => r.target_id))];
      if (ids.length === 0) continue;
      const found: Array<{ id: number; name: string }> = await read(table).whereIn('id', ids).select('id', `${column} as name`);
      for (const f of found) out.set(`${type}:${f.id}`, f.name);
    }
    const transfers = [...new Set(rows.filter((r) => r.target_type === 'transfer').map((r) => r.target_id))];
    if (transfers.length > 0) {
      const found: Array<{ id: number; name: string }> = await read('transfers as t').join('users as u', 'u.id', 't.member_id').whereIn('t.id', transfers).select('t.id', 'u.name as name');
      for (const f of found) out.set(`transfer:${f.id}`, f.name);
    }
    return out;
  }

  return {
    /** Writes entries in the caller's transaction: they commit with the change or not at all. */
    async append(tx: Tx, entries: NewAuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const at = new Date(clock.now()).toISOString();
      await within(tx, knex)('audit_log').insert(
        entries.map((e) => ({
          at,
          actor_id: e.actorId,
          action: e.action,
          target_type: e.target.type,
          target_id: e.target.id,
          org_id: e.orgId,
          before: e.before === undefined ? null : JSON.stringify(e.before),
          after: e.after === undefined ? null : JSON.stringify(e.after),
        })),
      );
    },
    /** Newest first; `orgIds` null reads every unit (the admin). */
    async list(filter: { orgIds: number[] | null; actorId?: number; action?: string; beforeId?: number; limit: number }): Promise<AuditEntry[]> {
      const query = read('audit_log as a').join('users as u', 'u.id', 'a.actor_id').orderBy('a.id', 'desc').limit(filter.limit).select('a.*', 'u.name as actor_name');
      if (filter.orgIds !== null) {
        if (filter.orgIds.length === 0) return [];
        query.whereIn('a.org_id', filter.orgIds);
      }
      if (filter.actorId !== undefined) query.where('a.actor_id', filter.actorId);
      if (filter.action !== undefined) query.where('a.action', filter.action);
      if (filter.beforeId !== undefined) query.where('a.id', '<', filter.beforeId);
      const rows = (await query) as AuditRow[];
      const names = await namesOf(rows);
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: { id: r.actor_id, name: r.actor_name },
        action: r.action,
        target: { type: r.target_type, id: r.target_id, name: names.get(`${r.target_type}:${r.target_id}`) ?? null },
        orgId: r.org_id,
        before: parse(r.before),
        after: parse(r.after),
      }));
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
