/**
 * The pure parts of the district's voice pages (no DOM, no catalog): the order of announcements, merging lists
 * that also grow live, a discussion changed live, what a post's page offers, where a search result leads and
 * the room it names. Unit-tested in tests/unit/voiceClient.test.ts.
 */
import type { Announcement, Discussion, Post, SearchResult } from '../../../../server/contract/voice';

/** Still pinned at `now`. */
export const isPinned = (a: Pick<Announcement, 'pinnedUntil'>, now = Date.now()) => a.pinnedUntil !== null && Date.parse(a.pinnedUntil) > now;

/** Unread by the caller: addressed to them and not read yet (an organizer over the unit who was not addressed has nothing to read). */
export const isUnread = (a: Pick<Announcement, 'readAt' | 'addressed'>) => a.addressed && a.readAt === null;

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
export function appendPage<T extends { id: number }>(list: readonly T[], page: readonly T[]): T[];
export function appendPage<T>(list: readonly T[], page: readonly T[], idOf: (item: T) => number): T[];
export function appendPage<T>(list: readonly T[], page: readonly T[], idOf = (item: T) => (item as { id: number }).id): T[] {
  const shown = new Set(list.map(idOf));
  return [...list, ...page.filter((x) => !shown.has(idOf(x)))];
}

/** Replies oldest first (ids grow with time). */
export const byOldest = (a: { id: number }, b: { id: number }) => a.id - b.id;

/**
 * A discussion as a live change (`discussion:changed`) leaves it: locked and hidden as the server now says; the
 * reply count and the last reply never behind what the page already knows (a reply may have come first).
 */
export function applyDiscussionChange(current: Discussion | null, changed: Discussion): Discussion | null {
  if (!current || current.id !== changed.id) return current;
  const latest = [current.lastReplyAt, changed.lastReplyAt].filter((x): x is string => x !== null).sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
  return { ...current, ...changed, replies: Math.max(current.replies, changed.replies), lastReplyAt: latest };
}

/** Whether the page takes a reply: not when locked, nor when hidden from the viewer (an organizer over it still may). */
export const repliesClosed = (d: Pick<Discussion, 'locked' | 'hidden'>, organizes: boolean) => d.locked || (d.hidden && !organizes);

/** A post's buttons, as the server says the caller may use them (feature only for a published post). */
export function postActions(post: Pick<Post, 'may' | 'status' | 'featured'>): Array<'edit' | 'feature' | 'unfeature' | 'remove'> {
  const actions: Array<'edit' | 'feature' | 'unfeature' | 'remove'> = [];
  if (post.may.edit) actions.push('edit');
  if (post.may.feature && post.status === 'published') actions.push(post.featured ? 'unfeature' : 'feature');
  if (post.may.remove) actions.push('remove');
  return actions;
}

/** The room a message result is in: as the server names it, else from the member's own rooms, else nothing. */
export function resultRoom(result: Pick<SearchResult, 'roomId' | 'roomName'>, rooms: ReadonlyArray<{ id: string; name: string }>): string {
  if (result.roomName) return result.roomName;
  return rooms.find((r) => r.id === result.roomId)?.name ?? '';
}

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
    case 'project':
      return `#/projects/${result.id}`;
    default:
      return null;
  }
}

/** A search as the address keeps it (`#/search?q=党费&kind=message`). */
export function searchPath(query: string, kind: string): string {
  const params = new URLSearchParams({ q: query.trim() });
  if (kind) params.set('kind', kind);
  return `/search?${params}`;
}
