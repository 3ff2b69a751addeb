import type { Knex } from 'knex';
import type { Training, TrainingKind, TrainingRecord, TrainingRecordStatus } from '../../contract/memberLife';
import type { Clock, Tx } from '../../domain/ports';
import { within } from '../tx';

interface TrainingRow {
  id: number;
  org_id: number;
  title: string;
  kind: string;
  description: string | null;
  starts_at: string | null;
  hours: string | number;
  meeting_id: number | null;
}

interface RecordRow {
  id: number;
  training_id: number;
  title: string;
  kind: string;
  org_id: number;
  user_id: number;
  user_name: string;
  hours: string | number;
  status: string;
  note: string | null;
  confirmed_by: number | null;
  confirmed_by_name: string | null;
  at: string;
}

const toTraining = (r: TrainingRow): Training => ({
  id: r.id, orgId: r.org_id, title: r.title, kind: r.kind as TrainingKind, description: r.description, startsAt: r.starts_at, hours: Number(r.hours), meetingId: r.meeting_id,
});

const toRecord = (r: RecordRow): TrainingRecord => ({
  id: r.id,
  trainingId: r.training_id,
  training: { title: r.title, kind: r.kind as TrainingKind, orgId: r.org_id },
  user: { id: r.user_id, name: r.user_name },
  hours: Number(r.hours),
  status: r.status as TrainingRecordStatus,
  note: r.note,
  confirmedBy: r.confirmed_by === null ? null : { id: r.confirmed_by, name: r.confirmed_by_name ?? '' },
  at: r.at,
});

const TRAINING_COLUMNS = ['id', 'org_id', 'title', 'kind', 'description', 'starts_at', 'hours', 'meeting_id'];

export type NewTraining = Omit<Training, 'id' | 'meetingId'> & { meetingId?: number | null; createdBy: number };

