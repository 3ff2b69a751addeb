import type { AddressedNotification, NotificationDraft, NotificationSink } from '../notifications/sink';
import type { Transactions, Tx } from './ports';

/** What a piece of work does besides writing: notifications to push and effects to run, both after commit. */
export interface Effects {
  /** Stores notifications in the work's transaction; they are pushed once it has committed. */
  notify(drafts: NotificationDraft[]): Promise<AddressedNotification[]>;
  /** Keeps notifications stored some other way (coalesced ones) for the push after commit. */
  pushLater(stored: AddressedNotification[]): void;
  /** Runs `effect` after the commit (socket events, session syncs, queue jobs); never on rollback. */
  afterCommit(effect: () => unknown): void;
}

/**
 * One transaction and its side effects: everything the work writes commits together, and only then are
 * its notifications pushed and its effects run (in order). If the transaction is retried (a busy
 * database), the effects of the failed attempt are dropped with it.
 */
export class UnitOfWork {
  constructor(
    private readonly transactions: Transactions,
    private readonly sink: NotificationSink,
    private readonly onEffectError: (error: unknown) => void = () => {},
  ) {}

  async run<T>(work: (tx: Tx, effects: Effects) => Promise<T>): Promise<T> {
    let pushes: AddressedNotification[] = [];
    let effects: Array<() => unknown> = [];
    const result = await this.transactions.write((tx) => {
      pushes = [];
      effects = [];
      return work(tx, {
        notify: async (drafts) => {
          const stored = await this.sink.store(tx, drafts);
          pushes.push(...stored);
          return stored;
        },
        pushLater: (stored) => void pushes.push(...stored),
        afterCommit: (effect) => void effects.push(effect),
      });
    });
    this.sink.push(pushes);
    for (const effect of effects) {
      try {
        await effect();
      } catch (error) {
        this.onEffectError(error); // the change is committed; a failed side effect must not undo or fail it
      }
    }
    return result;
  }
}
