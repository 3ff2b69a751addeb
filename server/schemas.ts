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

/** Control characters other than tab and line breaks (a NUL is refused by PostgreSQL, the rest is junk). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Trimmed text of at most `max` characters, without control characters (tab and line breaks allowed). */
export const text = (max: number) => z.string().trim().max(max).refine((s) => !CONTROL.test(s), 'control characters are not allowed');

/** An opaque list cursor (the `nextCursor` of the previous page). */
export const cursor = z
  .string()
  .max(300)
  .refine((c) => (/^\d{1,12}$/.test(c) ? Number(c) <= MAX_ID : decodeCursor(c) !== null), 'not a cursor this server handed out');

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