/** Trainings per unit and each member's records of them. */
export function createTrainingsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();
  const records = (db: Knex) =>
    db('training_records as r')
      .join('trainings as t', 't.id', 'r.training_id')
      .join('users as u', 'u.id', 'r.user_id')
      .leftJoin('users as c', 'c.id', 'r.confirmed_by')
      .select('r.id', 'r.training_id', 't.title', 't.kind', 't.org_id', 'r.user_id', 'u.name as user_name', 'r.hours', 'r.status', 'r.note', 'r.confirmed_by', 'c.name as confirmed_by_name', 'r.at');

  return {
    async insert(t: NewTraining, tx?: Tx): Promise<Training> {
      const [row] = await within(tx, knex)('trainings')
        .insert({ org_id: t.orgId, title: t.title, kind: t.kind, description: t.description, starts_at: t.startsAt, hours: t.hours, meeting_id: t.meetingId ?? null, created_by: t.createdBy, created_at: now() })
        .returning(TRAINING_COLUMNS);
      return toTraining(row);
    },
    async find(id: number, tx?: Tx): Promise<Training | null> {
      const row: TrainingRow | undefined = await within(tx, read)('trainings').where({ id }).first(TRAINING_COLUMNS);
      return row ? toTraining(row) : null;
    },
    async ofMeeting(meetingId: number, tx?: Tx): Promise<Training | null> {
      const row: TrainingRow | undefined = await within(tx, read)('trainings').where({ meeting_id: meetingId }).first(TRAINING_COLUMNS);
      return row ? toTraining(row) : null;
    },
    /** Trainings of these units, newest first. */
    async ofUnits(orgIds: number[], opts: { limit: number; beforeId?: number }): Promise<Training[]> {
      if (orgIds.length === 0) return [];
      const query = read('trainings').whereIn('org_id', orgIds).orderBy('id', 'desc').limit(opts.limit).select(TRAINING_COLUMNS);
      if (opts.beforeId !== undefined) query.where('id', '<', opts.beforeId);
      return ((await query) as TrainingRow[]).map(toTraining);
    },
    async findRecord(id: number, tx?: Tx): Promise<TrainingRecord | null> {
      const row: RecordRow | undefined = await records(within(tx, read)).where('r.id', id).first();
      return row ? toRecord(row) : null;
    },
    /**
     * Writes a member's record of a training: a new one, or the existing one of that training and member
     * rewritten if its status is one of `replaces` (never a confirmed one). Returns null when a record was
     * there that may not be rewritten. Safe under concurrency: the insert yields to the unique index, the
     * rewrite is conditional on the status it replaces.
     */
    async upsertRecord(
      tx: Tx,
      r: { trainingId: number; userId: number; hours: number; status: TrainingRecordStatus; note: string | null; confirmedBy: number | null },
      replaces: TrainingRecordStatus[],
    ): Promise<TrainingRecord | null> {
      const db = within(tx, knex);
      const values = { hours: r.hours, status: r.status, note: r.note, confirmed_by: r.confirmedBy, at: now() };
      const inserted: Array<{ id: number }> = await db('training_records').insert({ training_id: r.trainingId, user_id: r.userId, ...values }).onConflict(['training_id', 'user_id']).ignore().returning('id');
      let id: number | undefined = inserted[0]?.id;
      if (id === undefined) {
        const changed: Array<{ id: number }> = await db('training_records').where({ training_id: r.trainingId, user_id: r.userId }).whereIn('status', replaces).update(values).returning('id');
        id = changed[0]?.id;
      }
      return id === undefined ? null : toRecord(await records(db).where('r.id', id).first());
    },
    /** Decides a pending record (confirm or reject), only if it is still pending (racing decisions: one wins). */
    async decide(tx: Tx, id: number, decision: { status: 'confirmed' | 'rejected'; by: number; note?: string | null }): Promise<TrainingRecord | null> {
      const db = within(tx, knex);
      const changes: Record<string, unknown> = { status: decision.status, confirmed_by: decision.by };
      if (decision.note !== undefined) changes.note = decision.note;
      const changed = await db('training_records').where({ id, status: 'pending' }).update(changes);
      if (changed === 0) return null;
      return toRecord(await records(db).where('r.id', id).first());
    },
    /**
     * A page of a training's records, newest first: those of `ownId`, and of members of `branchIds` (null:
     * every branch) other than `excludeIds`.
     */
    async recordsOfTraining(trainingId: number, opts: { ownId: number; branchIds: number[] | null; excludeIds: number[]; limit: number; beforeId?: number }): Promise<TrainingRecord[]> {
      const query = records(read).where('r.training_id', trainingId).orderBy('r.id', 'desc').limit(opts.limit);
      if (opts.beforeId !== undefined) query.where('r.id', '<', opts.beforeId);
      query.where((w) => {
        w.where('r.user_id', opts.ownId);
        if (opts.branchIds === null || opts.branchIds.length > 0) {
          w.orWhere((others) => {
            if (opts.branchIds !== null) others.whereIn('u.branch_id', opts.branchIds);
            if (opts.excludeIds.length > 0) others.whereNotIn('r.user_id', opts.excludeIds);
            others.whereNot('r.user_id', opts.ownId);
          });
        }
      });
      return ((await query) as RecordRow[]).map(toRecord);
    },
    /** A page of a member's records, newest first. */
    async recordsOfUser(userId: number, opts: { limit: number; beforeId?: number } = { limit: 200 }): Promise<TrainingRecord[]> {
      const query = records(read).where('r.user_id', userId).orderBy('r.id', 'desc').limit(opts.limit);
      if (opts.beforeId !== undefined) query.where('r.id', '<', opts.beforeId);
      return ((await query) as RecordRow[]).map(toRecord);
    },
    /** The training a meeting's attendance records, made once however many attendances race to make it. */
    async ensureForMeeting(tx: Tx, t: NewTraining & { meetingId: number }): Promise<Training> {
      const db = within(tx, knex);
      await db('trainings')
        .insert({ org_id: t.orgId, title: t.title, kind: t.kind, description: t.description, starts_at: t.startsAt, hours: t.hours, meeting_id: t.meetingId, created_by: t.createdBy, created_at: now() })
        .onConflict('meeting_id')
        .ignore();
      return toTraining(await db('trainings').where({ meeting_id: t.meetingId }).first(TRAINING_COLUMNS));
    },
    /** Records waiting for a decision from members of these branches. */
    async pendingInBranches(branchIds: number[], opts: { excludeIds: number[]; limit: number; beforeId?: number }): Promise<TrainingRecord[]> {
      if (branchIds.length === 0) return [];
      const query = records(read).where('r.status', 'pending').whereIn('u.branch_id', branchIds).orderBy('r.id', 'desc').limit(opts.limit);
      if (opts.excludeIds.length > 0) query.whereNotIn('r.user_id', opts.excludeIds);
      if (opts.beforeId !== undefined) query.where('r.id', '<', opts.beforeId);
      return ((await query) as RecordRow[]).map(toRecord);
    },
    /** Confirmed hours of one member between two instants (a calendar year). */
    async confirmedHours(userId: number, from: string, to: string): Promise<number> {
      const [row] = await read('training_records').where({ user_id: userId, status: 'confirmed' }).andWhere('at', '>=', from).andWhere('at', '<', to).sum({ h: 'hours' });
      return Number((row as { h: string | number | null }).h ?? 0);
    },
  };
}

export type TrainingsRepo = ReturnType<typeof createTrainingsRepo>;
