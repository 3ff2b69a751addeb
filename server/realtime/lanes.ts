import { rateLimited } from '../errors';

interface Lane {
  running: number;
  waiting: Array<() => void>;
}

/**
 * Each member's socket commands run a few at a time, the rest wait their turn in order, and a member with too many
 * waiting is told to slow down. Without it one socket with hundreds of well-formed commands in flight (history
 * pages, joins) fills the database's queue (SQLite has one writer and four readers; PostgreSQL a small pool) and
 * every other member's message waits behind all of them. With it, whoever floods waits for their own commands, and
 * anyone else's finds at most `running` of theirs ahead of it. Sixteen, not fewer: a member's outbox flushing
 * hundreds of messages after a day offline still shares transactions (the group commit batches what runs at once).
 */
export class CommandLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    /** How many commands of one member run at once. */
    private readonly running = 16,
    /** How many more may wait before new ones are answered rate_limited. */
    private readonly waiting = 1_000,
  ) {}

  /** Waits for a turn in `key`'s lane; returns the function that gives it back (call it exactly once). */
  async enter(key: string): Promise<() => void> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { running: 0, waiting: [] }));
    if (lane.running >= this.running) {
      if (lane.waiting.length >= this.waiting) throw rateLimited('too many commands at once; wait for the answers');
      await new Promise<void>((resolve) => lane!.waiting.push(resolve));
    } else {
      lane.running++;
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = lane!.waiting.shift();
      // The turn passes straight to the next in line (running stays the same); an empty lane is forgotten.
      if (next) next();
      else if (--lane!.running === 0) this.lanes.delete(key);
    };
  }

  /** Lanes with anything running (for tests and metrics). */
  get size(): number {
    return this.lanes.size;
  }
}
