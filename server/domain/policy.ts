import { forbidden } from '../errors';
import type { MeetingStatus, OpenTo, Party, Role, SignupStatus } from '../contract/model';
import type { OrgTree } from './orgTree';

/**
 * Who may act on whom: every "may A do X to B / to unit U" of the contract, decided here and nowhere
 * else. Routes, socket handlers, commands and jobs ask `can`/`assert`; the facts (a member's branch, a
 * meeting's host, a sign-up) are looked up by the caller and handed in. Tested as a table
 * (tests/unit/policy.test.ts).
 *
 * The rules hang on the org tree. An organizer O is *over* a member M when M's home branch lies in a unit
 * U that O organizes (U or below it) and M organizes neither U nor any unit above U: so nobody is over
 * themself, a peer organizer of the same unit, or a superior. The admin is over everyone but themself.
 */

/** Who acts: a signed-in user. (Guests act only through `mayGuest`.) */
export interface Who {
  id: number;
  role: Role;
  branchId: number | null;
}

/** A member acted on. */
export interface Person {
  id: number;
  role: Role;
  branchId: number | null;
}

/** One side of a call, with what the rules need to know of a user. */
export type Caller = { party: Extract<Party, { kind: 'guest' }> } | { party: Extract<Party, { kind: 'user' }>; role: Role; branchId: number | null };

/** The facts about a meeting that decide who sees it and uses its room. */
export interface MeetingFacts {
  hostOrgId: number;
  openTo: OpenTo;
}

/** What each action is done to. */
export interface Targets {
  // A member's own records and account.
  'member.read': Person; // card, calls log, dues ledger, training records
  'member.editProfile': Person; // timezone, location, mobile, language
  'member.editOfficial': Person; // name, e-mail (official records)
  'member.deactivate': Person;
  'member.manage': Person; // the generic "organizer over the member" (lists hold only these)
  'dues.setRate': Person;
  'dues.correct': Person;
  'dues.recordPayment': Person; // a payment made in person (cash), recorded by an organizer
  'checkin.schedule': Person;
  'transfer.request': Person;
  'transfer.approveOut': Person; // the member, still in the sending branch
  'transfer.approveIn': { toBranchId: number; member: Person };
  'transfer.see': { member: Person; requestedBy: number; fromBranchId: number; toBranchId: number };
  'transfer.withdraw': { memberId: number; requestedBy: number };
  'post.read': { authorId: number; published: boolean }; // a draft is its author's alone
  'training.record': Person;
  'training.confirm': Person;
  'post.edit': Person; // the author
  'post.feature': Person; // the author
  'post.remove': Person; // the author
  // Units.
  'org.create': number | null; // the parent (null: a top unit)
  'org.edit': number; // rename or move a unit
  'org.appoint': number;
  'org.dismiss': number;
  'member.create': number; // the branch
  'unit.manage': number; // members list, arrears, calls, lost contact, statistics, audit of the unit
  'meeting.manage': number; // the host unit
  'dues.setUnitRate': number;
  'dues.run': number | null; // null: the whole district
  'dues.queue': null;
  'tender.take_part': null; // bid on and back bids of a call: any member of the district
  'room.use': number;
  'room.moderate': number;
  'training.create': number;
  'training.see': number; // the training's unit: its members and managers
  'training.selfReport': number; // the training's unit: members whose branch is in it
  'announcement.publish': number;
  'discussion.moderate': number;
  'tender.manage': number;
  'project.adopt': number; // the host unit of the new meeting
  // Other.
  'org.appointee': { orgId: number; candidate: Person };
  'meeting.see': MeetingFacts; // see and sign up
  'meeting.room': MeetingFacts & { status: MeetingStatus; signup: SignupStatus | null };
  'call.place': Caller; // the callee (the caller is the actor)
  'checkin.call': { organizerId: number; memberId: number; calleeId: number }; // a call that keeps a scheduled check-in
  'message.remove': { authorId: number; moderator: boolean }; // a chat message, in a room the actor may or may not moderate
  'guest.manage': { memberId: number }; // a guest link of this member
  'announcement.read': { orgId: number; addressee: boolean }; // an addressee, or an organizer over its unit
}

