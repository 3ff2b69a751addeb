import type { OrgTree } from './orgTree';
import type { Party, Role } from './types';

export interface Callable {
  party: Party;
  /** For users: their role and branch. */
  role?: Role;
  branchId?: number | null;
}

/**
 * Who may call whom (either direction): the admin anyone; an organizer and any member under their unit;
 * two members of one branch; a guest and only the member who invited them.
 */
export function mayCall(tree: OrgTree, a: Callable, b: Callable): boolean {
  if (a.party.kind === 'guest' || b.party.kind === 'guest') {
    const [guest, other] = a.party.kind === 'guest' ? [a.party, b.party] : [b.party as Extract<Party, { kind: 'guest' }>, a.party];
    return other.kind === 'user' && other.id === guest.memberId;
  }
  if (a.party.id === b.party.id) return false;
  if (a.role === 'admin' || b.role === 'admin') return true;
  if (a.branchId != null && a.branchId === b.branchId) return true;
  const organizes = (x: Callable, y: Callable) => x.party.kind === 'user' && y.branchId != null && tree.organizesOver(x.party.id, y.branchId);
  return organizes(a, b) || organizes(b, a);
}

export const partyKey = (p: Party) => (p.kind === 'user' ? `u${p.id}` : `g${p.inviteId}`);
export const sameParty = (a: Party, b: Party) => partyKey(a) === partyKey(b);
