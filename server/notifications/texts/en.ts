import { major, type NotificationTexts } from './types';

const money = (amount: number, currency: string) => `${currency === 'CNY' ? '¥' : `${currency} `}${major(amount)}`;

export const en: NotificationTexts = {
  dues_reminder: (d) => ({
    title: d.stage === 'first' ? `Dues for ${d.period}` : `Second reminder: dues for ${d.period}`,
    body: `You still owe ${money(d.amountDue, d.currency)} in dues for ${d.period}.`,
  }),
  dues_escalation: (d) => ({
    title: `${d.branchName}: ${d.members.length} unpaid for ${d.period}`,
    body: `These members have not paid their dues for ${d.period}: ${d.members.map((m) => `${m.name} (¥${major(m.amountDue)})`).join(', ')}`,
  }),
  meeting_promoted: (d) => ({ title: `Off the waitlist: ${d.title}`, body: `A seat freed up and it is yours: ${d.title}` }),
  meeting_cancelled: (d) => ({ title: `Meeting cancelled: ${d.title}`, body: `A meeting you signed up for was cancelled: ${d.title}` }),
  meeting_reminder: (d) => ({ title: `Starting soon: ${d.title}`, body: `A meeting you signed up for starts soon: ${d.title}${d.location ? ` (${d.location})` : ''}` }),
  checkin_reminder: (d) => ({ title: `Check-in soon with ${d.with.name}`, body: `Your video check-in with ${d.with.name} is coming up` }),
  missed_call: (d) => ({
    title: d.count > 1 ? `Missed calls from ${d.from.name} (${d.count})` : `Missed call from ${d.from.name}`,
    body: d.count > 1 ? `${d.from.name} tried to video-call you ${d.count} times` : `${d.from.name} tried to video-call you`,
  }),
  mention: (d) => ({ title: `${d.from.name} mentioned you in ${d.roomName}`, body: d.excerpt }),
  transfer_requested: (d) => ({
    title: `Transfer to decide: ${d.member.name}`,
    body: `${d.member.name} asks to move from ${d.fromBranch.name} to ${d.toBranch.name}; it waits for ${d.step === 'out' ? 'the sending' : 'the receiving'} branch.`,
  }),
  transfer_approved: (d) => ({ title: `Transfer approved by the sending branch`, body: `${d.by.name} approved ${d.member.name}'s move to ${d.toBranch.name}; it now waits for ${d.toBranch.name}.` }),
  transfer_returned: (d) => ({ title: `Transfer returned`, body: `${d.by.name} returned ${d.member.name}'s move to ${d.toBranch.name}: ${d.note}` }),
  transfer_completed: (d) => ({ title: `Transfer completed`, body: `${d.member.name} now belongs to ${d.toBranch.name}.` }),
  member_reported: (d) => ({ title: `${d.member.name} reported home`, body: `${d.member.name} is now in ${d.location}${d.mobile ? ' (migrant member)' : ''}.` }),
  announcement: (d) => ({ title: `${d.orgName}: ${d.title}`, body: `${d.author.name} published an announcement: ${d.title}` }),
  bid_awarded: (d) => ({ title: `Your project was chosen: ${d.title}`, body: `Your bid "${d.title}" won the call "${d.tenderTitle}" and is now in the project library.` }),
};
