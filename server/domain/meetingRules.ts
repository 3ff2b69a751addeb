import type { OrgTree } from './orgTree';
import type { Actor, OpenTo } from './types';

/** Who may see and sign up for a meeting: anyone for `all`; for `host`, people under the host unit. */
export function mayJoinMeeting(tree: OrgTree, actor: Actor, meeting: { hostOrgId: number; openTo: OpenTo }): boolean {
  return meeting.openTo === 'all' || tree.canUseOrgRoom(actor, meeting.hostOrgId);
}

/** The admin and organizers of the host unit or a unit above it run the meeting. */
export function mayManageMeeting(tree: OrgTree, actor: Actor, hostOrgId: number): boolean {
  return tree.canManage(actor, hostOrgId);
}

/** Host units whose `host`-only meetings this person may see: their branch and its ancestors, and what they organize. */
export function visibleHostUnits(tree: OrgTree, actor: Actor): number[] | 'all' {
  if (actor.role === 'admin') return 'all';
  const ids = new Set<number>();
  if (actor.branchId !== null) for (const org of tree.lineage(actor.branchId)) ids.add(org.id);
  for (const orgId of tree.organizerOf(actor.id)) for (const id of tree.subtree(orgId)) ids.add(id);
  return [...ids];
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud at the door

export function newCheckInCode(random: (n: number) => Uint8Array): string {
  return [...random(6)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}
