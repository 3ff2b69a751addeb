import { describe, expect, it } from 'vitest';
import { lifeEn } from '../../client/src/i18n/life/en';
import { lifeZhCN } from '../../client/src/i18n/life/zh-CN';
import { en } from '../../client/src/i18n/en';
import { zhCN } from '../../client/src/i18n/zh-CN';
import { auditChanges, branchChoices, managedUnits, parseHours, queueOrder, targetLink, transferProgress, unitPath, type TransferView } from '../../client/src/views/life/logic';
import type { Transfer } from '../../server/contract/memberLife';
import type { Org } from '../../server/contract/model';

/** The pure parts of the member-life pages (client/src/views/life/logic.ts) and their catalog part. */

const alice = { id: 1, name: 'Alice' };
const orgA = { id: 2, name: 'OrgA' };
const orgB = { id: 3, name: 'OrgB' };
const transfer = (over: Partial<Transfer>): Transfer => ({
  id: 7, member: alice, fromBranchId: 10, toBranchId: 11, reason: 'work', destination: null, status: 'pending_out',
  steps: [{ action: 'requested', by: alice, at: '2026-11-01T08:00:00.000Z', note: null }], requestedBy: alice,
  createdAt: '2026-11-01T08:00:00.000Z', completedAt: null, ...over,
});
const shape = (t: Transfer) => transferProgress(t).map((s) => `${s.kind}:${s.state}${s.side ? `@${s.side}` : ''}${s.by ? ` by ${s.by.name}` : ''}${s.note ? ` "${s.note}"` : ''}`);

describe('a transfer as steps', () => {
  it('shows what happened, the step waiting now and the steps to come', () => {
    expect(shape(transfer({}))).toEqual(['requested:done by Alice', 'sending:current@from', 'receiving:upcoming@to', 'completed:upcoming']);
    const approvedOut = { action: 'approved_out' as const, by: orgA, at: '2026-11-02T08:00:00.000Z', note: 'ok' };
    expect(shape(transfer({ status: 'pending_in', steps: [...transfer({}).steps, approvedOut] }))).toEqual([
      'requested:done by Alice', 'sending:done@from by OrgA "ok"', 'receiving:current@to', 'completed:upcoming',
    ]);
    const approvedIn = { action: 'approved_in' as const, by: orgB, at: '2026-11-03T08:00:00.000Z', note: null };
    expect(shape(transfer({ status: 'completed', completedAt: '2026-11-03T08:00:00.000Z', steps: [...transfer({}).steps, approvedOut, approvedIn] }))).toEqual([
      'requested:done by Alice', 'sending:done@from by OrgA "ok"', 'receiving:done@to by OrgB', 'completed:done@to',
    ]);
  });

  it('says a return on the side that returned it, with its note, and stops there', () => {
    const returned = (by: typeof orgA, at: string) => ({ action: 'returned' as const, by, at, note: 'papers missing' });
    expect(shape(transfer({ status: 'returned', steps: [...transfer({}).steps, returned(orgA, '2026-11-02T00:00:00Z')] }))).toEqual(['requested:done by Alice', 'returned:stopped@from by OrgA "papers missing"']);
    const out = { action: 'approved_out' as const, by: orgA, at: '2026-11-02T00:00:00Z', note: null };
    expect(shape(transfer({ status: 'returned', steps: [...transfer({}).steps, out, returned(orgB, '2026-11-03T00:00:00Z')] }))).toEqual(['requested:done by Alice', 'sending:done@from by OrgA', 'returned:stopped@to by OrgB "papers missing"']);
    expect(shape(transfer({ status: 'withdrawn', steps: [...transfer({}).steps, { action: 'withdrawn', by: alice, at: '2026-11-02T00:00:00Z', note: null }] }))).toEqual(['requested:done by Alice', 'withdrawn:stopped by Alice']);
  });

  it('still starts with the request when the server lists no "requested" step (who asked, when)', () => {
    expect(shape(transfer({ steps: [], requestedBy: orgA }))[0]).toBe('requested:done by OrgA');
  });

  it('puts the transfers waiting for the viewer first, then the oldest', () => {
    const t = (id: number, createdAt: string, mayDecide: boolean): TransferView => ({ ...transfer({ id, createdAt }), mayDecide, mayWithdraw: false });
    const order = queueOrder([t(1, '2026-11-01', false), t(2, '2026-11-03', true), t(3, '2026-11-02', true), t(4, '2026-10-01', false)]).map((x) => x.id);
    expect(order).toEqual([3, 2, 4, 1]);
  });
});

