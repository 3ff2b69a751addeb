/**
 * The model of the public contract (PROTOCOL.md): the shapes the server hands out and the browser client
 * and tests read. This folder (server/contract/) is the neutral module shared by server, client and tests:
 * it imports nothing from the rest of the server and nothing Node-specific (tests/unit/architecture.test.ts).
 */

export type OrgKind = 'committee' | 'general_branch' | 'branch';
export const ORG_KINDS: readonly OrgKind[] = ['committee', 'general_branch', 'branch'];

export interface Org {
  id: number;
  name: string;
  kind: OrgKind;
  parentId: number | null;
}

export type Role = 'admin' | 'member';

/** The languages of the client and of stored notification texts. */
export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

export interface User {
  id: number;
  name: string;
  email: string;
  branchId: number | null;
  timezone: string;
  mobile: boolean;
  location: string | null;
  role: Role;
  /** The language the member reads the app and their notifications in. */
  language: Language;
  /** `in_transit` while a relationship transfer is pending. */
  status: MemberStatus;
  /** The last sign of life (sign-in, socket, message, call, payment, report-in); null if never seen. */
  lastSeenAt: string | null;
}

/** `active`, `in_transit` while a transfer is pending, `deactivated`. */
export type MemberStatus = 'active' | 'in_transit' | 'deactivated';

/** The authenticated caller of a command: who they are and which token they used. */
export interface Actor {
  id: number;
  name: string;
  role: Role;
  branchId: number | null;
  tokenId: number;
}

export interface UserRef {
  id: number;
  name: string;
}

export interface ChatMessage {
  id: number;
  roomId: string;
  seq: number;
  author: UserRef;
  body: string;
  clientId: string;
  createdAt: string;
  deleted: boolean;
}

export type MeetingStatus = 'open' | 'closed' | 'cancelled';
/** `all`: every member; `host`: members of the host unit; `public`: anyone, also without an account. */
export type OpenTo = 'all' | 'host' | 'public';
export type SignupStatus = 'confirmed' | 'waitlisted' | 'cancelled' | 'attended';

export interface Meeting {
  id: number;
  hostOrgId: number;
  title: string;
  topic: string | null;
  description: string | null;
  startsAt: string;
  endsAt: string | null;
  location: string | null;
  online: boolean;
  /** Where an online meeting happens (a video room's address). */
  onlineUrl: string | null;
  capacity: number;
  openTo: OpenTo;
  status: MeetingStatus;
  confirmed: number;
  waitlisted: number;
  /** Attending records this many training hours (a `lecture` linked to the meeting); null: not a training. */
  trainingHours: number | null;
  /** The library project it was adopted from, if any. */
  projectId: number | null;
}

export interface MeetingCounts {
  meetingId: number;
  capacity: number;
  confirmed: number;
  waitlisted: number;
  status: MeetingStatus;
  /** Grows with every change; a client keeps the highest it has seen. */
  version: number;
}

export interface MySignup {
  status: SignupStatus;
  position: number | null;
  checkInCode: string;
}

export type { Notification, NotificationData, NotificationKind } from './notifications';

/** One side of a call: a member (user) or a guest holding an invite link. */
export type Party =
  | { kind: 'user'; id: number; name: string }
  | { kind: 'guest'; inviteId: number; memberId: number; name: string };

export type CallStatus = 'ringing' | 'active' | 'ended';
export type CallEndReason = 'missed' | 'declined' | 'hangup' | 'disconnected' | 'answered_elsewhere' | 'revoked';

export interface CallRecord {
  id: string;
  caller: { id: number | null; name: string; guest?: boolean };
  callee: { id: number | null; name: string; guest?: boolean };
  status: CallStatus;
  endReason: CallEndReason | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationS: number | null;
}

/** One immutable entry of a member's dues ledger: a payment or an organizer's correction (money in minor units). */
export interface Payment {
  id: number;
  userId: number;
  period: string;
  amount: number;
  currency: string;
  reference: string | null;
  kind: 'payment' | 'correction';
  note: string | null;
  recordedBy: number;
  createdAt: string;
}

/** A ledger entry as the ledger shows it: with the name of who recorded it (the member, or an organizer). */
export interface LedgerEntry extends Payment {
  recordedByName: string;
}