export type Action = keyof Targets;

type Rule<A extends Action> = (policy: Policy, actor: Who, target: Targets[A]) => boolean;

const self = (actor: Who, person: Person) => actor.id === person.id;
const over = (p: Policy, actor: Who, person: Person) => p.isOver(actor, person);
const selfOrOver = (p: Policy, actor: Who, person: Person) => self(actor, person) || p.isOver(actor, person);
const manages = (p: Policy, actor: Who, orgId: number) => p.manages(actor, orgId);
const admin = (actor: Who) => actor.role === 'admin';

/** The rules, one line each; the message says why a refusal happened. */
const RULES: { [A in Action]: { allow: Rule<A>; refusal: string } } = {
  'member.read': { allow: selfOrOver, refusal: "only the member, an organizer over them or the admin sees this member's records" },
  'member.editProfile': { allow: selfOrOver, refusal: 'you may only edit yourself or members under you' },
  // The admin keeps the district's records, their own included.
  'member.editOfficial': { allow: (p, actor, person) => p.isOver(actor, person) || (admin(actor) && self(actor, person)), refusal: "only an organizer over the member or the admin changes a member's name or e-mail" },
  'member.deactivate': { allow: over, refusal: 'only an organizer over the member or the admin may deactivate them' },
  'member.manage': { allow: over, refusal: 'this member is not under you' },
  'dues.setRate': { allow: over, refusal: "only an organizer over the member or the admin sets a member's dues (never their own)" },
  'dues.correct': { allow: over, refusal: "only an organizer over the member or the admin corrects a member's ledger (never their own)" },
  'dues.recordPayment': { allow: over, refusal: "only an organizer over the member or the admin records a payment made to them (never their own)" },
  'checkin.schedule': { allow: over, refusal: 'only an organizer over the member schedules their check-ins' },
  'transfer.request': { allow: selfOrOver, refusal: 'a transfer is requested by the member or an organizer over them' },
  'transfer.approveOut': { allow: over, refusal: 'the sending side is decided by an organizer over the member (never the member)' },
  // Over the receiving branch and over the member there: the member organizes neither the deciding unit nor one above it.
  'transfer.approveIn': {
    allow: (p, actor, t) => actor.id !== t.member.id && (admin(actor) || p.tree.organizerOf(actor.id).some((unit) => p.tree.isAtOrBelow(t.toBranchId, unit) && !p.tree.organizesOver(t.member.id, unit))),
    refusal: 'the receiving side is decided by an organizer over the receiving branch who is over the member (never the member, a peer or a superior)',
  },
  'transfer.withdraw': { allow: (_p, actor, t) => actor.id === t.memberId || actor.id === t.requestedBy, refusal: 'only the member or whoever requested the transfer withdraws it' },
  'post.read': { allow: (_p, actor, p) => p.published || actor.id === p.authorId, refusal: 'a draft is seen by its author only' },
  'transfer.see': {
    allow: (p, actor, t) => actor.id === t.member.id || actor.id === t.requestedBy || p.manages(actor, t.fromBranchId) || p.manages(actor, t.toBranchId),
    refusal: 'only the member, the requester and organizers over either branch see this transfer',
  },
  'training.record': { allow: over, refusal: 'only an organizer over the member records their training (never their own)' },
  'training.confirm': { allow: over, refusal: 'only an organizer over the member confirms their training (never their own)' },
  'post.edit': { allow: (_p, actor, author) => self(actor, author), refusal: 'only the author edits a post' },
  'post.feature': { allow: over, refusal: 'only an organizer over the author features a post' },
  'post.remove': { allow: selfOrOver, refusal: 'only the author or an organizer over them removes a post' },

  'org.create': { allow: (_p, actor) => admin(actor), refusal: 'only the admin builds the organization tree' },
  'org.edit': { allow: (_p, actor) => admin(actor), refusal: 'only the admin renames or moves units' },
  'org.appoint': { allow: (p, actor, orgId) => p.isStrictlyAbove(actor, orgId), refusal: 'only the admin or an organizer above this unit appoints its organizers' },
  'org.dismiss': { allow: (p, actor, orgId) => p.isStrictlyAbove(actor, orgId), refusal: 'only the admin or an organizer above this unit removes its organizers' },
  'member.create': { allow: manages, refusal: 'only the admin or an organizer over this branch adds members to it' },
  'unit.manage': { allow: manages, refusal: 'only organizers over this unit and the admin may do this' },
  'meeting.manage': { allow: manages, refusal: 'only organizers over the host unit manage its meetings' },
  // A unit's default rate applies to its own organizers too, so it is set from above, by someone it does not apply to.
  'dues.setUnitRate': {
    allow: (p, actor, orgId) => admin(actor) || (p.isStrictlyAbove(actor, orgId) && !(actor.branchId !== null && p.tree.isAtOrBelow(actor.branchId, orgId))),
    refusal: "a unit's default dues are set by the admin or an organizer above the unit whom they do not apply to",
  },
  'dues.run': { allow: (p, actor, orgId) => (orgId === null ? admin(actor) : p.manages(actor, orgId)), refusal: 'only the admin runs reminders for the whole district; organizers for units under them' },
  'dues.queue': { allow: (_p, actor) => admin(actor), refusal: 'only the admin sees the reminder queue' },
  'tender.take_part': { allow: (_p, actor) => admin(actor) || actor.branchId !== null, refusal: 'calls for projects are for members of the district' },
  'room.use': { allow: (p, actor, orgId) => p.usesOrgRoom(actor, orgId), refusal: 'you are not a member of this room' },
  'room.moderate': { allow: manages, refusal: 'only the author or an organizer over this room may do this' },
  'training.create': { allow: manages, refusal: 'only organizers over this unit create its trainings' },
  'training.see': { allow: (p, actor, orgId) => p.usesOrgRoom(actor, orgId), refusal: 'this training is for members of another unit' },
  'training.selfReport': { allow: (p, actor, orgId) => actor.branchId !== null && p.tree.get(orgId) !== undefined && p.tree.isAtOrBelow(actor.branchId, orgId), refusal: 'only members of its unit report taking part in this training' },
  'announcement.publish': { allow: manages, refusal: 'only organizers over this unit publish to it' },
  'discussion.moderate': { allow: manages, refusal: "only organizers over this unit moderate its discussions" },
  'tender.manage': { allow: manages, refusal: 'only organizers over this unit run its calls for projects' },
  'project.adopt': { allow: manages, refusal: 'only organizers over the host unit adopt a project for it' },

  'org.appointee': {
    allow: (p, actor, { orgId, candidate }) => admin(actor) || (candidate.branchId !== null && p.tree.isAtOrBelow(candidate.branchId, orgId)),
    refusal: "organizers of a unit are appointed from members whose home branch is in that unit (the admin may appoint anyone)",
  },
  'meeting.see': { allow: (p, actor, m) => m.openTo !== 'host' || p.usesOrgRoom(actor, m.hostOrgId), refusal: 'this meeting is open to members of its host unit only' },
  'meeting.room': {
    allow: (p, actor, m) => p.manages(actor, m.hostOrgId) || (m.status !== 'cancelled' && (m.signup === 'confirmed' || m.signup === 'attended')),
    refusal: 'the meeting room is for those holding a seat and the organizers over the host unit',
  },
  'call.place': { allow: (p, actor, callee) => p.mayCall({ party: { kind: 'user', id: actor.id, name: '' }, role: actor.role, branchId: actor.branchId }, callee), refusal: 'you may not call this person' },
  'checkin.call': {
    allow: (_p, actor, c) => [actor.id, c.calleeId].sort().join() === [c.organizerId, c.memberId].sort().join(),
    refusal: 'this check-in is not between you two',
  },
  'message.remove': { allow: (_p, actor, m) => m.authorId === actor.id || m.moderator, refusal: 'only the author or an organizer of this room may delete a message' },
  'guest.manage': { allow: (_p, actor, invite) => admin(actor) || invite.memberId === actor.id, refusal: 'this is not your guest link' },
  'announcement.read': { allow: (p, actor, a) => a.addressee || p.manages(actor, a.orgId), refusal: 'this announcement is not addressed to you' },
};

