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

/** Cuts one page out of a list already in memory (computed lists such as arrears). */
export function pageOf<T>(all: T[], limit: number, cursor: string | undefined): Page<T> {
  const start = Math.max(0, decodeCursor<number>(cursor) ?? 0);
  const items = all.slice(start, start + limit);
  return { items, nextCursor: start + limit < all.length ? encodeCursor(start + limit) : null };
}
