import type { Actor, Org } from './types';

/**
 * An immutable snapshot of the organization tree and its organizers, answering the questions every
 * authorization asks ("is unit X at or below unit Y?", "does this user organize above X?") from memory.
 */
export class OrgTree {
  private readonly byId = new Map<number, Org>();
  private readonly children = new Map<number, number[]>();
  private readonly organizedBy = new Map<number, Set<number>>();

  constructor(orgs: Org[], organizers: Array<{ orgId: number; userId: number }>) {
    for (const org of orgs) {
      this.byId.set(org.id, org);
      if (org.parentId !== null) {
        const list = this.children.get(org.parentId) ?? [];
        list.push(org.id);
        this.children.set(org.parentId, list);
      }
    }
    for (const { orgId, userId } of organizers) {
      const set = this.organizedBy.get(userId) ?? new Set<number>();
      set.add(orgId);
      this.organizedBy.set(userId, set);
    }
  }

  get(id: number): Org | undefined {
    return this.byId.get(id);
  }

  all(): Org[] {
    return [...this.byId.values()];
  }

  /** The top units (those without a parent). */
  roots(): number[] {
    return this.all().filter((o) => o.parentId === null).map((o) => o.id);
  }

  /** The units a person runs: every top unit for the admin, else the units they organize. */
  unitsRunBy(actor: Pick<Actor, 'id' | 'role'>): number[] {
    return actor.role === 'admin' ? this.roots() : this.organizerOf(actor.id);
  }

  /** The unit itself, then its parent, up to the root. */
  *lineage(id: number): Generator<Org> {
    for (let org = this.byId.get(id); org; org = org.parentId === null ? undefined : this.byId.get(org.parentId)) {
      yield org;
    }
  }

  /** True when `id` is `ancestorId` or lies below it. */
  isAtOrBelow(id: number, ancestorId: number): boolean {
    for (const org of this.lineage(id)) if (org.id === ancestorId) return true;
    return false;
  }

  /** The unit and every unit below it. */
  subtree(id: number): number[] {
    const out: number[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (!this.byId.has(next)) continue;
      out.push(next);
      stack.push(...(this.children.get(next) ?? []));
    }
    return out;
  }

  branchesUnder(id: number): number[] {
    return this.subtree(id).filter((orgId) => this.byId.get(orgId)?.kind === 'branch');
  }

  /** Ids of the users who organize exactly this unit. */
  organizersOfUnit(orgId: number): number[] {
    const out: number[] = [];
    for (const [userId, units] of this.organizedBy) if (units.has(orgId)) out.push(userId);
    return out;
  }

  organizerOf(userId: number): number[] {
    return [...(this.organizedBy.get(userId) ?? [])];
  }

  /** Does the user organize this unit or one above it? */
  organizesOver(userId: number, orgId: number): boolean {
    const mine = this.organizedBy.get(userId);
    if (!mine) return false;
    for (const org of this.lineage(orgId)) if (mine.has(org.id)) return true;
    return false;
  }

  /** Admin, or organizer of the unit or above. */
  canManage(actor: Pick<Actor, 'id' | 'role'>, orgId: number): boolean {
    return actor.role === 'admin' || this.organizesOver(actor.id, orgId);
  }

  /** May this person see a member's own records (card, dues)? The member, the admin, organizers over them. */
  canSeeMember(actor: Pick<Actor, 'id' | 'role'>, member: { id: number; branchId: number | null }): boolean {
    return actor.id === member.id || actor.role === 'admin' || (member.branchId !== null && this.organizesOver(actor.id, member.branchId));
  }

  /** May this person use the live room of the unit? Members: their branch is the unit or below it. */
  canUseOrgRoom(actor: Pick<Actor, 'id' | 'role' | 'branchId'>, orgId: number): boolean {
    if (this.canManage(actor, orgId)) return true;
    return actor.branchId !== null && this.isAtOrBelow(actor.branchId, orgId);
  }
}
