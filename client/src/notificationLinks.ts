import type { Notification, NotificationData, NotificationKind } from '../../server/contract/notifications';

/** Where each kind of notification leads: one table (a new kind adds a line). */
const LINKS: { [K in NotificationKind]: (data: NotificationData[K]) => string | null } = {
  dues_reminder: () => '#/dues',
  dues_escalation: () => '#/dues',
  meeting_promoted: (d) => `#/meetings/${d.meetingId}`,
  meeting_cancelled: (d) => `#/meetings/${d.meetingId}`,
  meeting_reminder: (d) => `#/meetings/${d.meetingId}`,
  checkin_reminder: () => '#/calls',
  missed_call: () => '#/calls',
  mention: (d) => `#/room/${d.roomId}`,
  // Member life across branches: a transfer's page, or the card of the member who reported home.
  transfer_requested: (d) => `#/transfers/${d.transferId}`,
  transfer_approved: (d) => `#/transfers/${d.transferId}`,
  transfer_returned: (d) => `#/transfers/${d.transferId}`,
  transfer_completed: (d) => `#/transfers/${d.transferId}`,
  member_reported: (d) => (d.member ? `#/members/${d.member.id}/card` : '#/lost-contact'),
  announcement: (d) => `#/announcements/${d.announcementId}`,
  bid_awarded: (d) => `#/projects/${d.projectId}`,
};

/** The page a notification links to, or null (an unknown kind from a newer server). */
export function linkOf(n: Notification): string | null {
  const link = LINKS[n.kind] as ((data: unknown) => string | null) | undefined;
  return link ? link(n.data) : null;
}
