/**
 * The pure parts of the district's voice pages (no DOM, no catalog): the order of announcements, merging lists
 * that also grow live, where a search result leads. Unit-tested in tests/unit/voiceClient.test.ts.
 */
import type { Announcement, SearchResult } from '../../../../server/contract/voice';

/** Still pinned at `now`. */
export const isPinned = (a: Pick<Announcement, 'pinnedUntil'>, now = Date.now()) => a.pinnedUntil !== null && Date.parse(a.pinnedUntil) > now;

/** Announcements as the list shows them: still pinned first, then the newest (a live one slots in). */
export function orderAnnouncements<A extends Pick<Announcement, 'id' | 'pinnedUntil' | 'createdAt'>>(list: readonly A[], now = Date.now()): A[] {
  return [...list].sort((a, b) => Number(isPinned(b, now)) - Number(isPinned(a, now)) || Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
}

/** A list with items put in (a newer copy replaces the one with its id), in `order`. */
export function mergeById<T extends { id: number }>(list: readonly T[], items: readonly T[], order: (a: T, b: T) => number): T[] {
  const byId = new Map(list.map((x) => [x.id, x]));
  for (const item of items) byId.set(item.id, item);
  return [...byId.values()].sort(order);
}

/** The next page of a list, after what is shown (anything already shown, e.g. arrived live, is not shown twice). */
export function appendPage<T extends { id: number }>(list: readonly T[], page: readonly T[]): T[] {
  const shown = new Set(list.map((x) => x.id));
  return [...list, ...page.filter((x) => !shown.has(x.id))];
}

/** Replies oldest first (ids grow with time). */
export const byOldest = (a: { id: number }, b: { id: number }) => a.id - b.id;

/** How much of the audience has read it, 0..100 (for the bar). */
export const readShare = (read: number, audience: number) => (audience > 0 ? Math.min(100, Math.round((read / audience) * 100)) : 0);

/** Where a search result opens: the message in its room (scrolled to it, the words marked), the thread at the reply, the post, the announcement. */
export function resultLink(result: SearchResult, query: string): string | null {
  switch (result.kind) {
    case 'message':
      return result.roomId && result.seq ? `#/room/${result.roomId}?${new URLSearchParams({ seq: String(result.seq), q: query })}` : null;
    case 'discussion':
      return `#/discussions/${result.id}`;
    case 'reply':
      return result.discussionId ? `#/discussions/${result.discussionId}?reply=${result.id}` : null;
    case 'post':
      return `#/posts/${result.id}`;
    case 'announcement':
      return `#/announcements/${result.id}`;
    default:
      return null; // projects have no page in the client yet
  }
}

/** A search as the address keeps it (`#/search?q=党费&kind=message`). */
export function searchPath(query: string, kind: string): string {
  const params = new URLSearchParams({ q: query.trim() });
  if (kind) params.set('kind', kind);
  return `/search?${params}`;
}
