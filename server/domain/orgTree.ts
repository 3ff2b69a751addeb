import type { Org } from '../contract/model';

/**
 * An immutable snapshot of the organization tree and its organizers, answering the structural questions
 * ("is unit X at or below unit Y?", "does this user organize X or a unit above it?") from memory. What a
 * person may do with these facts is decided by the Policy (policy.ts), never here.
 */
export class OrgTree {
  private readonly byId = new Map<number, Org>();
  private readonly children = new Map<number, number[]>();
  private readonly organizedBy = new Map<number, Set<number>>();
  /** Each organizer's home branch. */
  private readonly homeOf = new Map<number, number | null>();

  constructor(orgs: Org[], organizers: Array<{ orgId: number; userId: number; branchId?: number | null }>) {
    for (const org of orgs) {
      this.byId.set(org.id, org);
      if (org.parentId !== null) {
        const list = this.children.get(org.parentId) ?? [];
        list.push(org.id);
        this.children.set(org.parentId, list);
      }
    }
    for (const { orgId, userId, branchId } of organizers) {
      this.homeOf.set(userId, branchId ?? null);
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

  /** The unit itself, then its parent, up to the root. */
  *lineage(id: number): Generator<Org> {
    // The visited set is a backstop: the stored tree has no loops (moves are checked in their transaction).
    const seen = new Set<number>();
    for (let org = this.byId.get(id); org && !seen.has(org.id); org = org.parentId === null ? undefined : this.byId.get(org.parentId)) {
      seen.add(org.id);
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
    const seen = new Set<number>();
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (!this.byId.has(next) || seen.has(next)) continue;
      seen.add(next);
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

  /** Every organizer, with their home branch. */
  organizers(): Array<{ userId: number; branchId: number | null }> {
    return [...this.homeOf].map(([userId, branchId]) => ({ userId, branchId }));
  }
}
