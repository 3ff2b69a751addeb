/** A reply the member wrote that the server has not confirmed yet. */
export interface PendingReply {
  clientId: string;
  discussionId: number;
  body: string;
  createdAt: string;
  /** Set when the server refused it for good (not for being offline). */
  error?: string;
}

/**
 * The member's unsent replies, kept in localStorage (like chat's outbox) so they survive a dropped link, a reload
 * or a closed tab, and are sent again with the same clientId, which the server stores once.
 */
export class ReplyOutbox {
  constructor(private readonly key: string) {}

  all(discussionId?: number): PendingReply[] {
    try {
      const list = JSON.parse(localStorage.getItem(this.key) ?? '[]') as PendingReply[];
      return discussionId === undefined ? list : list.filter((p) => p.discussionId === discussionId);
    } catch {
      return [];
    }
  }

  add(reply: PendingReply): void {
    this.save([...this.all(), reply]);
  }

  remove(clientId: string): void {
    this.save(this.all().filter((p) => p.clientId !== clientId));
  }

  fail(clientId: string, error: string): void {
    this.save(this.all().map((p) => (p.clientId === clientId ? { ...p, error } : p)));
  }

  private save(list: PendingReply[]): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(list));
    } catch {
      // Storage full or disabled: the reply still goes out from this page.
    }
  }
}
