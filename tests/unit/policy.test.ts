import { describe, expect, it } from 'vitest';
import { assertCallSocket, callSide, mayGuest, Policy, type Action, type Person, type Targets } from '../../server/domain/policy';
import { OrgTree } from '../../server/domain/orgTree';

/**
 * The policy as a table: every role pair × every action of the contract, self included.
 *
 *   1 committee C ─ 2 general branch G ─ 3 branch A
 *                                      └ 4 branch B
 *                 └ 5 branch C2
 *
 * admin; comOrg organizes C (home C2); genOrg organizes G (home A: "an organizer whose home is below");
 * branchOrg and peerOrg both organize A (home A: peers); orgB organizes B (home B); member (home A);
 * memberB (home B). A grid row is the actor, a column the person (or unit) acted on; Y allows, . refuses.
 */
const tree = new OrgTree(
  [
    { id: 1, name: 'C', kind: 'committee', parentId: null },
    { id: 2, name: 'G', kind: 'general_branch', parentId: 1 },
    { id: 3, name: 'A', kind: 'branch', parentId: 2 },
    { id: 4, name: 'B', kind: 'branch', parentId: 2 },
    { id: 5, name: 'C2', kind: 'branch', parentId: 1 },
  ],
  [
    { orgId: 1, userId: 10, branchId: 5 },
    { orgId: 2, userId: 11, branchId: 3 },
    { orgId: 3, userId: 12, branchId: 3 },
    { orgId: 3, userId: 13, branchId: 3 },
    { orgId: 4, userId: 14, branchId: 4 },
  ],
);
const policy = new Policy(tree);

const PEOPLE: Record<string, Person> = {
  admin: { id: 1, role: 'admin', branchId: null },
  comOrg: { id: 10, role: 'member', branchId: 5 },
  genOrg: { id: 11, role: 'member', branchId: 3 },
  branchOrg: { id: 12, role: 'member', branchId: 3 },
  peerOrg: { id: 13, role: 'member', branchId: 3 },
  orgB: { id: 14, role: 'member', branchId: 4 },
  member: { id: 20, role: 'member', branchId: 3 },
  memberB: { id: 21, role: 'member', branchId: 4 },
};
const NAMES = Object.keys(PEOPLE);
const UNITS = [1, 2, 3, 4, 5];

type PersonAction = { [A in Action]: Targets[A] extends Person ? A : never }[Action];
type UnitAction = { [A in Action]: Targets[A] extends number ? A : never }[Action];

/** Runs one grid: rows are actors (in NAMES order), columns the targets; each cell Y or '.'. */
function grid<T>(rows: string[], targets: T[], can: (actor: Person, target: T) => boolean) {
  const got = NAMES.map((name) => targets.map((target) => (can(PEOPLE[name], target) ? 'Y' : '.')).join(''));
  expect(got.map((row, i) => `${NAMES[i].padEnd(9)} ${row}`)).toEqual(rows.map((row, i) => `${NAMES[i].padEnd(9)} ${row.replace(/\s+/g, '')}`));
}

const people = NAMES.map((n) => PEOPLE[n]);

//                        admin comOrg genOrg branchOrg peerOrg orgB member memberB
const OVER = [
  /* admin     */ '.  Y Y Y Y Y Y Y',
  /* comOrg    */ '.  . Y Y Y Y Y Y',
  /* genOrg    */ '.  . . Y Y Y Y Y',
  /* branchOrg */ '.  . . . . . Y .',
  /* peerOrg   */ '.  . . . . . Y .',
  /* orgB      */ '.  . . . . . . Y',
  /* member    */ '.  . . . . . . .',
  /* memberB   */ '.  . . . . . . .',
];
const SELF_OR_OVER = [
  'Y  Y Y Y Y Y Y Y',
  '.  Y Y Y Y Y Y Y',
  '.  . Y Y Y Y Y Y',
  '.  . . Y . . Y .',
  '.  . . . Y . Y .',
  '.  . . . . Y . Y',
  '.  . . . . . Y .',
  '.  . . . . . . Y',
];
const OFFICIAL = [
  'Y  Y Y Y Y Y Y Y', // the admin keeps the records, their own included
  ...OVER.slice(1),
];

