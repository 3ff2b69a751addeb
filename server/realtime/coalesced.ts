import type { RedisClient } from '../redisConnections';

/**
 * Broadcasts "something about X changed" at most once per `intervalMs` per X across every process: a short
 * Redis lock per X lets one process broadcast; a process that could not tries again when the lock lapses;
 * each broadcast reads the state fresh, so the last one after a burst always shows what is stored. Used for
 * meeting counters (100 ms) and announcement read counts (1 s).
 */
export class CoalescedBroadcast {
  private readonly pending = new Set<number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly lockPrefix: string,
    private readonly intervalMs: number,
    /** Reads the state of X and emits it (a no-op once the Socket.IO server is gone). */
    private readonly broadcast: (id: number) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  changed(id: number): void {
    if (this.closed) return;
    this.pending.add(id);
    if (!this.timers.has(id)) void this.tryBroadcast(id);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async tryBroadcast(id: number): Promise<void> {
    let waitMs = this.intervalMs;
    try {
      const key = `${this.lockPrefix}:${id}`;
      if (await this.redis.set(key, '1', 'PX', this.intervalMs, 'NX')) {
        this.pending.delete(id);
        await this.broadcast(id);
      } else {
        waitMs = Math.max(5, await this.redis.pttl(key));
      }
    } catch (error) {
      this.onError(error);
    }
    if (this.closed) return;
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        if (this.pending.has(id)) void this.tryBroadcast(id);
      }, waitMs),
    );
  }
}
