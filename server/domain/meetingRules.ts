// The shapes and small rules of meetings that the service, the routes and the demo share: what a new meeting
// is, the public registration's code, and who sees the online link.
import { createHash, randomBytes } from 'node:crypto';
import type { Meeting, MeetingStatus, OpenTo } from '../contract/model';

export interface NewMeetingInput {
  hostOrgId: number;
  title: string;
  topic?: string | null;
  description?: string | null;
  startsAt: string;
  endsAt?: string | null;
  location?: string | null;
  online?: boolean;
  onlineUrl?: string | null;
  capacity: number;
  openTo: OpenTo;
  trainingHours?: number | null;
  /** Adopted from this library project (counted by `onAdopted` in the same transaction). */
  projectId?: number | null;
}

export type MeetingPatch = Partial<Omit<NewMeetingInput, 'hostOrgId' | 'openTo'>> & { status?: MeetingStatus };

export const MAX_CAPACITY = 100_000;

/** A public registration's code is kept only as this hash (a stolen database gives no one's code away). */
export const hashPublicCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
const PUBLIC_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** 16 characters of 32: 80 random bits, unguessable, still readable over the phone. */
export const newPublicCode = () => [...randomBytes(16)].map((b) => PUBLIC_CODE_ALPHABET[b % 32]).join('');

/** What a public page may show of a meeting: no member's data, no online link (that comes with a seat). */
export const publicView = (m: Meeting): Meeting => ({ ...m, onlineUrl: null });

/**
 * The online link is the door to an online meeting: given to those holding a seat and those running it,
 * so the seats still mean something (others see that the meeting is online, and sign up to get in).
 */
export function withOnlineLink<M extends { onlineUrl: string | null }>(meeting: M, mayHaveIt: boolean): M {
  return mayHaveIt || meeting.onlineUrl === null ? meeting : { ...meeting, onlineUrl: null };
}
export const holdsSeat = (signup: { status: string } | null) => signup?.status === 'confirmed' || signup?.status === 'attended';
