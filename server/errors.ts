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

/**
 * The one mapping from anything thrown to what a client may see. Unknown errors become `internal`
 * with a generic message; the caller logs the original.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'something went wrong on our side' };
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