const PERSON_GRIDS: Record<PersonAction, string[]> = {
  'member.read': SELF_OR_OVER,
  'member.editProfile': SELF_OR_OVER,
  'member.editOfficial': OFFICIAL,
  'member.deactivate': OVER,
  'member.manage': OVER,
  'dues.setRate': OVER,
  'dues.correct': OVER,
  'dues.recordPayment': OVER,
  'checkin.schedule': OVER,
  'transfer.request': SELF_OR_OVER,
  'transfer.approveOut': OVER,
  'training.record': OVER,
  'training.confirm': OVER,
  'post.edit': [
    'Y  . . . . . . .',
    '.  Y . . . . . .',
    '.  . Y . . . . .',
    '.  . . Y . . . .',
    '.  . . . Y . . .',
    '.  . . . . Y . .',
    '.  . . . . . Y .',
    '.  . . . . . . Y',
  ],
  'post.feature': OVER,
  'post.remove': SELF_OR_OVER,
};

//                            C G A B C2
const MANAGES = [
  /* admin     */ 'Y Y Y Y Y',
  /* comOrg    */ 'Y Y Y Y Y',
  /* genOrg    */ '. Y Y Y .',
  /* branchOrg */ '. . Y . .',
  /* peerOrg   */ '. . Y . .',
  /* orgB      */ '. . . Y .',
  /* member    */ '. . . . .',
  /* memberB   */ '. . . . .',
];
const ADMIN_ONLY = ['Y Y Y Y Y', ...Array(7).fill('. . . . .')];
const STRICTLY_ABOVE = ['Y Y Y Y Y', '. Y Y Y Y', '. . Y Y .', '. . . . .', '. . . . .', '. . . . .', '. . . . .', '. . . . .'];

const ROOM_USE = [
  'Y Y Y Y Y',
  'Y Y Y Y Y',
  'Y Y Y Y .',
  'Y Y Y . .',
  'Y Y Y . .',
  'Y Y . Y .',
  'Y Y Y . .',
  'Y Y . Y .',
];

const UNIT_GRIDS: Record<UnitAction, string[]> = {
  'org.edit': ADMIN_ONLY,
  'org.appoint': STRICTLY_ABOVE,
  'org.dismiss': STRICTLY_ABOVE,
  'member.create': MANAGES,
  'unit.manage': MANAGES,
  'meeting.manage': MANAGES,
  'room.moderate': MANAGES,
  'training.create': MANAGES,
  // Members of the unit only (the admin belongs to no branch; an organizer of C lives in C2).
  'training.selfReport': [
    '. . . . .',
    'Y . . . Y',
    'Y Y Y . .',
    'Y Y Y . .',
    'Y Y Y . .',
    'Y Y . Y .',
    'Y Y Y . .',
    'Y Y . Y .',
  ],
  'announcement.publish': MANAGES,
  'discussion.moderate': MANAGES,
  'tender.manage': MANAGES,
  'project.adopt': MANAGES,
  // From above, and never a rate that applies to oneself (comOrg lives in C2, genOrg in A).
  'dues.setUnitRate': ['Y Y Y Y Y', '. Y Y Y .', '. . . Y .', '. . . . .', '. . . . .', '. . . . .', '. . . . .', '. . . . .'],
  'room.use': ROOM_USE,
  'training.see': ROOM_USE, // a training is for whoever may use its unit's room
};

