/**
 * What the domain needs from the outside world, as interfaces it owns: transactions, time, the live
 * sessions, rate limits. The database, Redis and Socket.IO implement them; tests may pin the clock.
 */

/** An open write transaction. Opaque to the domain: only repositories look inside. */
export interface Tx {
  readonly __transaction: unique symbol;
}

/** Runs work in one write transaction (retried on a busy database), committing when it resolves. */
export interface Transactions {
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** The time, as an input: production reads the system clock, tests pin it to an instant of their choice. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The current time as an ISO 8601 UTC string. */
export const isoNow = (clock: Clock) => new Date(clock.now()).toISOString();

/** Allows or refuses one more event for a key; kept in Redis so a limit holds across processes. */
export interface RateLimiter {
  consume(key: string): Promise<boolean>;
}

/**
 * The live sessions: every socket of a user, on every server process. After a change to someone's
 * rights, `sync` makes their sockets match the rights they hold now, at once (within a second).
 */
export interface Sessions {
  /**
   * Re-reads the user's current rights (account, token, name, branch, roles, sign-ups) and, on every
   * process: disconnects sockets whose token or account is no longer live, refreshes who the socket speaks
   * for, and takes each socket out of every room it may no longer use (dropping it from presence).
   */
  sync(userId: number): Promise<void>;
  /** The same re-check for every socket in one room (a meeting cancelled: its whole room). */
  syncRoom(roomId: string): Promise<void>;
  /** Disconnects, on every process, the sockets opened with this token. */
  disconnectToken(tokenId: number): void;
  /** Disconnects, on every process, the guest socket of this invite. */
  disconnectGuest(inviteId: number): void;
  /** Ids of the users with a socket open now, on any process. */
  onlineUsers(): Promise<Set<number>>;
}
