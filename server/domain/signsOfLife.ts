import type { Clock } from './ports';

/** Where signs of life are written: many members at once, never moving a time backwards. */
export interface SignsOfLifeStore {
  touch(userIds: number[], at: string): Promise<void>;
}

/**
 * A member's last sign of life, kept cheaply: a message or a socket command only notes the member in
 * memory, and the noted members are written together every `everyMs` (one statement per 500 members), so
 * chat at full speed costs no database write per message. What is noted but not yet written is at most
 * `everyMs` old, nothing next to the "90 days silent" the lost-contact list looks for; `close()` writes it.
 */
export class SignsOfLife {
  private pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SignsOfLifeStore,
    private readonly clock: Clock,
    private readonly everyMs = 15_000,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Notes that the member showed a sign of life now. */
  seen(userId: number): void {
    this.pending.add(userId);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.everyMs);
      this.timer.unref();
    }
  }

  /** Writes what was noted (also called by tests and on shutdown). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = [...this.pending];
    this.pending = new Set();
    if (ids.length === 0) return this.flushing;
    const at = new Date(this.clock.now()).toISOString();
    this.flushing = this.flushing.then(() => this.store.touch(ids, at)).catch((error) => {
      for (const id of ids) this.pending.add(id); // tried again with the next flush
      this.onError(error);
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
