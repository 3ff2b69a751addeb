import type { OrgsRepo } from '../db/repositories/orgs';
import { OrgTree } from './orgTree';
import { Policy } from './policy';

/**
 * Hands out the current OrgTree. The tree is cached in the process and reloaded when a change is
 * announced (locally, or by another process through `announce`) or at the latest after `maxAgeMs`,
 * so authorization on every command costs no database round trip.
 */
export class OrgDirectory {
  private tree: OrgTree | null = null;
  private loadedAt = 0;
  private loading: { generation: number; tree: Promise<OrgTree> } | null = null;
  private generation = 0;
  private readonly policies = new WeakMap<OrgTree, Policy>();

  constructor(
    private readonly orgs: OrgsRepo,
    private readonly announce: () => void = () => {},
    private readonly maxAgeMs = 30_000,
  ) {}

  /** The policy over the current tree: who may act on whom. */
  async policy(): Promise<Policy> {
    const tree = await this.current();
    let policy = this.policies.get(tree);
    if (!policy) {
      policy = new Policy(tree);
      this.policies.set(tree, policy);
    }
    return policy;
  }

  async current(): Promise<OrgTree> {
    if (this.tree && Date.now() - this.loadedAt < this.maxAgeMs) return this.tree;
    return this.reload();
  }

  /** Forget the cached tree (a change happened elsewhere). */
  invalidate(): void {
    this.generation++;
    this.tree = null;
  }

  /** Forget the cached tree here and tell the other processes to forget theirs. */
  changed(): void {
    this.invalidate();
    this.announce();
  }

  private reload(): Promise<OrgTree> {
    // A load that began before the last change would hand out the old tree: only share a current one.
    if (this.loading && this.loading.generation === this.generation) return this.loading.tree;
    const generation = this.generation;
    const tree: Promise<OrgTree> = this.load(generation).finally(() => {
      if (this.loading?.tree === tree) this.loading = null;
    });
    this.loading = { generation, tree };
    return tree;
  }

  private async load(generation: number): Promise<OrgTree> {
    const [orgs, organizers] = await Promise.all([this.orgs.list(), this.orgs.listOrganizers()]);
    const tree = new OrgTree(orgs, organizers);
    // A change announced while loading makes this snapshot stale: use it once, keep nothing.
    if (generation === this.generation) {
      this.tree = tree;
      this.loadedAt = Date.now();
    }
    return tree;
  }
}
