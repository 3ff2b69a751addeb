import type { Training, TrainingKind, TrainingRecord } from '../contract/memberLife';
import type { Actor } from '../contract/model';
import type { TrainingsRepo } from '../db/repositories/trainings';
import type { UsersRepo } from '../db/repositories/users';
import { conflict, invalid, notFound } from '../errors';
import { auditEntry, type AuditTrail } from './audit';
import type { OrgDirectory } from './orgDirectory';
import type { Tx } from './ports';
import type { UnitOfWork } from './unitOfWork';

export interface NewTrainingInput {
  orgId: number;
  title: string;
  kind: TrainingKind;
  description?: string | null;
  startsAt?: string | null;
  hours: number;
}

/**
 * Education and training: trainings per unit; records entered by organizers over the member (confirmed)
 * or self-reported by the member (pending, until an organizer over them confirms or rejects). A member's
 * own records are never self-confirmed. A meeting with `trainingHours` records attendance as training.
 */
export function createTrainingService(deps: { trainings: TrainingsRepo; users: UsersRepo; directory: OrgDirectory; uow: UnitOfWork; audit: AuditTrail }) {
  const { trainings, users, directory, uow, audit } = deps;

  async function training(id: number): Promise<Training> {
    const found = await trainings.find(id);
    if (!found) throw notFound('training');
    return found;
  }


  return {
    async create(actor: Actor, input: NewTrainingInput): Promise<Training> {
      const policy = await directory.policy();
      if (!policy.tree.get(input.orgId)) throw notFound('org');
      policy.assert(actor, 'training.create', input.orgId);
      return uow.run(async (tx) => {
        const saved = await trainings.insert({ orgId: input.orgId, title: input.title, kind: input.kind, description: input.description ?? null, startsAt: input.startsAt ?? null, hours: input.hours, createdBy: actor.id }, tx);
        await audit.append(tx, [auditEntry(actor, 'training.create', { type: 'training', id: saved.id }, saved.orgId, { after: saved })]);
        return saved;
      });
    },

    /**
     * The trainings of the caller's units and the units above them (a member: their branch's lineage; an
     * organizer: also everything under the units they organize); `orgId` narrows to one of those units.
     */
    async list(actor: Actor, filter: { orgId?: number; limit: number; beforeId?: number }): Promise<Training[]> {
      const policy = await directory.policy();
      let units: number[];
      if (filter.orgId !== undefined) {
        if (!policy.tree.get(filter.orgId)) throw notFound('org');
        policy.assert(actor, 'training.see', filter.orgId);
        units = [filter.orgId];
      } else {
        const visible = policy.meetingHostsVisibleTo(actor);
        units = visible === 'all' ? policy.tree.all().map((o) => o.id) : visible;
      }
      return trainings.ofUnits(units, filter);
    },

    async get(actor: Actor, id: number): Promise<Training> {
      const t = await training(id);
      (await directory.policy()).assert(actor, 'training.see', t.orgId);
      return t;
    },

    /**
     * A page of a training's records: a member sees their own; an organizer also those of the members under
     * the units they run (never a peer's or a superior's); the admin all.
     */
    async records(actor: Actor, id: number, page: { limit: number; beforeId?: number }): Promise<{ records: TrainingRecord[]; nextCursor: string | null }> {
      const t = await training(id);
      const policy = await directory.policy();
      policy.assert(actor, 'training.see', t.orgId);
      const branchIds = policy.managesAll(actor) ? null : policy.managedBranches(actor);
      const found = await trainings.recordsOfTraining(id, { ownId: actor.id, branchIds, excludeIds: policy.outsideLists(actor), ...page });
      return { records: found, nextCursor: found.length === page.limit ? String(found.at(-1)!.id) : null };
    },

    /** An organizer over the member records their training: confirmed at once. */
    async record(actor: Actor, id: number, input: { userId: number; hours?: number }): Promise<TrainingRecord> {
      const t = await training(id);
      const member = await users.findById(input.userId);
      if (!member || !member.active) throw notFound('member');
      const policy = await directory.policy();
      policy.assert(actor, 'training.see', t.orgId);
      policy.assert(actor, 'training.record', member);
      if (member.branchId === null || !policy.tree.isAtOrBelow(member.branchId, t.orgId)) throw invalid("this training is for another unit's members");
      return uow.run(async (tx) => {
        // An organizer's record replaces a pending or rejected self-report (never a confirmed record).
        const saved = await trainings.upsertRecord(tx, { trainingId: t.id, userId: member.id, hours: input.hours ?? t.hours, status: 'confirmed', note: null, confirmedBy: actor.id }, ['pending', 'rejected']);
        if (!saved) throw conflict('this member already has a confirmed record of this training');
        await audit.append(tx, [auditEntry(actor, 'training.record', { type: 'user', id: member.id }, member.branchId, { after: { trainingId: t.id, recordId: saved.id, hours: saved.hours } })]);
        return saved;
      });
    },

    /** A member the training is for reports taking part: pending until an organizer over them decides. */
    async selfReport(actor: Actor, id: number, input: { hours: number; note: string }): Promise<TrainingRecord> {
      const t = await training(id);
      (await directory.policy()).assert(actor, 'training.selfReport', t.orgId);
      if (input.hours > t.hours) throw invalid(`at most the training's ${t.hours} hours`);
      return uow.run(async (tx) => {
        // Only a rejected report may be made again: a pending one waits as the organizer saw it.
        const saved = await trainings.upsertRecord(tx, { trainingId: t.id, userId: actor.id, hours: input.hours, status: 'pending', note: input.note, confirmedBy: null }, ['rejected']);
        if (!saved) throw conflict('you already reported this training; it is waiting for (or has) a confirmation');
        return saved;
      });
    },

    /** Confirms or rejects a self-reported record (an organizer over the member, never the member). */
    async decide(actor: Actor, recordId: number, decision: { status: 'confirmed' | 'rejected'; note?: string }): Promise<TrainingRecord> {
      const record = await trainings.findRecord(recordId);
      if (!record) throw notFound('training record');
      const member = await users.findById(record.user.id);
      if (!member) throw notFound('member');
      (await directory.policy()).assert(actor, 'training.confirm', member);
      return uow.run(async (tx) => {
        const saved = await trainings.decide(tx, recordId, { status: decision.status, by: actor.id, note: decision.note });
        if (!saved) throw conflict(`this record is already ${record.status}`);
        await audit.append(tx, [
          auditEntry(actor, decision.status === 'confirmed' ? 'training.confirm' : 'training.reject', { type: 'user', id: member.id }, member.branchId, { before: { status: 'pending' }, after: { recordId, status: saved.status, note: decision.note ?? null } }),
        ]);
        return saved;
      });
    },

    /** Self-reports waiting for the actor: pending records of members under a unit they manage. */
    async pending(actor: Actor, filter: { orgId?: number; limit: number; beforeId?: number }): Promise<TrainingRecord[]> {
      const policy = await directory.policy();
      let branches: number[];
      if (filter.orgId !== undefined) {
        if (!policy.tree.get(filter.orgId)) throw notFound('org');
        policy.assert(actor, 'unit.manage', filter.orgId);
        branches = policy.tree.branchesUnder(filter.orgId);
      } else {
        branches = policy.managedBranches(actor);
      }
      return trainings.pendingInBranches(branches, { excludeIds: policy.outsideLists(actor), limit: filter.limit, beforeId: filter.beforeId });
    },

    /** A member's records (the member, an organizer over them, the admin). */
    async ofMember(actor: Actor, userId: number, page: { limit: number; beforeId?: number }): Promise<TrainingRecord[]> {
      const member = await users.findById(userId);
      if (!member) throw notFound('member');
      (await directory.policy()).assert(actor, 'member.read', member);
      return trainings.recordsOfUser(userId, page);
    },

    /**
     * Attending a meeting with training hours records them as a `lecture` linked to the meeting (made with the
     * first attendance), in the attendance's own transaction: confirmed when an organizer checks a member in,
     * pending when organizers check themselves in (nobody confirms their own training).
     */
    async recordAttendance(tx: Tx, meeting: { id: number; hostOrgId: number; title: string; startsAt: string; trainingHours: number | null }, userId: number, by: number): Promise<void> {
      if (!meeting.trainingHours || meeting.trainingHours <= 0) return;
      const t = await trainings.ensureForMeeting(tx, { orgId: meeting.hostOrgId, title: meeting.title, kind: 'lecture', description: null, startsAt: meeting.startsAt, hours: meeting.trainingHours, meetingId: meeting.id, createdBy: by });
      const own = userId === by;
      await trainings.upsertRecord(tx, { trainingId: t.id, userId, hours: t.hours, status: own ? 'pending' : 'confirmed', note: own ? 'checked in by themself' : null, confirmedBy: own ? null : by }, ['pending', 'rejected']);
    },
  };
}

export type TrainingService = ReturnType<typeof createTrainingService>;
