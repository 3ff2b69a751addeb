import type { AuditEntry } from '../contract/memberLife';
import type { Actor } from '../contract/model';
import type { AuditRepo, NewAuditEntry } from '../db/repositories/audit';
import type { UsersRepo } from '../db/repositories/users';
import { notFound } from '../errors';
import type { OrgDirectory } from './orgDirectory';
import type { Tx } from './ports';

export type { NewAuditEntry };

/** Writes audit entries inside the change's own transaction: they commit with it, or not at all. */
export interface AuditTrail {
  append(tx: Tx, entries: NewAuditEntry[]): Promise<void>;
}

/** The audit actions, one name per kind of change (docs/api.md lists them). */
export type AuditAction =
  | 'member.create'
  | 'member.update'
  | 'member.deactivate'
  | 'org.create'
  | 'org.update'
  | 'org.appoint'
  | 'org.dismiss'
  | 'dues.setRate'
  | 'dues.setUnitRate'
  | 'dues.correct'
  | 'dues.recordPayment'
  | 'meeting.create'
  | 'meeting.update'
  | 'meeting.attend'
  | 'transfer.request'
  | 'transfer.approve'
  | 'transfer.return'
  | 'transfer.withdraw'
  | 'training.create'
  | 'training.record'
  | 'training.confirm'
  | 'training.reject'
  | 'announcement.publish'
  | 'discussion.moderate'
  | 'reply.moderate'
  | 'post.feature'
  | 'post.remove'
  | 'tender.create'
  | 'tender.award';

/** One entry: who did what to which thing, in which unit, and the thing before and after. */
export function auditEntry(actor: Pick<Actor, 'id'>, action: AuditAction, target: { type: string; id: number }, orgId: number | null, change: { before?: unknown; after?: unknown } = {}): NewAuditEntry {
  return { actorId: actor.id, action, target, orgId, before: change.before, after: change.after };
}

/** The fields of a record that differ, before and after (what an update entry keeps). */
export function changedFields<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const was: Partial<T> = {};
  const now: Partial<T> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      was[key] = before[key];
      now[key] = after[key];
    }
  }
  return { before: was, after: now };
}

/**
 * Reading the audit log: organizers the entries about their units and the units and members under them
 * (an entry about a person they are not over, a peer or a superior, is left out); the admin all of it.
 */
export function createAuditService(deps: { audit: AuditRepo; users: Pick<UsersRepo, 'findManyByIds'>; directory: OrgDirectory }) {
  return {
    async list(actor: Actor, filter: { orgId?: number; actorId?: number; action?: string; beforeId?: number; limit: number }): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
      const policy = await deps.directory.policy();
      let orgIds: number[] | null;
      if (filter.orgId !== undefined) {
        if (!policy.tree.get(filter.orgId)) throw notFound('org');
        policy.assert(actor, 'unit.manage', filter.orgId);
        orgIds = policy.tree.subtree(filter.orgId);
      } else if (policy.managesAll(actor)) {
        orgIds = null;
      } else {
        orgIds = policy.managedUnits(actor);
        if (orgIds.length === 0) throw policy.refusal('unit.manage');
      }
      const rows = await deps.audit.list({ orgIds, actorId: filter.actorId, action: filter.action, beforeId: filter.beforeId, limit: filter.limit });
      const last = rows.at(-1);
      if (policy.managesAll(actor)) return { entries: rows, nextCursor: rows.length === filter.limit && last ? String(last.id) : null };
      const people = new Map((await deps.users.findManyByIds([...new Set(rows.filter((e) => e.target.type === 'user').map((e) => e.target.id))])).map((u) => [u.id, u]));
      const entries = rows.filter((e) => {
        if (e.target.type !== 'user') return true;
        const person = people.get(e.target.id);
        return person !== undefined && policy.isOver(actor, person);
      });
      return { entries, nextCursor: rows.length === filter.limit && last ? String(last.id) : null };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
