import type { MessageDraft, MessagesRepo, StoreOutcome } from '../db/repositories/messages';
import { GroupCommit } from '../util/groupCommit';
import type { Transactions } from './ports';

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
  private readonly commit: GroupCommit<MessageDraft, StoreOutcome>;

  constructor(
    private readonly transactions: Transactions,
    private readonly messages: MessagesRepo,
    maxBatch = 500,
    onBatch?: (size: number, ms: number) => void,
  ) {
    this.commit = new GroupCommit((drafts) => this.storeWithRetry(drafts), { maxBatch, onBatch });
  }

  submit(draft: MessageDraft): Promise<StoreOutcome> {
    return this.commit.submit(draft);
  }

  /** Stops taking drafts and waits until every queued one is written. */
  close(): Promise<void> {
    return this.commit.close();
  }

  private async storeWithRetry(drafts: MessageDraft[]): Promise<StoreOutcome[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transactions.write((tx) => this.messages.storeBatch(tx, drafts));
      } catch (error) {
        // Another process stored the same (room, author, clientId) between our check and insert:
        // the retry finds it and answers with the stored message.
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }
}