describe('policy: who may act on whom', () => {
  for (const [action, rows] of Object.entries(PERSON_GRIDS)) {
    it(`${action}, for every pair of people (self on the diagonal)`, () => grid(rows, people, (actor, target) => policy.can(actor, action as PersonAction, target)));
  }

  for (const [action, rows] of Object.entries(UNIT_GRIDS)) {
    it(`${action}, for every person and unit`, () => grid(rows, UNITS, (actor, unit) => policy.can(actor, action as UnitAction, unit)));
  }

  it('org.create, dues.run for the whole district and dues.queue are the admin\'s; dues.run for a unit is its managers\'', () => {
    grid(ADMIN_ONLY, [...UNITS], (actor, parent) => policy.can(actor, 'org.create', parent));
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'org.create', null))).toEqual(['admin']);
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'dues.run', null))).toEqual(['admin']);
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'dues.queue', null))).toEqual(['admin']);
    // Calls for projects are for every member of the district (and the admin).
    expect(NAMES.every((n) => policy.can(PEOPLE[n], 'tender.take_part', null))).toBe(true);
    expect(policy.can({ id: 99, role: 'member', branchId: null }, 'tender.take_part', null)).toBe(false);
    grid(MANAGES, UNITS, (actor, unit) => policy.can(actor, 'dues.run', unit));
  });

  it('org.appointee: organizers come from the unit\'s own members (the admin may appoint anyone)', () => {
    // Appointing to G: a member of A or B qualifies, comOrg (home C2) does not.
    const candidates = [PEOPLE.member, PEOPLE.memberB, PEOPLE.comOrg];
    expect(candidates.map((c) => policy.can(PEOPLE.comOrg, 'org.appointee', { orgId: 2, candidate: c }))).toEqual([true, true, false]);
    expect(candidates.map((c) => policy.can(PEOPLE.admin, 'org.appointee', { orgId: 3, candidate: c }))).toEqual([true, true, true]);
    expect(policy.can(PEOPLE.genOrg, 'org.appointee', { orgId: 3, candidate: PEOPLE.memberB })).toBe(false);
  });

  it('meeting.see and meeting.room: host-only meetings for the host unit; the room for seats and managers, not after a cancellation', () => {
    const hostOnly = { hostOrgId: 3, openTo: 'host' as const };
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'meeting.see', hostOnly))).toEqual(['admin', 'comOrg', 'genOrg', 'branchOrg', 'peerOrg', 'member']);
    expect(NAMES.every((n) => policy.can(PEOPLE[n], 'meeting.see', { hostOrgId: 3, openTo: 'all' }))).toBe(true);
    const room = (signup: 'confirmed' | 'attended' | 'waitlisted' | 'cancelled' | null, status: 'open' | 'cancelled' = 'open') => ({ hostOrgId: 3, openTo: 'all' as const, status, signup });
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'meeting.room', room(null)))).toEqual(['admin', 'comOrg', 'genOrg', 'branchOrg', 'peerOrg']);
    expect(policy.can(PEOPLE.memberB, 'meeting.room', room('confirmed'))).toBe(true);
    expect(policy.can(PEOPLE.memberB, 'meeting.room', room('attended'))).toBe(true);
    expect(policy.can(PEOPLE.memberB, 'meeting.room', room('waitlisted'))).toBe(false);
    expect(policy.can(PEOPLE.memberB, 'meeting.room', room('cancelled'))).toBe(false);
    expect(policy.can(PEOPLE.memberB, 'meeting.room', room('confirmed', 'cancelled'))).toBe(false);
    expect(policy.can(PEOPLE.branchOrg, 'meeting.room', room(null, 'cancelled'))).toBe(true);
  });

  it('call.place: the admin anyone, organizers and members whose branch is under them (both ways), one branch, never oneself', () => {
    const caller = (p: Person) => ({ party: { kind: 'user' as const, id: p.id, name: '' }, role: p.role, branchId: p.branchId });
    const rows = [
      '. Y Y Y Y Y Y Y',
      'Y . Y Y Y Y Y Y',
      'Y Y . Y Y Y Y Y',
      'Y Y Y . Y . Y .',
      'Y Y Y Y . . Y .',
      'Y Y Y . . . . Y',
      'Y Y Y Y Y . . .',
      'Y Y Y . . Y . .',
    ];
    grid(rows, people, (actor, target) => policy.can(actor, 'call.place', caller(target)));
    // A guest calls only the member who invited them, and is called only by them.
    const guest = { party: { kind: 'guest' as const, inviteId: 7, memberId: 20, name: 'Mum' } };
    expect(NAMES.filter((n) => policy.mayCall(caller(PEOPLE[n]), guest))).toEqual(['member']);
    expect(NAMES.filter((n) => policy.mayCall(guest, caller(PEOPLE[n])))).toEqual(['member']);
    expect(policy.mayCall(guest, { party: { kind: 'guest', inviteId: 8, memberId: 20, name: 'Dad' } })).toBe(false);
  });

  it('transfer.approveIn and transfer.see: the receiving side is its managers (never the member); either side, the member and the requester see it', () => {
    // A member of A moving to B: the receiving side is decided over B.
    const inTo = (member: Person) => ({ toBranchId: 4, member });
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'transfer.approveIn', inTo(PEOPLE.member)))).toEqual(['admin', 'comOrg', 'genOrg', 'orgB']);
    // orgB moving to their own branch's… no: orgB (home B) moving to A — A's organizers decide, orgB never does.
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'transfer.approveIn', { toBranchId: 3, member: PEOPLE.orgB }))).toEqual(['admin', 'comOrg', 'genOrg', 'branchOrg', 'peerOrg']);
    // An organizer of the receiving unit moving into it still cannot receive themself.
    expect(policy.can(PEOPLE.branchOrg, 'transfer.approveIn', { toBranchId: 3, member: PEOPLE.branchOrg })).toBe(false);
    // genOrg (over G) moving into B: orgB is under them and may not decide; those above G and the admin may.
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'transfer.approveIn', { toBranchId: 4, member: PEOPLE.genOrg }))).toEqual(['admin', 'comOrg']);
    // branchOrg (organizer of A) moving to A… from elsewhere is odd; peerOrg, their peer, may not receive them.
    expect(policy.can(PEOPLE.peerOrg, 'transfer.approveIn', { toBranchId: 3, member: PEOPLE.branchOrg })).toBe(false);
    expect(policy.can(PEOPLE.genOrg, 'transfer.approveIn', { toBranchId: 3, member: PEOPLE.branchOrg })).toBe(true);
    const seen = { member: PEOPLE.member, requestedBy: 20, fromBranchId: 3, toBranchId: 5 };
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'transfer.see', seen))).toEqual(['admin', 'comOrg', 'genOrg', 'branchOrg', 'peerOrg', 'member']);
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'transfer.see', { ...seen, requestedBy: 12, fromBranchId: 3, toBranchId: 4 }))).toEqual(['admin', 'comOrg', 'genOrg', 'branchOrg', 'peerOrg', 'orgB', 'member']);
  });

  it('transfer.withdraw and post.read: the member or the requester withdraws; a draft is its author\'s alone', () => {
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'transfer.withdraw', { memberId: 20, requestedBy: 12 }))).toEqual(['branchOrg', 'member']);
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'post.read', { authorId: 20, published: false }))).toEqual(['member']);
    expect(NAMES.every((n) => policy.can(PEOPLE[n], 'post.read', { authorId: 20, published: true }))).toBe(true);
  });

  it('checkin.call: a call keeps a check-in only between its organizer and its member', () => {
    const checkin = { organizerId: 12, memberId: 20 };
    expect(policy.can(PEOPLE.branchOrg, 'checkin.call', { ...checkin, calleeId: 20 })).toBe(true);
    expect(policy.can(PEOPLE.member, 'checkin.call', { ...checkin, calleeId: 12 })).toBe(true);
    expect(policy.can(PEOPLE.peerOrg, 'checkin.call', { ...checkin, calleeId: 20 })).toBe(false);
    expect(policy.can(PEOPLE.admin, 'checkin.call', { ...checkin, calleeId: 20 })).toBe(false);
  });

  it('message.remove: the author, or whoever moderates the room', () => {
    expect(policy.can(PEOPLE.member, 'message.remove', { authorId: 20, moderator: false })).toBe(true);
    expect(policy.can(PEOPLE.memberB, 'message.remove', { authorId: 20, moderator: false })).toBe(false);
    expect(policy.can(PEOPLE.branchOrg, 'message.remove', { authorId: 20, moderator: true })).toBe(true);
  });

  it('a live call: only its two parties act on it, only the callee answers, signals come from the socket that joined', () => {
    const call = { caller: { kind: 'user' as const, id: 20, name: 'm' }, callee: { kind: 'guest' as const, inviteId: 7, memberId: 20, name: 'Mum' } };
    expect(callSide({ kind: 'user', id: 20, name: 'm' }, call)).toBe('caller');
    expect(callSide({ kind: 'guest', inviteId: 7, memberId: 20, name: 'x' }, call, 'callee')).toBe('callee');
    expect(() => callSide({ kind: 'user', id: 20, name: 'm' }, call, 'callee')).toThrow(/only the person called/);
    expect(() => callSide({ kind: 'user', id: 21, name: 'x' }, call)).toThrow(/not your call/);
    expect(() => callSide({ kind: 'guest', inviteId: 8, memberId: 20, name: 'x' }, call)).toThrow(/not your call/);
    expect(() => assertCallSocket('s1', 's1')).not.toThrow();
    expect(() => assertCallSocket('s1', 's2')).toThrow(/socket that joined/);
    expect(() => assertCallSocket(null, 's2')).toThrow();
  });

  it('announcement.read: its addressees, and the organizers over its unit', () => {
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'announcement.read', { orgId: 3, addressee: false }))).toEqual(['admin', 'comOrg', 'genOrg', 'branchOrg', 'peerOrg']);
    expect(NAMES.every((n) => policy.can(PEOPLE[n], 'announcement.read', { orgId: 3, addressee: true }))).toBe(true);
  });

  it('guest.manage: a guest link is its member\'s (and the admin\'s)', () => {
    expect(NAMES.filter((n) => policy.can(PEOPLE[n], 'guest.manage', { memberId: 20 }))).toEqual(['admin', 'member']);
  });

  it('a guest socket may send the call commands and nothing else', () => {
    const events = ['call:invite', 'call:accept', 'call:decline', 'call:signal', 'call:hangup', 'call:rejoin', 'room:join', 'chat:send', 'chat:history', 'chat:typing', 'chat:delete', 'meeting:watch', 'meeting:signup', 'meeting:cancel', 'meeting:attend', 'call:inviteX', 'x'];
    expect(events.filter(mayGuest)).toEqual(['call:invite', 'call:accept', 'call:decline', 'call:signal', 'call:hangup', 'call:rejoin']);
  });

  it('lists hold only the people the actor is over: everyone else in the unit is under them but a few organizers', () => {
    expect(policy.outsideLists(PEOPLE.branchOrg).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
    expect(policy.outsideLists(PEOPLE.genOrg).sort((a, b) => a - b)).toEqual([10, 11]);
    expect(policy.outsideLists(PEOPLE.admin)).toEqual([1]);
    expect(policy.under(PEOPLE.branchOrg, people).map((p) => p.id)).toEqual([20]);
    expect(policy.unitsRunBy(PEOPLE.admin)).toEqual([1]);
    expect(policy.unitsRunBy(PEOPLE.genOrg)).toEqual([2]);
    expect(policy.unitsRunBy(PEOPLE.member)).toEqual([]);
  });

  it('assert throws forbidden with the rule\'s reason', () => {
    expect(() => policy.assert(PEOPLE.branchOrg, 'member.deactivate', PEOPLE.genOrg)).toThrow(/organizer over the member/);
    expect(() => policy.assert(PEOPLE.genOrg, 'member.deactivate', PEOPLE.branchOrg)).not.toThrow();
  });
});

describe('OrgTree', () => {
  it('answers subtree and lineage questions', () => {
    expect(tree.subtree(2).sort()).toEqual([2, 3, 4]);
    expect(tree.branchesUnder(1).sort()).toEqual([3, 4, 5]);
    expect([...tree.lineage(3)].map((o) => o.id)).toEqual([3, 2, 1]);
    expect(tree.isAtOrBelow(3, 1)).toBe(true);
    expect(tree.isAtOrBelow(1, 3)).toBe(false);
    expect(tree.roots()).toEqual([1]);
    expect(tree.organizerOf(11)).toEqual([2]);
    expect(tree.organizesOver(11, 3)).toBe(true);
    expect(tree.organizesOver(12, 2)).toBe(false);
  });
});
