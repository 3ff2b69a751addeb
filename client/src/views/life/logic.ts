/**
 * The pure parts of the member-life pages (no DOM, no catalog): a transfer's progress as steps, which units a
 * viewer may pick, what an audit entry changed. Unit-tested in tests/unit/memberLifeClient.test.ts.
 */
import type { Transfer, TransferStatus, TransferView } from '../../../../server/contract/memberLife';
import type { Org, UserRef } from '../../../../server/contract/model';

export type { TransferView };

export const isPending = (status: TransferStatus) => status === 'pending_out' || status === 'pending_in';

/** One line of a transfer's progress. `side` names the branch that acts (or acted) on this step. */
export interface ProgressStep {
  kind: 'requested' | 'sending' | 'receiving' | 'completed' | 'returned' | 'withdrawn';
  state: 'done' | 'current' | 'upcoming' | 'stopped';
  side: 'from' | 'to' | null;
  by: UserRef | null;
  at: string | null;
  note: string | null;
}

/**
 * The steps of a transfer in order: what happened (who, when, with what note), then, while it is pending, the
 * step waiting now and those still to come. A return is said on the side that returned it.
 */
export function transferProgress(transfer: Transfer): ProgressStep[] {
  const steps: ProgressStep[] = [];
  let approvedOut = false;
  if (!transfer.steps.some((s) => s.action === 'requested')) {
    steps.push({ kind: 'requested', state: 'done', side: null, by: transfer.requestedBy ?? null, at: transfer.createdAt, note: null });
  }
  for (const step of transfer.steps) {
    const base = { by: step.by, at: step.at, note: step.note };
    switch (step.action) {
      case 'requested':
        steps.push({ kind: 'requested', state: 'done', side: null, ...base });
        break;
      case 'approved_out':
        approvedOut = true;
        steps.push({ kind: 'sending', state: 'done', side: 'from', ...base });
        break;
      case 'approved_in':
        steps.push({ kind: 'receiving', state: 'done', side: 'to', ...base });
        break;
      case 'returned':
        steps.push({ kind: 'returned', state: 'stopped', side: approvedOut ? 'to' : 'from', ...base });
        break;
      case 'withdrawn':
        steps.push({ kind: 'withdrawn', state: 'stopped', side: null, ...base });
        break;
    }
  }
  const ahead = (kind: ProgressStep['kind'], state: ProgressStep['state'], side: ProgressStep['side']): ProgressStep => ({ kind, state, side, by: null, at: null, note: null });
  if (transfer.status === 'pending_out') steps.push(ahead('sending', 'current', 'from'), ahead('receiving', 'upcoming', 'to'), ahead('completed', 'upcoming', null));
  if (transfer.status === 'pending_in') steps.push(ahead('receiving', 'current', 'to'), ahead('completed', 'upcoming', null));
  if (transfer.status === 'completed') steps.push({ kind: 'completed', state: 'done', side: 'to', by: null, at: transfer.completedAt, note: null });
  return steps;
}

/** Waiting for the caller first, then the oldest: the order an organizer works through a queue in. */
export function queueOrder(transfers: TransferView[]): TransferView[] {
  return [...transfers].sort((a, b) => Number(Boolean(b.mayDecide)) - Number(Boolean(a.mayDecide)) || a.createdAt.localeCompare(b.createdAt));
}

/** The unit and every unit above it, nearest first. */
export function unitPath(orgs: readonly Org[], id: number | null): Org[] {
  const path: Org[] = [];
  for (let org = orgs.find((o) => o.id === id); org && !path.includes(org); org = orgs.find((o) => o.id === org!.parentId)) path.push(org);
  return path;
}

/** The units a viewer manages: the admin all of them, an organizer the units they run and everything below. */
export function managedUnits(orgs: readonly Org[], viewer: { role: string; organizerOf: readonly number[] }): Org[] {
  if (viewer.role === 'admin') return [...orgs];
  return orgs.filter((o) => unitPath(orgs, o.id).some((u) => viewer.organizerOf.includes(u.id)));
}

/** Branches a member may move to: every branch but the one they are in. */
export function branchChoices(orgs: readonly Org[], currentBranchId: number | null): Org[] {
  return orgs.filter((o) => o.kind === 'branch' && o.id !== currentBranchId);
}

/** One field an audit entry changed, its values as short text. */
export interface Change {
  field: string;
  before: string | null;
  after: string | null;
}

const shown = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

/**
 * What an audit entry changed, field by field (only the fields that differ); a value that is not an object
 * (a created or deleted thing as a whole, a number) is one change without a field name.
 */
export function auditChanges(before: unknown, after: unknown): Change[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(before) && !isRecord(after)) {
    return shown(before) === shown(after) ? [] : [{ field: '', before: shown(before), after: shown(after) }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .map((field) => ({ field, before: shown(b[field]), after: shown(a[field]) }))
    .filter((c) => c.before !== c.after);
}

/** Training hours as typed (1.5, 2, 0.75): a positive number in quarters of an hour, or null when it is not one. */
export function parseHours(text: string): number | null {
  const value = Number(text.trim().replace(',', '.'));
  if (!text.trim() || !Number.isFinite(value) || value <= 0 || value > 1000) return null;
  return Number.isInteger(value * 4) ? value : null;
}

/** A value that is a plain date ("2026-11-01") and no instant: shown as that day in every zone. */
export const isDateOnly = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The page of an audit entry's target, when it has one (a member's card, a transfer, a training, a meeting). */
export function targetLink(target: { type: string; id: number }): string | null {
  switch (target.type) {
    case 'user':
      return `#/members/${target.id}/card`;
    case 'transfer':
      return `#/transfers/${target.id}`;
    case 'training':
      return `#/trainings/${target.id}`;
    case 'meeting':
      return `#/meetings/${target.id}`;
    default:
      return null;
  }
}
