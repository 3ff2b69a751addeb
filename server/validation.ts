import type { z } from 'zod';
import { invalid, tooLarge, type AppError } from './errors';

/**
 * Turns a failed zod parse into the contract's error, for HTTP and sockets alike: an over-long string
 * is `too_large`, anything else `invalid`, naming the field.
 */
export function parseError(error: z.ZodError): AppError {
  const issue = error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
  if (issue.code === 'too_big' && issue.origin === 'string') return tooLarge(`${where} is too long`);
  return invalid(`${where}: ${issue.message}`);
}