/** Socket commands a guest (a family member holding a link) may send: calls only. */
const GUEST_COMMANDS = /^call:(invite|accept|decline|signal|hangup|rejoin)$/;

/** May a guest's socket send this command? Only the call commands (whom they may call: `Policy.mayCall`). */
export const mayGuest = (event: string) => GUEST_COMMANDS.test(event);

const partyKey = (p: Party) => (p.kind === 'user' ? `u${p.id}` : `g${p.inviteId}`);

/**
 * The two parties of a live call are the only ones who may do anything with it: this says which side
 * `party` is, and refuses everyone else. `need: 'callee'` refuses the caller too (answering, declining).
 */
export function callSide(party: Party, call: { caller: Party; callee: Party }, need?: 'callee'): 'caller' | 'callee' {
  const side = partyKey(call.caller) === partyKey(party) ? 'caller' : partyKey(call.callee) === partyKey(party) ? 'callee' : null;
  if (side === null) throw forbidden('this is not your call');
  if (need === 'callee' && side !== 'callee') throw forbidden('only the person called can answer');
  return side;
}

/** A party signals only from the socket it joined the call on (another tab of theirs may not). */
export function assertCallSocket(joinedOn: string | null, socket: string): void {
  if (joinedOn !== socket) throw forbidden('signal from the socket that joined the call');
}

