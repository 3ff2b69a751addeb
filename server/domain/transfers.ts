import { PENDING_TRANSFER, TRANSFER_SIDE_STATUS, type Transfer, type TransferStatus, type TransferSide, type TransferView } from '../contract/memberLife';
import type { Actor } from '../contract/model';
import { periodOf } from '../contract/time';
import type { Repositories } from '../db/repositories';
import { conflict, invalid, notFound } from '../errors';
import type { NotificationDraft } from '../notifications/sink';
import { auditEntry, type AuditTrail } from './audit';
import type { OrgDirectory } from './orgDirectory';
import type { OrgTree } from './orgTree';
import type { Person, Policy } from './policy';
import type { Clock, Sessions } from './ports';
import type { UnitOfWork } from './unitOfWork';

export type { TransferView };

const isUniqueViolation = (error: unknown) => /unique|duplicate/i.test(String((error as Error)?.message));

/** The member as the rules see them while the transfer is pending: still in the sending branch. */
const memberOf = (t: Pick<Transfer, 'member' | 'fromBranchId'>): Person => ({ id: t.member.id, role: 'member', branchId: t.fromBranchId });
/**
 * A decision that names its step is refused once the transfer has moved past it: two organizers over both sides who
 * approve the sending step at once must not have the later one approve the receiving step, which they never saw.
 */
function stepIsCurrent(status: TransferStatus, step: TransferSide | undefined): void {
  if (step && TRANSFER_SIDE_STATUS[step] !== status) throw conflict('this step was already decided');
}

/** Does the actor decide the transfer's current step? */
function decides(policy: Policy, actor: Actor, t: Transfer): boolean {
  if (t.status === 'pending_out') return policy.can(actor, 'transfer.approveOut', memberOf(t));
  if (t.status === 'pending_in') return policy.can(actor, 'transfer.approveIn', { toBranchId: t.toBranchId, member: memberOf(t) });
  return false;
}

/**
 * Who hears that a step waits for a decision: on each side, the organizers of the nearest unit (the branch,
 * else the unit above it, and so on) who may decide it; never the member.
 */
function decidersOf(policy: Policy, t: Transfer, step: 'out' | 'in'): number[] {
  return step === 'out'
    ? policy.nearestOrganizers(t.fromBranchId, (who) => policy.can(who, 'transfer.approveOut', memberOf(t)))
    : policy.nearestOrganizers(t.toBranchId, (who) => policy.can(who, 'transfer.approveIn', { toBranchId: t.toBranchId, member: memberOf(t) }));
}

const branchRef = (tree: OrgTree, id: number) => ({ id, name: tree.get(id)?.name ?? `#${id}` });

/**
 * Relationship transfers between branches: `pending_out` (the sending side decides) → `pending_in` (the
 * receiving side decides) → `completed`, or `returned` / `withdrawn` while pending. Every step is a row
 * (who, when, why); of two racing decisions on one step exactly one wins (a conditional update), and one
 * pending transfer per member is held by a unique index. In transit the member keeps the old branch;
 * completion moves them in one transaction and, after commit, their sockets everywhere.
 */
