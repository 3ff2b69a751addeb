/**
 * Notification kinds and the data each one carries (the ids a client needs to link to the thing, and
 * the facts its text is made of). Adding a kind: add it here, give it a text in every language in
 * server/notifications/texts/, and a link in the client's table (client/src/notificationLinks.ts).
 */
export interface NotificationData {
  /** `stage` tells the first reminder from the second. */
  dues_reminder: { stage: 'first' | 'second'; period: string; amountDue: number; currency: string };
  dues_escalation: { branchId: number; branchName: string; period: string; members: Array<{ id: number; name: string; amountDue: number }> };
  meeting_promoted: { meetingId: number; title: string; startsAt: string };
  meeting_cancelled: { meetingId: number; title: string; startsAt: string };
  meeting_reminder: { meetingId: number; title: string; startsAt: string; location: string | null };
  checkin_reminder: { checkinId: number; scheduledAt: string; with: { id: number; name: string } };
  /** One caller's missed calls to one callee within 10 minutes make one notification; `count` says how many. */
  missed_call: { callId: string; from: { id: number | null; name: string; guest?: boolean }; count: number; lastAt: string };
  /** Someone wrote `@name` in a room: the start of what they wrote, and where. */
  mention: { roomId: string; roomName: string; messageId: number; seq: number; from: { id: number; name: string }; excerpt: string };
  /** A transfer waits for the reader's decision (the organizers of the step's side). */
  transfer_requested: { transferId: number; member: { id: number; name: string }; fromBranch: { id: number; name: string }; toBranch: { id: number; name: string }; step: 'out' | 'in' };
  /** The sending side approved: the transfer now waits for the receiving branch. */
  transfer_approved: { transferId: number; member: { id: number; name: string }; toBranch: { id: number; name: string }; by: { id: number; name: string } };
  transfer_returned: { transferId: number; member: { id: number; name: string }; toBranch: { id: number; name: string }; by: { id: number; name: string }; note: string };
  transfer_completed: { transferId: number; member: { id: number; name: string }; toBranch: { id: number; name: string } };
  /** A member reported home (a lost-contact member coming back, or a new address). */
  member_reported: { reportId: number; member: { id: number; name: string }; location: string; mobile: boolean };
  /** A unit the reader belongs to published an announcement. */
  announcement: { announcementId: number; orgId: number; orgName: string; title: string; author: { id: number; name: string } };
  /** The reader's bid was chosen: it is now a project in the library. */
  bid_awarded: { tenderId: number; tenderTitle: string; bidId: number; projectId: number; title: string };
}

export type NotificationKind = keyof NotificationData;

export type Notification = {
  [K in NotificationKind]: {
    id: number;
    kind: K;
    /** Rendered in the reader's language. */
    title: string;
    body: string;
    data: NotificationData[K];
    createdAt: string;
    readAt: string | null;
  };
}[NotificationKind];
