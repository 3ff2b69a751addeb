import type { ErrorBody, ErrorCode } from './contract/errors';

export type { ErrorBody, ErrorCode };

/** Stable error codes of the public contract, with their HTTP status. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** An error whose code and message are safe to show to the client. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalid = (message: string, details?: unknown) => new AppError('invalid', message, details);
export const unauthorized = (message = 'sign in first') => new AppError('unauthorized', message);
export const forbidden = (message = 'not allowed') => new AppError('forbidden', message);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (message: string) => new AppError('conflict', message);
export const tooLarge = (message: string) => new AppError('too_large', message);
export const rateLimited = (message = 'too many requests, slow down') => new AppError('rate_limited', message);
export const unavailable = (message: string) => new AppError('unavailable', message);

const STORAGE_CODES = new Set([
  // SQLite: a read-only file or file system, a full disk, an I/O error, a file that cannot be opened, a lock held too long.
  'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED',
  // PostgreSQL: the server shutting down or restarting, refusing connections, out of disk or connections, read-only.
  '57P01', '57P02', '57P03', '53100', '53200', '53300', '25006',
  // The network under either.
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN',
]);

const STORAGE_ERROR_NAMES = new Set([
  'KnexTimeoutError',
  // ioredis: retries used up, or no node of the cluster answers.
  'MaxRetriesPerRequestError', 'ClusterAllFailedError',
  // node-redis: closed or still reconnecting.
  'ClientClosedError', 'ClientOfflineError', 'SocketClosedUnexpectedlyError', 'ConnectionTimeoutError',
]);

// pg and ioredis say these in the message only. On a Redis Cluster a master that is down leaves its slots
// unserved (CLUSTERDOWN), or ioredis gives up after its redirections while the cluster notices.
const STORAGE_MESSAGES = /Connection terminated|connection error and is not queryable|Connection is closed|Too many Cluster redirections|CLUSTERDOWN|Failed to refresh slots cache|TRYAGAIN/;

/**
 * The storage (database or Redis) cannot do this now, but may soon: a fault of the deployment, not of the
 * request, so the client hears `unavailable` (try again) rather than `internal`.
 */
export function isStorageUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (STORAGE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (STORAGE_ERROR_NAMES.has(String(e.name))) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return STORAGE_MESSAGES.test(message);
}

/**
 * The one mapping from anything thrown to what a client may see. Storage faults become `unavailable`;
 * other unknown errors `internal`, with a generic message; the caller logs the original.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (isStorageUnavailable(error)) return { code: 'unavailable', message: 'the server cannot reach its storage right now; try again shortly' };
  return { code: 'internal', message: 'something went wrong on our side' };
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