describe('units a viewer picks from', () => {
  const orgs: Org[] = [
    { id: 1, name: 'Committee', kind: 'committee', parentId: null },
    { id: 2, name: 'General', kind: 'general_branch', parentId: 1 },
    { id: 3, name: 'A', kind: 'branch', parentId: 2 },
    { id: 4, name: 'B', kind: 'branch', parentId: 2 },
    { id: 5, name: 'Other', kind: 'general_branch', parentId: 1 },
    { id: 6, name: 'C', kind: 'branch', parentId: 5 },
  ];
  it('walks up the tree, and gives an organizer their units and everything below them (the admin all)', () => {
    expect(unitPath(orgs, 3).map((o) => o.id)).toEqual([3, 2, 1]);
    expect(unitPath(orgs, null)).toEqual([]);
    expect(managedUnits(orgs, { role: 'member', organizerOf: [2] }).map((o) => o.id)).toEqual([2, 3, 4]);
    expect(managedUnits(orgs, { role: 'member', organizerOf: [] })).toEqual([]);
    expect(managedUnits(orgs, { role: 'admin', organizerOf: [] })).toHaveLength(6);
  });

  it('offers every branch but one’s own to move to', () => {
    expect(branchChoices(orgs, 3).map((o) => o.id)).toEqual([4, 6]);
  });

  it('survives a loop in a tree being edited', () => {
    const loop: Org[] = [{ id: 1, name: 'x', kind: 'committee', parentId: 2 }, { id: 2, name: 'y', kind: 'committee', parentId: 1 }];
    expect(unitPath(loop, 1).map((o) => o.id)).toEqual([1, 2]);
  });
});

describe('an audit entry and training hours', () => {
  it('lists only the fields that changed, and a whole value as one change', () => {
    expect(auditChanges({ name: 'A', mobile: false, location: 'x' }, { name: 'A', mobile: true, location: null })).toEqual([
      { field: 'mobile', before: 'false', after: 'true' },
      { field: 'location', before: 'x', after: null },
    ]);
    expect(auditChanges(null, { status: 'completed' })).toEqual([{ field: 'status', before: null, after: 'completed' }]);
    expect(auditChanges(5000, 6000)).toEqual([{ field: '', before: '5000', after: '6000' }]);
    expect(auditChanges(undefined, undefined)).toEqual([]);
  });

  it('links an entry to its target’s page', () => {
    expect(targetLink({ type: 'user', id: 3 })).toBe('#/members/3/card');
    expect(targetLink({ type: 'transfer', id: 4 })).toBe('#/transfers/4');
    expect(targetLink({ type: 'org', id: 1 })).toBeNull();
  });

  it('takes hours in quarters, with a comma or a point', () => {
    expect(parseHours('1.5')).toBe(1.5);
    expect(parseHours('0,75')).toBe(0.75);
    expect(parseHours(' 2 ')).toBe(2);
    for (const bad of ['', '0', '-1', '1.3', 'abc', '1001']) expect(parseHours(bad), bad).toBeNull();
  });
});

describe('the member-life catalog part', () => {
  it('has the same keys in both languages, none empty, the same placeholders, and no key of the shared catalog', () => {
    expect(Object.keys(lifeEn).sort()).toEqual(Object.keys(lifeZhCN).sort());
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, zh] of Object.entries(lifeZhCN)) {
      const english = lifeEn[key as keyof typeof lifeEn];
      expect(zh.length * english.length, key).toBeGreaterThan(0);
      expect(placeholders(english), key).toEqual(placeholders(zh));
      expect(key in zhCN || key in en, `${key} is in the shared catalog too`).toBe(false);
    }
  });
});
