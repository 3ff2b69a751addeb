import { describe, expect, it } from 'vitest';
import { OrgTree } from '../../server/domain/orgTree';
import type { Actor } from '../../server/domain/types';

// 1 committee ─ 2 general ─ 3 branch A
//                        └ 4 branch B
//             └ 5 branch C (directly under the committee)
const tree = new OrgTree(
  [
    { id: 1, name: 'C', kind: 'committee', parentId: null },
    { id: 2, name: 'G', kind: 'general_branch', parentId: 1 },
    { id: 3, name: 'A', kind: 'branch', parentId: 2 },
    { id: 4, name: 'B', kind: 'branch', parentId: 2 },
    { id: 5, name: 'C2', kind: 'branch', parentId: 1 },
  ],
  [{ orgId: 2, userId: 10 }, { orgId: 3, userId: 11 }],
);
const actor = (id: number, branchId: number | null, role: Actor['role'] = 'member'): Actor => ({ id, name: `u${id}`, role, branchId, tokenId: 1 });

describe('OrgTree', () => {
  it('answers subtree and lineage questions', () => {
    expect(tree.subtree(2).sort()).toEqual([2, 3, 4]);
    expect(tree.branchesUnder(1).sort()).toEqual([3, 4, 5]);
    expect([...tree.lineage(3)].map((o) => o.id)).toEqual([3, 2, 1]);
    expect(tree.isAtOrBelow(3, 1)).toBe(true);
    expect(tree.isAtOrBelow(1, 3)).toBe(false);
  });

  it('lets members use their branch room and every room above it only', () => {
    const member = actor(20, 3);
    expect([1, 2, 3, 4, 5].filter((id) => tree.canUseOrgRoom(member, id))).toEqual([1, 2, 3]);
  });

  it('lets organizers use and manage their unit and everything below, admin everything', () => {
    expect([1, 2, 3, 4, 5].filter((id) => tree.canManage(actor(10, 5), id))).toEqual([2, 3, 4]);
    expect([1, 2, 3, 4, 5].filter((id) => tree.canUseOrgRoom(actor(10, 5), id))).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3, 4, 5].filter((id) => tree.canManage(actor(11, 3), id))).toEqual([3]);
    expect([1, 2, 3, 4, 5].every((id) => tree.canManage(actor(1, null, 'admin'), id))).toBe(true);
    expect(tree.organizerOf(10)).toEqual([2]);
  });

  it('knows the units each person runs and who may see a member\'s records', () => {
    expect(tree.roots()).toEqual([1]);
    expect(tree.unitsRunBy(actor(1, null, 'admin'))).toEqual([1]);
    expect(tree.unitsRunBy(actor(10, 5))).toEqual([2]);
    expect(tree.unitsRunBy(actor(20, 3))).toEqual([]);
    const member = { id: 20, branchId: 3 };
    expect([actor(20, 3), actor(1, null, 'admin'), actor(10, 5), actor(11, 3)].every((a) => tree.canSeeMember(a, member))).toBe(true);
    expect(tree.canSeeMember(actor(21, 3), member)).toBe(false); // a fellow member
    expect(tree.canSeeMember(actor(11, 3), { id: 22, branchId: 4 })).toBe(false); // an organizer of another branch
  });
});
