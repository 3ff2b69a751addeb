/** One page of a list, and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor is the sort key of the last item shown, opaque to clients (base64url JSON). */
export const encodeCursor = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key inside a cursor, or null when there is none (a malformed cursor reads as the first page). */
export function decodeCursor<T>(cursor: string | undefined): T | null {
  if (!cursor) return null;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

const MAX_INT = 2 ** 31 - 1;
const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && Math.abs(v as number) <= MAX_INT;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 200 && !v.includes('\u0000');

/**
 * The sort key inside a cursor, only if it has the shape this list hands out (a crafted cursor of another
 * shape reads as the first page, never as a query error): a tuple of `'string'` and `'int'` parts, or an
 * object whose fields have the given kinds (a `string[]` kind lists the values allowed).
 */
export function decodeKey<T>(cursor: string | undefined, shape: Array<'string' | 'int'> | Record<string, 'string' | 'int' | readonly string[]>): T | null {
  const key = decodeCursor<unknown>(cursor);
  if (key === null || typeof key !== 'object') return null;
  const ok = (kind: 'string' | 'int' | readonly string[], v: unknown) => (kind === 'int' ? isInt(v) : kind === 'string' ? isText(v) : typeof v === 'string' && kind.includes(v));
  if (Array.isArray(shape)) return Array.isArray(key) && key.length === shape.length && shape.every((kind, i) => ok(kind, key[i])) ? (key as T) : null;
  return !Array.isArray(key) && Object.entries(shape).every(([field, kind]) => ok(kind, (key as Record<string, unknown>)[field])) ? (key as T) : null;
}

/** Cuts one page out of a list already in memory (computed lists such as arrears). */
export function pageOf<T>(all: T[], limit: number, cursor: string | undefined): Page<T> {
  const key = decodeCursor<unknown>(cursor);
  const start = isInt(key) ? Math.max(0, key) : 0;
  const items = all.slice(start, start + limit);
  return { items, nextCursor: start + limit < all.length ? encodeCursor(start + limit) : null };
}
