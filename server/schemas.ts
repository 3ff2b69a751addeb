import { z } from 'zod';
import { isPeriod } from './contract/time';
import { decodeCursor } from './util/paging';

/**
 * The shared pieces of every inbound payload, defined once: ids, periods, times, text, paging. Route and
 * socket schemas are built from these; the edge wrappers (http/endpoint.ts, realtime/handle.ts) apply them.
 */

const MAX_ID = 2 ** 31 - 1;

/** A positive integer id (users, orgs, meetings, messages, …), in a JSON body or socket payload. */
export const positiveId = z.number().int().positive().max(MAX_ID);
/** The same in a URL path or query string. */
export const idParam = z.coerce.number().int().positive().max(MAX_ID);
export const idParams = z.object({ id: idParam });

/** A period of dues: `YYYY-MM`. */
export const period = z.string().refine(isPeriod, 'period must be YYYY-MM');

/** An ISO 8601 time with an offset, stored as UTC. */
export const isoTime = z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString());

/** Trimmed text of at most `max` characters. */
export const text = (max: number) => z.string().trim().max(max);

/** An opaque list cursor (the `nextCursor` of the previous page). */
export const cursor = z
  .string()
  .max(300)
  .refine((c) => /^\d{1,12}$/.test(c) || decodeCursor(c) !== null, 'not a cursor this server handed out');

/** `?limit=&before=` of every list: at most 200, 50 by default. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: cursor.optional(),
});

/** An id-ordered list's cursor (`before` is the last id of the previous page). */
export const beforeId = (before: string | undefined) => (before !== undefined && /^\d+$/.test(before) ? Number(before) : undefined);

export const timezone = z.string().trim().min(1).max(64);
export const language = z.enum(['zh-CN', 'en']);
export const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code');
