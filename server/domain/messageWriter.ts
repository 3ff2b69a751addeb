import type { Database } from '../db/database';
import type { MessageDraft, MessagesRepo, StoreOutcome } from '../db/repositories/messages';

interface Pending {
  draft: MessageDraft;
  resolve(outcome: StoreOutcome): void;
  reject(error: unknown): void;
}

const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === '23505' || (e?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(e.message ?? ''));
};

/**
 * Group commit for chat messages: drafts submitted while a transaction is running wait for the next
 * one, so under load many messages share one transaction (one fsync) instead of paying one each, and
 * when idle a message is written at once. Each submitter is answered only after its batch commits.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepo,
    private readonly maxBatch = 500,
    private readonly onBatch: (size: number, ms: number) => void = () => {},
  ) {}

  submit(draft: MessageDraft): Promise<StoreOutcome> {
    if (this.closed) return Promise.reject(new Error('message writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Stops taking drafts and waits until every queued one is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    // Let the current tick's submissions join the first batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const started = performance.now();
      try {
        const outcomes = await this.storeWithRetry(batch.map((p) => p.draft));
        batch.forEach((p, i) => p.resolve(outcomes[i]));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
      this.onBatch(batch.length, performance.now() - started);
    }
    this.running = null;
  }

  private async storeWithRetry(drafts: MessageDraft[]): Promise<StoreOutcome[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.writeTransaction((trx) => this.messages.storeBatch(trx, drafts));
      } catch (error) {
        // Another process stored the same (room, author, clientId) between our check and insert:
        // the retry finds it and answers with the stored message.
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }
}