export class Policy {
  constructor(readonly tree: OrgTree) {}

  can<A extends Action>(actor: Who, action: A, target: Targets[A]): boolean {
    return RULES[action].allow(this, actor, target);
  }

  /** The error a refusal of this action answers with. */
  refusal(action: Action) {
    return forbidden(RULES[action].refusal);
  }

  /** Throws `forbidden` (with the rule's reason) unless the actor may. */
  assert<A extends Action>(actor: Who, action: A, target: Targets[A]): void {
    if (!this.can(actor, action, target)) throw forbidden(RULES[action].refusal);
  }

  /** Keeps the items about people the actor is over (what an organizer's lists may hold). */
  under<T>(actor: Who, items: T[], personOf: (item: T) => Person = (item) => item as unknown as Person): T[] {
    return items.filter((item) => this.isOver(actor, personOf(item)));
  }

  /**
   * Who is left out of the actor's lists of a unit they manage: themself, and the organizers they are not
   * over (peers and superiors). Every other member in such a unit is under them, so a list query only
   * needs this short list of exceptions.
   */
  outsideLists(actor: Who): number[] {
    const out = [actor.id];
    if (actor.role === 'admin') return out;
    for (const { userId, branchId } of this.tree.organizers()) {
      if (userId !== actor.id && !this.isOver(actor, { id: userId, role: 'member', branchId })) out.push(userId);
    }
    return out;
  }

  /**
   * Host units whose `host`-only meetings the actor may see (what `meeting.see` allows, as a list for a
   * query): their branch and the units above it, and everything under the units they organize.
   */
  meetingHostsVisibleTo(actor: Who): number[] | 'all' {
    if (actor.role === 'admin') return 'all';
    const ids = new Set<number>();
    if (actor.branchId !== null) for (const org of this.tree.lineage(actor.branchId)) ids.add(org.id);
    for (const orgId of this.tree.organizerOf(actor.id)) for (const id of this.tree.subtree(orgId)) ids.add(id);
    return [...ids];
  }