export function createTransferService(deps: {
  repos: Pick<Repositories, 'users' | 'transfers' | 'memberLife' | 'orgs'>;
  directory: OrgDirectory;
  uow: UnitOfWork;
  audit: AuditTrail;
  sessions: Pick<Sessions, 'sync'>;
  clock: Clock;
  districtTimeZone: string;
  /** The member's branch changed (the dues' rate book forgets its copy). */
  onMoved?: () => void;
}) {
  const { repos, directory, uow, audit } = deps;

  const view = (policy: Policy, actor: Actor, t: Transfer): TransferView => ({
    ...t,
    mayDecide: decides(policy, actor, t),
    mayWithdraw: PENDING_TRANSFER.includes(t.status) && policy.can(actor, 'transfer.withdraw', { memberId: t.member.id, requestedBy: t.requestedBy.id }),
  });

  async function load(id: number): Promise<Transfer> {
    const t = await repos.transfers.find(id);
    if (!t) throw notFound('transfer');
    return t;
  }

  /** To the member and whoever requested it for them (once each). */
  const memberAndRequester = (t: Transfer) => [...new Set([t.member.id, t.requestedBy.id])];

  return {
    async request(actor: Actor, input: { memberId?: number; toBranchId: number; reason: string; destination?: string | null }): Promise<TransferView> {
      const memberId = input.memberId ?? actor.id;
      const member = await repos.users.findById(memberId);
      if (!member || !member.active) throw notFound('member');
      const policy = await directory.policy();
      policy.assert(actor, 'transfer.request', member);
      if (member.branchId === null) throw invalid('this account belongs to no branch');
      const to = policy.tree.get(input.toBranchId);
      if (!to || to.kind !== 'branch') throw invalid('toBranchId must be a branch');
      if (to.id === member.branchId) throw invalid('the member already belongs to this branch');
      const id = await uow.run(async (tx, effects) => {
        // The branch it starts from is read under a lock on the member: a transfer completing meanwhile has
        // moved them, and the new one must start where they are now.
        await repos.users.lock(memberId, tx);
        const fromBranchId = (await repos.users.findById(memberId, tx))?.branchId ?? null;
        if (fromBranchId === null) throw invalid('this account belongs to no branch');
        if (fromBranchId === to.id) throw invalid('the member already belongs to this branch');
        if (fromBranchId !== member.branchId) throw conflict('the member has just moved branch; ask again');
        let id: number;
        try {
          id = await repos.transfers.insert(tx, { memberId, fromBranchId, toBranchId: to.id, reason: input.reason, destination: input.destination ?? null, requestedBy: actor.id }, null);
        } catch (error) {
          if (isUniqueViolation(error)) throw conflict('this member already has a pending transfer');
          throw error;
        }
        await repos.memberLife.setInTransit(tx, memberId, true);
        const t = (await repos.transfers.find(id, tx))!;
        if (actor.id !== memberId) await audit.append(tx, [auditEntry(actor, 'transfer.request', { type: 'transfer', id }, t.fromBranchId, { after: { memberId, toBranchId: to.id, reason: input.reason } })]);
        await effects.notify(decidersOf(policy, t, 'out').map((userId) => requestedNote(policy.tree, t, userId, 'out')));
        return id;
      });
      return view(policy, actor, await load(id));
    },

    /** Approves the current step: the sending side → `pending_in`; the receiving side → `completed`. */
    async approve(actor: Actor, id: number, note: string | null, step?: TransferSide): Promise<TransferView> {
      const t = await load(id);
      const policy = await directory.policy();
      if (!PENDING_TRANSFER.includes(t.status)) throw conflict(`this transfer is ${t.status}`);
      stepIsCurrent(t.status, step);
      // A deactivated account is not moved (its transfer can still be returned or withdrawn); a transfer that
      // no longer starts where the member is cannot be decided.
      const member = await repos.users.findById(t.member.id);
      if (!member?.active) throw conflict("the member's account is deactivated");
      if (member.branchId !== t.fromBranchId) throw conflict('the member is no longer in the sending branch');
      if (t.status === 'pending_out') {
        policy.assert(actor, 'transfer.approveOut', memberOf(t));
        await uow.run(async (tx, effects) => {
          if (!(await repos.transfers.advance(tx, id, 'pending_out', 'pending_in', { action: 'approved_out', by: actor.id, note }))) throw conflict('this step was already decided');
          await audit.append(tx, [auditEntry(actor, 'transfer.approve', { type: 'transfer', id }, t.fromBranchId, { before: { status: 'pending_out' }, after: { status: 'pending_in', note } })]);
          await effects.notify([
            ...decidersOf(policy, t, 'in').map((userId) => requestedNote(policy.tree, t, userId, 'in')),
            ...memberAndRequester(t).map((userId): NotificationDraft => ({
              userId,
              kind: 'transfer_approved',
              data: { transferId: id, member: t.member, toBranch: branchRef(policy.tree, t.toBranchId), by: { id: actor.id, name: actor.name } },
            })),
          ]);
        });
      } else {
        policy.assert(actor, 'transfer.approveIn', { toBranchId: t.toBranchId, member: memberOf(t) });
        const to = policy.tree.get(t.toBranchId);
        if (!to || to.kind !== 'branch') throw conflict('the receiving branch no longer exists as a branch');
        // Organizer roles over units that will not contain the member any more end with the move.
        const lapsing = policy.tree.organizerOf(t.member.id).filter((unit) => !policy.tree.isAtOrBelow(t.toBranchId, unit));
        await uow.run(async (tx, effects) => {
          if (!(await repos.transfers.advance(tx, id, 'pending_in', 'completed', { action: 'approved_in', by: actor.id, note }))) throw conflict('this step was already decided');
          await repos.memberLife.moveBranch(tx, { userId: t.member.id, toBranchId: t.toBranchId, fromPeriod: periodOf(deps.clock.now(), deps.districtTimeZone), transferId: id });
          for (const unit of lapsing) await repos.orgs.removeOrganizer(unit, t.member.id, tx);
          await audit.append(tx, [
            auditEntry(actor, 'transfer.approve', { type: 'transfer', id }, t.toBranchId, { before: { status: 'pending_in', branchId: t.fromBranchId }, after: { status: 'completed', branchId: t.toBranchId, note, organizerRolesEnded: lapsing } }),
          ]);
          await effects.notify(
            memberAndRequester(t).map((userId): NotificationDraft => ({ userId, kind: 'transfer_completed', data: { transferId: id, member: t.member, toBranch: branchRef(policy.tree, t.toBranchId) } })),
          );
          // The tree knows each organizer's home branch; the rate book each member's branches.
          effects.afterCommit(() => directory.changed());
          effects.afterCommit(() => deps.onMoved?.());
          // Every socket of the member, on every process, leaves the rooms it lost and may join the new one.
          effects.afterCommit(() => deps.sessions.sync(t.member.id));
        });
      }
      return view(await directory.policy(), actor, await load(id));
    },

    /** Returns the transfer (whoever decides the current step, with a note): it ends, the member stays. */
    async returnTransfer(actor: Actor, id: number, note: string, step?: TransferSide): Promise<TransferView> {
      const t = await load(id);
      const policy = await directory.policy();
      if (!PENDING_TRANSFER.includes(t.status)) throw conflict(`this transfer is ${t.status}`);
      stepIsCurrent(t.status, step);
      if (t.status === 'pending_out') policy.assert(actor, 'transfer.approveOut', memberOf(t));
      else policy.assert(actor, 'transfer.approveIn', { toBranchId: t.toBranchId, member: memberOf(t) });
      await uow.run(async (tx, effects) => {
        if (!(await repos.transfers.advance(tx, id, t.status, 'returned', { action: 'returned', by: actor.id, note }))) throw conflict('this step was already decided');
        await repos.memberLife.setInTransit(tx, t.member.id, false);
        await audit.append(tx, [auditEntry(actor, 'transfer.return', { type: 'transfer', id }, t.status === 'pending_out' ? t.fromBranchId : t.toBranchId, { before: { status: t.status }, after: { status: 'returned', note } })]);
        await effects.notify(
          memberAndRequester(t).map((userId): NotificationDraft => ({
            userId,
            kind: 'transfer_returned',
            data: { transferId: id, member: t.member, toBranch: branchRef(policy.tree, t.toBranchId), by: { id: actor.id, name: actor.name }, note },
          })),
        );
      });
      return view(policy, actor, await load(id));
    },

    /** The member, or whoever requested it, withdraws a pending transfer. */
    async withdraw(actor: Actor, id: number): Promise<TransferView> {
      const t = await load(id);
      const policy = await directory.policy();
      policy.assert(actor, 'transfer.withdraw', { memberId: t.member.id, requestedBy: t.requestedBy.id });
      if (!PENDING_TRANSFER.includes(t.status)) throw conflict(`this transfer is ${t.status}`);
      await uow.run(async (tx) => {
        if (!(await repos.transfers.advance(tx, id, t.status, 'withdrawn', { action: 'withdrawn', by: actor.id, note: null }))) throw conflict('this transfer was decided meanwhile');
        await repos.memberLife.setInTransit(tx, t.member.id, false);
        if (actor.id !== t.member.id) await audit.append(tx, [auditEntry(actor, 'transfer.withdraw', { type: 'transfer', id }, t.fromBranchId, { before: { status: t.status }, after: { status: 'withdrawn' } })]);
      });
      return view(policy, actor, await load(id));
    },

    async get(actor: Actor, id: number): Promise<TransferView> {
      const t = await load(id);
      const policy = await directory.policy();
      policy.assert(actor, 'transfer.see', { member: memberOf(t), requestedBy: t.requestedBy.id, fromBranchId: t.fromBranchId, toBranchId: t.toBranchId });
      return view(policy, actor, t);
    },

    /**
     * The transfers the actor may see, newest first: their own (as member or requester) and those whose
     * sending or receiving branch is under a unit they organize (the admin: all); `orgId` narrows to one unit.
     */
    async list(actor: Actor, filter: { status?: TransferStatus | 'pending'; orgId?: number; limit: number; beforeId?: number }): Promise<{ transfers: TransferView[]; nextCursor: string | null }> {
      const policy = await directory.policy();
      const status = filter.status === undefined ? undefined : filter.status === 'pending' ? [...PENDING_TRANSFER] : [filter.status];
      let scope: { memberOrRequester?: number; branchIds: number[] | null };
      if (filter.orgId !== undefined) {
        if (!policy.tree.get(filter.orgId)) throw notFound('org');
        policy.assert(actor, 'unit.manage', filter.orgId);
        scope = { branchIds: policy.tree.branchesUnder(filter.orgId) };
      } else if (policy.managesAll(actor)) {
        scope = { branchIds: null };
      } else {
        scope = { memberOrRequester: actor.id, branchIds: policy.managedBranches(actor) };
      }
      const rows = await repos.transfers.list({ status, ...scope, beforeId: filter.beforeId, limit: filter.limit });
      const last = rows.at(-1);
      return { transfers: rows.map((t) => view(policy, actor, t)), nextCursor: rows.length === filter.limit && last ? String(last.id) : null };
    },
  };
}

function requestedNote(tree: OrgTree, t: Transfer, userId: number, step: 'out' | 'in'): NotificationDraft {
  return { userId, kind: 'transfer_requested', data: { transferId: t.id, member: t.member, fromBranch: branchRef(tree, t.fromBranchId), toBranch: branchRef(tree, t.toBranchId), step } };
}

export type TransferService = ReturnType<typeof createTransferService>;
