/**
 * Member life across branches (PROTOCOL.md, "Member life across branches"): relationship transfers, signs
 * of life and reports home, training, the activity card and the audit log. Shared by server, client and tests.
 */
import type { CallRecord, MemberStatus, Org, User, UserRef } from './model';

export type { MemberStatus };

export type TransferStatus = 'pending_out' | 'pending_in' | 'completed' | 'returned' | 'withdrawn';
export const TRANSFER_STATUSES: readonly TransferStatus[] = ['pending_out', 'pending_in', 'completed', 'returned', 'withdrawn'];
export const PENDING_TRANSFER: readonly TransferStatus[] = ['pending_out', 'pending_in'];
/** A decision names the step it decides: `out` (the sending side's, `pending_out`) or `in` (`pending_in`). */
export type TransferSide = 'out' | 'in';
export const TRANSFER_SIDE_STATUS: Record<TransferSide, TransferStatus> = { out: 'pending_out', in: 'pending_in' };
export type TransferAction = 'requested' | 'approved_out' | 'approved_in' | 'returned' | 'withdrawn';

export interface TransferStep {
  action: TransferAction;
  by: UserRef;
  at: string;
  note: string | null;
}

export interface Transfer {
  id: number;
  member: UserRef;
  fromBranchId: number;
  toBranchId: number;
  reason: string;
  /** Where the member is going (a city, a school abroad), free text. */
  destination: string | null;
  status: TransferStatus;
  steps: TransferStep[];
  /** Who asked for it (the member, or an organizer over them). */
  requestedBy: UserRef;
  createdAt: string;
  completedAt: string | null;
}

/** A transfer as its reader gets it: whether they decide its current step, and may withdraw it. */
export type TransferView = Transfer & { mayDecide: boolean; mayWithdraw: boolean };

/** A member reporting home: where they are now. */
export interface Report {
  id: number;
  location: string;
  mobile: boolean;
  note: string | null;
  at: string;
}

export interface LostContact {
  user: User;
  lastSeenAt: string | null;
  daysSilent: number;
}

export type TrainingKind = 'course' | 'lecture' | 'self_study';
export const TRAINING_KINDS: readonly TrainingKind[] = ['course', 'lecture', 'self_study'];

export interface Training {
  id: number;
  orgId: number;
  title: string;
  kind: TrainingKind;
  description: string | null;
  startsAt: string | null;
  hours: number;
  /** The meeting whose attendance records this training (a meeting with `trainingHours`). */
  meetingId: number | null;
}

export type TrainingRecordStatus = 'pending' | 'confirmed' | 'rejected';

export interface TrainingRecord {
  id: number;
  trainingId: number;
  /** The training's title and kind, so a list of records reads without another request. */
  training: { title: string; kind: TrainingKind; orgId: number };
  user: UserRef;
  hours: number;
  status: TrainingRecordStatus;
  note: string | null;
  confirmedBy: UserRef | null;
  at: string;
}

export interface BranchStint {
  branchId: number;
  name: string;
  from: string;
  to: string | null;
}

export interface CardMeeting {
  meetingId: number;
  title: string;
  startsAt: string;
  status: string;
  meetingStatus: string;
  attendedAt: string | null;
}

export interface CardCheckin {
  id: number;
  organizer: UserRef;
  scheduledAt: string;
  status: string;
  note: string | null;
  /** The call that kept it, once done. */
  callId: string | null;
}

export interface CardDuesPeriod {
  period: string;
  amount: number;
  currency: string;
  paid: number;
  status: 'paid' | 'due' | 'overdue';
}

/** The member's electronic activity card: everything on it comes from what happened in the system. */
export interface ActivityCard {
  member: User;
  branch: Org | null;
  branchHistory: BranchStint[];
  transfers: Transfer[];
  meetings: CardMeeting[];
  calls: CallRecord[];
  checkins: CardCheckin[];
  dues: { rate: { monthlyAmount: number; currency: string } | null; periods: CardDuesPeriod[]; balanceDue: number };
  trainings: TrainingRecord[];
  trainingHours: { year: number; hours: number };
  reports: Report[];
  lastSeenAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: UserRef;
  /** `member.update`, `dues.correct`, `transfer.approve`, … (docs/api.md lists them). */
  action: string;
  /** What was changed, with its name (a member's, a unit's, a meeting's or training's title) when it still exists. */
  target: { type: string; id: number; name: string | null };
  orgId: number | null;
  before: unknown;
  after: unknown;
}