  /** The units whose lists the actor reads: every top unit for the admin, else those they organize. */
  unitsRunBy(actor: Who): number[] {
    return actor.role === 'admin' ? this.tree.roots() : this.tree.organizerOf(actor.id);
  }

  /** Does the actor manage the whole district (the admin)? Lists then need no filter by unit. */
  managesAll(actor: Who): boolean {
    return actor.role === 'admin';
  }

  /** Every unit the actor manages: those they run and everything below them (the admin: every unit). */
  managedUnits(actor: Who): number[] {
    return [...new Set(this.unitsRunBy(actor).flatMap((unit) => this.tree.subtree(unit)))];
  }

  /** The branches among the units the actor manages. */
  managedBranches(actor: Who): number[] {
    return [...new Set(this.unitsRunBy(actor).flatMap((unit) => this.tree.branchesUnder(unit)))];
  }

  /**
   * The organizers of the nearest unit, from a branch upwards, who pass `qualifies` (who hears that a step
   * waits for a decision, or that a member reported home): the branch's, else the unit above it, and so on.
   */
  nearestOrganizers(branchId: number, qualifies: (organizer: Who) => boolean): number[] {
    for (const org of this.tree.lineage(branchId)) {
      const ids = this.tree.organizersOfUnit(org.id).filter((id) => qualifies({ id, role: 'member', branchId: null }));
      if (ids.length > 0) return ids;
    }
    return [];
  }

  /** Is `person` under `actor` (see the module comment)? */
  isOver(actor: Who, person: Person): boolean {
    if (actor.id === person.id) return false;
    if (actor.role === 'admin') return true;
    if (person.role === 'admin' || person.branchId === null) return false;
    for (const unit of this.tree.organizerOf(actor.id)) {
      if (this.tree.isAtOrBelow(person.branchId, unit) && !this.tree.organizesOver(person.id, unit)) return true;
    }
    return false;
  }

  /** Admin, or organizer of the unit or a unit above it. */
  manages(actor: Who, orgId: number): boolean {
    return this.tree.get(orgId) !== undefined && (actor.role === 'admin' || this.tree.organizesOver(actor.id, orgId));
  }

  /** Admin, or organizer of a unit strictly above this one. */
  isStrictlyAbove(actor: Who, orgId: number): boolean {
    const org = this.tree.get(orgId);
    if (!org) return false;
    return actor.role === 'admin' || (org.parentId !== null && this.tree.organizesOver(actor.id, org.parentId));
  }

  /** The live room of a unit: managers, and members whose branch is the unit or below it. */
  usesOrgRoom(actor: Who, orgId: number): boolean {
    if (this.manages(actor, orgId)) return true;
    return actor.branchId !== null && this.tree.isAtOrBelow(actor.branchId, orgId);
  }

  /**
   * Who may call whom (either direction): the admin anyone; an organizer and any member whose branch is
   * under their unit; two members of one branch; a guest and only the member who invited them.
   */
  mayCall(a: Caller, b: Caller): boolean {
    if (a.party.kind === 'guest' || b.party.kind === 'guest') {
      const [guest, other] = a.party.kind === 'guest' ? [a.party, b.party] : [b.party as Extract<Party, { kind: 'guest' }>, a.party];
      return other.kind === 'user' && other.id === guest.memberId;
    }
    const [x, y] = [a, b] as Array<Extract<Caller, { role: Role }>>;
    if (x.party.id === y.party.id) return false;
    if (x.role === 'admin' || y.role === 'admin') return true;
    if (x.branchId !== null && x.branchId === y.branchId) return true;
    const organizes = (o: typeof x, m: typeof x) => m.branchId !== null && this.tree.organizesOver(o.party.id, m.branchId);
    return organizes(x, y) || organizes(y, x);
  }
}
