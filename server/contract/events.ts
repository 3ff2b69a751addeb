/**
 * The typed Socket.IO contract (PROTOCOL.md), shared by the server, the browser client and the tests.
 * Every command is emitted with an acknowledgement that receives an Ack.
 */
import type { Ack, ErrorBody } from './errors';
import type { CallEndReason, ChatMessage, Meeting, MeetingCounts, Notification, Party, UserRef } from './model';
import type { Announcement, Discussion, Reply } from './voice';
import type { Bid, Tender } from './projects';

export type { Ack, ChatMessage, UserRef, ErrorBody, Meeting, MeetingCounts, Notification, CallEndReason };
type Command<P, R> = (payload: P, ack: (response: Ack<R>) => void) => void;

/** A followed room: its latest seq and how far the member has read it. */
export interface RoomActivity {
  roomId: string;
  lastSeq: number;
  readSeq: number;
}

export interface JoinResult {
  roomId: string;
  seq: number;
  messages: ChatMessage[];
  online: UserRef[];
  more?: true;
}

export interface ClientToServerEvents {
  'room:join': Command<{ roomId: string; since?: number }, JoinResult>;
  'room:leave': Command<{ roomId: string }, Record<string, never>>;
  'chat:send': Command<{ roomId: string; clientId: string; body: string }, { message: ChatMessage }>;
  'chat:history': Command<{ roomId: string; beforeSeq?: number; afterSeq?: number; limit?: number }, { messages: ChatMessage[] }>;
  'chat:typing': Command<{ roomId: string }, Record<string, never>>;
  'chat:delete': Command<{ roomId: string; messageId: number }, Record<string, never>>;
  'meeting:watch': Command<{ meetingId: number }, { meeting: Meeting; counts: MeetingCounts }>;
  'meeting:unwatch': Command<{ meetingId: number }, Record<string, never>>;
  'meeting:signup': Command<{ meetingId: number }, { status: 'confirmed' | 'waitlisted'; position: number | null }>;
  'meeting:cancel': Command<{ meetingId: number }, { status: 'cancelled' }>;
  /** By a member's id, their check-in code, or a public registration's code (then `userId` is null). */
  'meeting:attend': Command<{ meetingId: number; userId?: number; code?: string }, { status: 'attended'; userId: number | null }>;
  /** The rooms to hear of (their unread counts): answers each one the caller may use with its latest seq and their read mark. */
  'rooms:follow': Command<{ roomIds: string[] }, { rooms: RoomActivity[] }>;
  /** The caller has read the room up to `seq` (their other sockets hear `room:read`). */
  'room:read': Command<{ roomId: string; seq: number }, { readSeq: number }>;
  'call:invite': Command<{ userId?: number; guestInviteId?: number; checkinId?: number; audioOnly?: boolean }, { callId: string; online: boolean }>;
  'call:accept': Command<{ callId: string }, Record<string, never>>;
  'call:decline': Command<{ callId: string }, Record<string, never>>;
  'call:signal': Command<{ callId: string; signal: unknown }, Record<string, never>>;
  'call:hangup': Command<{ callId: string }, Record<string, never>>;
  'call:rejoin': Command<{ callId: string }, { status: 'ringing' | 'active'; role: 'caller' | 'callee' }>;
  /** An organizer over the announcement's unit follows its read count (`announcement:reads`). */
  'announcement:watch': Command<{ announcementId: number }, { audience: number; read: number }>;
  'announcement:unwatch': Command<{ announcementId: number }, Record<string, never>>;
  /** Follow a discussion's new replies (`discussion:reply`). */
  'discussion:watch': Command<{ discussionId: number }, Record<string, never>>;
  'discussion:unwatch': Command<{ discussionId: number }, Record<string, never>>;
  /** Back a bid of an open call (twice changes nothing) or take the support back. */
  'bid:support': Command<{ bidId: number }, { supporters: number }>;
  'bid:unsupport': Command<{ bidId: number }, { supporters: number }>;
  /** Follow a call's support counts (`tender:counts`). */
  'tender:watch': Command<{ tenderId: number }, { tender: Tender; bids: Bid[] }>;
  'tender:unwatch': Command<{ tenderId: number }, Record<string, never>>;
}

export interface ServerToClientEvents {
  'chat:message': (message: ChatMessage) => void;
  'chat:typing': (event: { roomId: string; user: UserRef }) => void;
  'chat:deleted': (event: { roomId: string; messageId: number }) => void;
  presence: (event: { roomId: string; online: UserRef[] }) => void;
  'meeting:counts': (counts: MeetingCounts) => void;
  'meeting:promoted': (event: { meetingId: number }) => void;
  /** The member was checked in at the door (their meeting page updates). */
  'meeting:attended': (event: { meetingId: number }) => void;
  /** A new message in a followed room the socket is not in (for unread counts): its seq. */
  'room:activity': (event: { roomId: string; seq: number; authorId: number }) => void;
  /** The member read a room on another device. */
  'room:read': (event: { roomId: string; readSeq: number }) => void;
  notification: (notification: Notification) => void;
  'call:incoming': (event: { callId: string; from: { id: number | null; name: string; guest?: boolean }; audioOnly?: boolean }) => void;
  'call:accepted': (event: { callId: string }) => void;
  'call:ended': (event: { callId: string; reason: CallEndReason }) => void;
  'call:signal': (event: { callId: string; signal: unknown }) => void;
  'call:peer': (event: { callId: string; state: 'reconnecting' | 'reconnected' }) => void;
  /** A new announcement addressed to the member. */
  announcement: (announcement: Announcement) => void;
  /** A watched announcement's read count (coalesced, at most one a second; the last one is exact). */
  'announcement:reads': (event: { announcementId: number; audience: number; read: number }) => void;
  /** A new reply in a watched discussion. */
  'discussion:reply': (reply: Reply) => void;
  /** A watched discussion was locked or unlocked, hidden or shown again. */
  'discussion:changed': (discussion: Discussion) => void;
  /** A watched call's support counts (coalesced, at most two a second; the last one is exact). */
  'tender:counts': (event: { tenderId: number; bids: Array<{ id: number; supporters: number }> }) => void;
}

/** Chat room ids. */
export const orgRoomId = (orgId: number) => `org:${orgId}`;
export const meetingRoomId = (meetingId: number) => `meeting:${meetingId}`;

/** Rooms the server puts sockets in; clients can never join these themselves. */
export const userRoom = (userId: number) => `user:${userId}`;
export const tokenRoom = (tokenId: number) => `token:${tokenId}`;
export const guestRoom = (inviteId: number) => `guest:${inviteId}`;
export const partyRoom = (party: Party) => (party.kind === 'user' ? userRoom(party.id) : guestRoom(party.inviteId));
/** Sockets following a room's activity (rooms:follow) without being in it. */
export const activityRoom = (roomId: string) => `activity:${roomId}`;
/** Sockets watching an announcement's read count (announcement:watch). */
export const announcementWatchRoom = (announcementId: number) => `announcement-watch:${announcementId}`;
/** Sockets watching a discussion's replies (discussion:watch). */
export const discussionWatchRoom = (discussionId: number) => `discussion-watch:${discussionId}`;
/** Sockets watching a call for projects' support counts (tender:watch). */
export const tenderWatchRoom = (tenderId: number) => `tender-watch:${tenderId}`;
/** Sockets watching a meeting's counters (meeting:watch). */
export const meetingWatchRoom = (meetingId: number) => `meeting-watch:${meetingId}`;
