import type { ActivityCard, BranchStint } from '../contract/memberLife';
import type { Actor } from '../contract/model';
import { csvDocument } from '../contract/csv';
import type { Repositories } from '../db/repositories';
import { notFound } from '../errors';
import type { DuesService } from './dues';
import type { OrgDirectory } from './orgDirectory';
import type { OrgTree } from './orgTree';
import type { Clock } from './ports';
import type { SignsOfLife } from './signsOfLife';

/** The branches a member belonged to, oldest first: the recorded history, or their one branch since joining. */
function branchHistory(tree: OrgTree, stints: Array<Omit<BranchStint, 'name'>>, current: number | null, joined: string | null): BranchStint[] {
  const name = (id: number) => tree.get(id)?.name ?? `#${id}`;
  if (stints.length > 0) return stints.map((s) => ({ ...s, name: name(s.branchId) }));
  return current === null ? [] : [{ branchId: current, name: name(current), from: joined ?? '', to: null }];
}

/**
 * A member's electronic activity card: basic information, branch history and transfers, the meetings they
 * signed up for and attended, calls and check-ins, dues standing, training and this year's hours, and their
 * reports home. Everything on it comes from what happened; nothing is typed twice. Seen by the member,
 * organizers over them, and the admin.
 */
export function createCardService(deps: {
  repos: Pick<Repositories, 'users' | 'meetings' | 'calls' | 'checkins' | 'transfers' | 'trainings' | 'memberLife'>;
  directory: OrgDirectory;
  dues: Pick<DuesService, 'ledger'>;
  signs: SignsOfLife;
  clock: Clock;
}) {
  const { repos } = deps;
  return {
    async card(actor: Actor, memberId: number): Promise<ActivityCard> {
      // What this process noted as signs of life is written first, so the one read shows the latest.
      await deps.signs.flush();
      const found = await repos.users.findById(memberId);
      if (!found) throw notFound('member');
      const policy = await deps.directory.policy();
      policy.assert(actor, 'member.read', found);
      const { active: _active, ...member } = found;
      const year = new Date(deps.clock.now()).getUTCFullYear();
      const [meetings, calls, checkins, dues, transfers, trainings, hours, reports, stints, joined] = await Promise.all([
        repos.meetings.signupsOfUser(memberId),
        repos.calls.forUsers([memberId], { limit: 100 }),
        repos.checkins.involving(memberId, { limit: 100 }),
        deps.dues.ledger(memberId),
        repos.transfers.ofMember(memberId),
        repos.trainings.recordsOfUser(memberId),
        repos.trainings.confirmedHours(memberId, `${year}-01-01T00:00:00.000Z`, `${year + 1}-01-01T00:00:00.000Z`),
        repos.memberLife.reportsOf(memberId),
        repos.memberLife.stintsOf(memberId),
        repos.memberLife.createdAt(memberId),
      ]);
      return {
        member,
        branch: member.branchId === null ? null : policy.tree.get(member.branchId) ?? null,
        branchHistory: branchHistory(policy.tree, stints, member.branchId, joined),
        transfers,
        meetings,
        calls: calls.items,
        checkins: checkins.filter((c) => c.member.id === memberId).map((c) => ({ id: c.id, organizer: c.organizer, scheduledAt: c.scheduledAt, status: c.status, note: c.note, callId: c.callId })),
        dues: { rate: dues.rate, periods: dues.periods, balanceDue: dues.balanceDue },
        trainings,
        trainingHours: { year, hours },
        reports,
        lastSeenAt: member.lastSeenAt,
      };
    },
  };
}

/**
 * The card as one CSV sheet: a section column, then what and when, so it reads in a spreadsheet and prints.
 * Cells go through the contract's CSV rules (no formulas, quoted line breaks).
 */
export function cardCsv(card: ActivityCard, branchName: (id: number) => string): string {
  const rows: Array<Array<string | number | null>> = [];
  const m = card.member;
  rows.push(['member', m.name, m.email, card.branch?.name ?? '', m.location, m.mobile ? 'mobile' : '', m.status]);
  rows.push(['last_seen', card.lastSeenAt, '', '', '', '', '']);
  for (const b of card.branchHistory) rows.push(['branch', b.name, b.from, b.to, '', '', '']);
  for (const t of card.transfers) rows.push(['transfer', `${branchName(t.fromBranchId)} → ${branchName(t.toBranchId)}`, t.createdAt, t.completedAt, t.status, t.reason, t.destination]);
  for (const s of card.meetings) rows.push(['meeting', s.title, s.startsAt, s.attendedAt, s.status, s.meetingStatus, '']);
  for (const c of card.calls) rows.push(['call', `${c.caller.name} → ${c.callee.name}`, c.startedAt, c.endedAt, c.status, c.endReason, c.durationS]);
  for (const c of card.checkins) rows.push(['checkin', c.organizer.name, c.scheduledAt, '', c.status, c.note, '']);
  for (const p of card.dues.periods) rows.push(['dues', p.period, p.amount, p.paid, p.status, p.currency, '']);
  rows.push(['dues_balance', card.dues.balanceDue, '', '', '', '', '']);
  for (const r of card.trainings) rows.push(['training', r.training.title, r.at, r.hours, r.status, r.training.kind, r.note]);
  rows.push(['training_hours', card.trainingHours.year, card.trainingHours.hours, '', '', '', '']);
  for (const r of card.reports) rows.push(['report', r.location, r.at, '', r.mobile ? 'mobile' : '', r.note, '']);
  return csvDocument(['section', 'what', 'from / when', 'to / detail', 'status', 'more', 'more'], rows);
}

export type CardService = ReturnType<typeof createCardService>;
