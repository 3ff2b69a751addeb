interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  /** Called after every batch, with its size and how long it took (for metrics). */
  onBatch?: (size: number, ms: number) => void;
}

/**
 * Group commit (and its read twin, request batching): items submitted while a batch is being written
 * wait and go together in the next one, so many concurrent callers share one transaction instead of
 * queueing for the one SQLite writer each. An idle submission is written at once (after the current
 * tick, so the tick's other submissions join it). `write` gets the batch and returns one result per
 * item, in order; if it throws, every item of the batch is rejected with that error.
 */
export class GroupCommit<T, R> {
  private queue: Array<Pending<T, R>> = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly maxBatch: number;
  private readonly onBatch: (size: number, ms: number) => void;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.onBatch = options.onBatch ?? (() => {});
  }

  submit(item: T): Promise<R> {
    if (this.closed) return Promise.reject(new Error('this writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Something is queued or being written. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Stops taking items and waits until every queued one is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const started = performance.now();
      try {
        const results = await this.write(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i]));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
      this.onBatch(batch.length, performance.now() - started);
    }
    this.running = null;
  }
}
