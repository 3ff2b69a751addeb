/**
 * The district's voice (PROTOCOL.md, "The district's voice"): announcements with read counts, discussions,
 * member blogs and search. Shared by server, client and tests.
 */
import type { UserRef } from './model';

export interface Announcement {
  id: number;
  orgId: number;
  author: UserRef;
  title: string;
  body: string;
  /** Shown first in lists until then; null: not pinned. */
  pinnedUntil: string | null;
  createdAt: string;
  /** When the caller read it (null: unread, or not addressed to the caller). */
  readAt: string | null;
  /** Whether it was addressed to the caller (an organizer over the unit may read one that was not). */
  addressed: boolean;
  /** How many it was addressed to (fixed when published) and how many have read it. */
  audience: number;
  read: number;
}

export interface AnnouncementReads {
  audience: number;
  read: number;
  /** Who has not read it yet (a page of them, by name). */
  unread: UserRef[];
}

export interface Discussion {
  id: number;
  orgId: number;
  author: UserRef;
  title: string;
  body: string;
  createdAt: string;
  lastReplyAt: string | null;
  replies: number;
  locked: boolean;
  hidden: boolean;
}

export interface Reply {
  id: number;
  discussionId: number;
  author: UserRef;
  body: string;
  clientId: string;
  createdAt: string;
  hidden: boolean;
}

export type PostStatus = 'draft' | 'published';

export interface Post {
  id: number;
  author: UserRef;
  title: string;
  body: string;
  status: PostStatus;
  featured: boolean;
  publishedAt: string | null;
  /** How many comments it has. */
  comments: number;
  createdAt: string;
  updatedAt: string;
  /** What the caller may do with it (the author edits; organizers over the author feature; both remove). */
  may: { edit: boolean; feature: boolean; remove: boolean };
}

export interface PostComment {
  id: number;
  postId: number;
  author: UserRef;
  body: string;
  createdAt: string;
}

export type SearchKind = 'message' | 'discussion' | 'reply' | 'post' | 'announcement' | 'project';
export const SEARCH_KINDS: readonly SearchKind[] = ['message', 'discussion', 'reply', 'post', 'announcement', 'project'];

export interface SearchResult {
  kind: SearchKind;
  id: number;
  title: string;
  /** The text around the first match, with the match inside. */
  snippet: string;
  /** A message: its room, the room's name, and seq (the client opens the room scrolled to it). */
  roomId?: string;
  roomName?: string;
  seq?: number;
  /** A reply: its discussion. */
  discussionId?: number;
  createdAt: string;
}
