/**
 * The typed Socket.IO contract (PROTOCOL.md), shared by the server, the browser client and the tests.
 * Every command is emitted with an acknowledgement that receives an Ack.
 */
import type { ErrorBody } from '../errors';
import type { Actor, ChatMessage, Meeting, MeetingCounts, Notification, UserRef } from '../domain/types';

export type { ChatMessage, UserRef, ErrorBody, Meeting, MeetingCounts, Notification };

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
type Command<P, R> = (payload: P, ack: (response: Ack<R>) => void) => void;

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
  'meeting:attend': Command<{ meetingId: number; userId?: number; code?: string }, { status: 'attended'; userId: number }>;
}

export interface ServerToClientEvents {
  'chat:message': (message: ChatMessage) => void;
  'chat:typing': (event: { roomId: string; user: UserRef }) => void;
  'chat:deleted': (event: { roomId: string; messageId: number }) => void;
  presence: (event: { roomId: string; online: UserRef[] }) => void;
  'meeting:counts': (counts: MeetingCounts) => void;
  'meeting:promoted': (event: { meetingId: number }) => void;
  notification: (notification: Notification) => void;
}

/** Events between server processes (through the Redis adapter). */
export interface InterServerEvents {
  'orgs:changed': () => void;
  /** A user's rights shrank: each process drops them from rooms they may no longer use. */
  'user:revalidate': (userId: number) => void;
}

export interface SocketData {
  actor: Actor;
  /** Rooms this socket joined through room:join (counted in presence). */
  joined: Set<string>;
}

/** Rooms the server puts sockets in; clients can never join these themselves. */
export const userRoom = (userId: number) => `user:${userId}`;
export const tokenRoom = (tokenId: number) => `token:${tokenId}`;
/** Sockets watching a meeting's counters (meeting:watch). */
export const meetingWatchRoom = (meetingId: number) => `meeting-watch:${meetingId}`;
