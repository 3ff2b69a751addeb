import type { Knex } from 'knex';
import type { Meeting, MeetingCounts, MeetingStatus, OpenTo, SignupStatus } from '../../contract/model';
import type { Clock, Tx } from '../../domain/ports';
import { sqlOf, within } from '../tx';
import { decodeKey, encodeCursor, type Page } from '../../util/paging';

interface MeetingRow {
  id: number;
  host_org_id: number;
  title: string;
  topic: string | null;
  description: string | null;
  starts_at: string;
  ends_at: string | null;
  location: string | null;
  online: number | boolean;
  online_url: string | null;
  capacity: number;
  open_to: string;
  status: string;
  confirmed: number;
  waitlisted: number;
  waitlist_counter: number;
  version: number;
  created_by: number;
  training_hours: string | number | null;
  project_id: number | null;
}

interface SignupRow {
  id: number;
  meeting_id: number;
  user_id: number | null;
  guest_name?: string | null;
  guest_contact?: string | null;
  status: SignupStatus;
  waitlist_seq: number | null;
  check_in_code: string;
  created_at: string;
  attended_at: string | null;
}

/** A meeting as stored: the public shape plus the counters that hand out waitlist order and versions. */
export interface MeetingRecord extends Meeting {
  waitlistCounter: number;
  version: number;
  createdBy: number;
}

export interface SignupRecord {
  id: number;
  meetingId: number;
  /** Null for a registration without an account (a meeting open to the public). */
  userId: number | null;
  status: SignupStatus;
  waitlistSeq: number | null;
  checkInCode: string;
  createdAt: string;
  attendedAt: string | null;
}

export type NewSignup = Pick<SignupRecord, 'meetingId' | 'userId' | 'status' | 'waitlistSeq' | 'checkInCode'> & { guest?: { name: string; contact: string; codeHash: string } };

const toRecord = (row: MeetingRow): MeetingRecord => ({
  id: row.id,
  hostOrgId: row.host_org_id,
  title: row.title,
  topic: row.topic,
  description: row.description,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  location: row.location,
  online: Boolean(row.online),
  onlineUrl: row.online_url ?? null,
  capacity: row.capacity,
  openTo: row.open_to as OpenTo,
  status: row.status as MeetingStatus,
  confirmed: row.confirmed,
  waitlisted: row.waitlisted,
  trainingHours: row.training_hours === null || row.training_hours === undefined ? null : Number(row.training_hours),
  projectId: row.project_id ?? null,
  waitlistCounter: row.waitlist_counter,
  version: row.version,
  createdBy: row.created_by,
});

const toSignup = (row: SignupRow): SignupRecord => ({
  id: row.id,
  meetingId: row.meeting_id,
  userId: row.user_id,
  status: row.status,
  waitlistSeq: row.waitlist_seq,
  checkInCode: row.check_in_code,
  createdAt: row.created_at,
  attendedAt: row.attended_at ?? null,
});

/** The public shape of a stored meeting. */
export const toMeeting = ({ waitlistCounter: _w, version: _v, createdBy: _c, ...meeting }: MeetingRecord): Meeting => meeting;

export const toCounts = (m: MeetingRecord): MeetingCounts => ({
  meetingId: m.id,
  capacity: m.capacity,
  confirmed: m.confirmed,
  waitlisted: m.waitlisted,
  status: m.status,
  version: m.version,
});

export type NewMeeting = Omit<Meeting, 'id' | 'status' | 'confirmed' | 'waitlisted'> & { createdBy: number };

/** Fields and counters a write may change. */
export type MeetingChanges = Partial<Pick<MeetingRecord, 'title' | 'topic' | 'description' | 'location' | 'online' | 'onlineUrl' | 'startsAt' | 'endsAt' | 'capacity' | 'status' | 'confirmed' | 'waitlisted' | 'waitlistCounter' | 'trainingHours'>>;

const MEETING_COLUMN: Record<keyof MeetingChanges, string> = {
  title: 'title', topic: 'topic', description: 'description', location: 'location', online: 'online', onlineUrl: 'online_url', startsAt: 'starts_at', endsAt: 'ends_at',
  capacity: 'capacity', status: 'status', confirmed: 'confirmed', waitlisted: 'waitlisted', waitlistCounter: 'waitlist_counter', trainingHours: 'training_hours',
};

export interface MeetingFilter {
  /** Host units whose `host`-only meetings the caller may see; 'all' for the admin. */
  hostOrgIds: number[] | 'all';
  status?: MeetingStatus;
  underOrgIds?: number[];
  topic?: string;
}

export function createMeetingsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();

  function filtered(filter: MeetingFilter) {
    const query = read('meetings').select('*');
    if (filter.hostOrgIds !== 'all') {
      const hosts = filter.hostOrgIds;
      query.where((q) => {
        q.whereNot('open_to', 'host');
        if (hosts.length > 0) q.orWhereIn('host_org_id', hosts);
      });
    }
    if (filter.status) query.where('status', filter.status);
    if (filter.underOrgIds) query.whereIn('host_org_id', filter.underOrgIds);
    if (filter.topic) query.where('topic', filter.topic);
    return query;
  }

  return {
    /** The latest meetings hosted by these units (their rooms are re-checked when the units move). */
    /** The meetings adopted from a project, newest first. */
    async ofProject(projectId: number, limit = 100): Promise<Meeting[]> {
      return ((await read('meetings').where({ project_id: projectId }).orderBy('id', 'desc').limit(limit)) as MeetingRow[]).map((r) => toMeeting(toRecord(r)));
    },
    async idsHostedBy(orgIds: number[], limit = 1000): Promise<number[]> {
      if (orgIds.length === 0) return [];
      const rows: Array<{ id: number }> = await read('meetings').whereIn('host_org_id', orgIds).orderBy('id', 'desc').limit(limit).select('id');
      return rows.map((r) => r.id);
    },
    async insert(meeting: NewMeeting, tx?: Tx): Promise<Meeting> {
      const write = async (trx: Knex) => {
        const [row] = await trx('meetings')
          .insert({
            host_org_id: meeting.hostOrgId,
            title: meeting.title,
            topic: meeting.topic,
            description: meeting.description,
            starts_at: meeting.startsAt,
            ends_at: meeting.endsAt,
            location: meeting.location,
            online: meeting.online,
            online_url: meeting.onlineUrl,
            capacity: meeting.capacity,
            open_to: meeting.openTo,
            training_hours: meeting.trainingHours,
            project_id: meeting.projectId,
            status: 'open',
            created_by: meeting.createdBy,
            created_at: now(),
          })
          .returning('*');
        await trx('rooms').insert({ id: `meeting:${row.id}`, last_seq: 0 }).onConflict('id').ignore();
        return toMeeting(toRecord(row));
      };
      return tx ? write(sqlOf(tx)) : knex.transaction(write);
    },

    async find(id: number, tx?: Tx): Promise<MeetingRecord | null> {
      const row: MeetingRow | undefined = await within(tx, read)('meetings').where({ id }).first();
      return row ? toRecord(row) : null;
    },

    /**
     * Locks the meeting row for the rest of the transaction (a no-op write: the row lock on
     * PostgreSQL, the writer lock on SQLite) and returns it, so every seat decision sees the latest
     * counters and no other transaction can change them until commit.
     */
    async lock(tx: Tx, id: number): Promise<MeetingRecord | null> {
      const trx = sqlOf(tx);
      const rows: MeetingRow[] = await trx('meetings').where({ id }).update({ version: trx.raw('version') }).returning('*');
      return rows[0] ? toRecord(rows[0]) : null;
    },

    /** Writes fields and counters and bumps the version. */
    async save(tx: Tx, id: number, changes: MeetingChanges): Promise<MeetingRecord> {
      const trx = sqlOf(tx);
      const columns: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) columns[MEETING_COLUMN[key as keyof MeetingChanges]] = value;
      const [row] = await trx('meetings').where({ id }).update({ ...columns, version: trx.raw('version + 1') }).returning('*');
      return toRecord(row);
    },

    /**
     * One page of the meetings a caller may see: upcoming ones soonest first, then past ones most recent
     * first. The cursor remembers which of the two parts it is in and the last meeting shown.
     */
    async list(filter: MeetingFilter, opts: { limit: number; cursor?: string }): Promise<Page<Meeting>> {
      const at = now();
      const cursor = decodeKey<{ part: 'upcoming' | 'past'; startsAt: string; id: number }>(opts.cursor, { part: ['upcoming', 'past'], startsAt: 'string', id: 'int' });
      const out: MeetingRecord[] = [];
      let more = false;
      if (!cursor || cursor.part === 'upcoming') {
        const q = filtered(filter).where('starts_at', '>', at);
        if (cursor) q.where((w) => w.where('starts_at', '>', cursor.startsAt).orWhere((w2) => w2.where('starts_at', cursor.startsAt).andWhere('id', '>', cursor.id)));
        const rows: MeetingRow[] = await q.orderBy([{ column: 'starts_at' }, { column: 'id' }]).limit(opts.limit + 1);
        out.push(...rows.slice(0, opts.limit).map(toRecord));
        more = rows.length > opts.limit;
      }
      if (!more && out.length < opts.limit) {
        const q = filtered(filter).where('starts_at', '<=', at);
        if (cursor?.part === 'past') q.where((w) => w.where('starts_at', '<', cursor.startsAt).orWhere((w2) => w2.where('starts_at', cursor.startsAt).andWhere('id', '<', cursor.id)));
        const want = opts.limit - out.length;
        const rows: MeetingRow[] = await q.orderBy([{ column: 'starts_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(want + 1);
        out.push(...rows.slice(0, want).map(toRecord));
        more = rows.length > want;
      }
      const last = out.at(-1);
      const nextCursor = more && last ? encodeCursor({ part: last.startsAt > at ? 'upcoming' : 'past', startsAt: last.startsAt, id: last.id }) : null;
      return { items: out.map(toMeeting), nextCursor };
    },

    /** The meeting's host, openness and this user's sign-up status, in one read (checked on every meeting-room command). */
    async accessOf(meetingId: number, userId: number): Promise<{ hostOrgId: number; openTo: OpenTo; status: MeetingStatus; signup: SignupStatus | null } | null> {
      const row: { host_org_id: number; open_to: string; meeting_status: string; status: SignupStatus | null } | undefined = await read('meetings')
        .leftJoin('meeting_signups', (join) => join.on('meeting_signups.meeting_id', 'meetings.id').andOn('meeting_signups.user_id', read.raw('?', [userId])))
        .where('meetings.id', meetingId)
        .first('meetings.host_org_id', 'meetings.open_to', 'meetings.status as meeting_status', 'meeting_signups.status');
      return row ? { hostOrgId: row.host_org_id, openTo: row.open_to as OpenTo, status: row.meeting_status as MeetingStatus, signup: row.status ?? null } : null;
    },

    async signupOf(meetingId: number, userId: number, tx?: Tx): Promise<SignupRecord | null> {
      const row: SignupRow | undefined = await within(tx, read)('meeting_signups').where({ meeting_id: meetingId, user_id: userId }).first();
      return row ? toSignup(row) : null;
    },

    async updateSignup(tx: Tx, id: number, changes: Partial<Pick<SignupRecord, 'status' | 'waitlistSeq' | 'attendedAt'>>): Promise<void> {
      const columns: Record<string, unknown> = { updated_at: now() };
      if (changes.status !== undefined) columns.status = changes.status;
      if (changes.waitlistSeq !== undefined) columns.waitlist_seq = changes.waitlistSeq;
      if (changes.attendedAt !== undefined) columns.attended_at = changes.attendedAt;
      await sqlOf(tx)('meeting_signups').where({ id }).update(columns);
    },

    /** Marks a sign-up attended only if it still holds a seat (false otherwise). */
    async markAttended(tx: Tx, id: number, at: string): Promise<boolean> {
      return (await sqlOf(tx)('meeting_signups').where({ id, status: 'confirmed' }).update({ status: 'attended', attended_at: at, updated_at: now() })) > 0;
    },

    /** 1-based place on the waitlist: the rank of this order number among those still waiting. */
    async waitlistPosition(meetingId: number, waitlistSeq: number, tx?: Tx): Promise<number> {
      const [row] = await within(tx, read)('meeting_signups')
        .where({ meeting_id: meetingId, status: 'waitlisted' })
        .andWhere('waitlist_seq', '<=', waitlistSeq)
        .count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },

    /** The first `count` waiting sign-ups, in the order they were committed. */
    async headOfWaitlist(tx: Tx, meetingId: number, count: number): Promise<SignupRecord[]> {
      if (count <= 0) return [];
      const rows: SignupRow[] = await sqlOf(tx)('meeting_signups').where({ meeting_id: meetingId, status: 'waitlisted' }).orderBy('waitlist_seq', 'asc').limit(count);
      return rows.map(toSignup);
    },

    async codesTaken(tx: Tx, meetingId: number, codes: string[]): Promise<Set<string>> {
      const rows: Array<{ check_in_code: string }> = await sqlOf(tx)('meeting_signups').where({ meeting_id: meetingId }).whereIn('check_in_code', codes).select('check_in_code');
      return new Set(rows.map((r) => r.check_in_code));
    },

    async signupsOfUsers(tx: Tx, meetingId: number, userIds: number[]): Promise<SignupRecord[]> {
      const out: SignupRecord[] = [];
      for (let i = 0; i < userIds.length; i += 500) {
        const rows: SignupRow[] = await sqlOf(tx)('meeting_signups').where({ meeting_id: meetingId }).whereIn('user_id', userIds.slice(i, i + 500));
        out.push(...rows.map(toSignup));
      }
      return out;
    },

    async insertSignups(tx: Tx, signups: NewSignup[]): Promise<void> {
      const at = now();
      for (let i = 0; i < signups.length; i += 200) {
        await sqlOf(tx)('meeting_signups').insert(
          signups.slice(i, i + 200).map((s) => ({
            meeting_id: s.meetingId, user_id: s.userId, status: s.status, waitlist_seq: s.waitlistSeq, check_in_code: s.checkInCode, created_at: at, updated_at: at,
            guest_name: s.guest?.name ?? null, guest_contact: s.guest?.contact ?? null, public_code_hash: s.guest?.codeHash ?? null,
          })),
        );
      }
    },

    /** Waitlist places of these users (those waiting), in one statement. */
    async waitlistPositionsOf(tx: Tx, meetingId: number, userIds: number[]): Promise<Map<number, number>> {
      if (userIds.length === 0) return new Map();
      const db = sqlOf(tx);
      const rows: Array<{ user_id: number; position: string | number }> = await db('meeting_signups as s')
        .where({ 's.meeting_id': meetingId, 's.status': 'waitlisted' })
        .whereIn('s.user_id', userIds)
        .select(
          's.user_id',
          db('meeting_signups as w')
            .count('*')
            .where('w.meeting_id', meetingId)
            .where('w.status', 'waitlisted')
            .where('w.waitlist_seq', '<=', db.ref('s.waitlist_seq'))
            .as('position'),
        );
      return new Map(rows.map((r) => [r.user_id, Number(r.position)]));
    },

    /** A public registration by its code's hash, with its meeting. */
    async findByPublicCode(codeHash: string, tx?: Tx): Promise<SignupRecord | null> {
      const row: SignupRow | undefined = await within(tx, read)('meeting_signups').where({ public_code_hash: codeHash }).first();
      return row ? toSignup(row) : null;
    },
    /** Registrations without an account (not cancelled) for meetings hosted by these units (statistics). */
    async countPublicRegistrations(orgIds: number[]): Promise<number> {
      if (orgIds.length === 0) return 0;
      const [row] = await read('meeting_signups as s').join('meetings as m', 'm.id', 's.meeting_id').whereIn('m.host_org_id', orgIds).whereNull('s.user_id').whereNot('s.status', 'cancelled').count<{ n: string | number }[]>('* as n');
      return Number(row.n);
    },
    async findByCode(meetingId: number, code: string): Promise<SignupRecord | null> {
      const row: SignupRow | undefined = await read('meeting_signups').where({ meeting_id: meetingId, check_in_code: code }).first();
      return row ? toSignup(row) : null;
    },

    /**
     * One page of everyone signed up, with their names: seats first (in sign-up order), then the waitlist
     * in order with each one's place. The cursor remembers the part and the last one shown.
     */
    async signupsWithUsers(meetingId: number, opts: { limit: number; cursor?: string }) {
      const cursor = decodeKey<{ part: 'seats' | 'waiting'; key: number }>(opts.cursor, { part: ['seats', 'waiting'], key: 'int' });
      const base = () =>
        read('meeting_signups')
          .leftJoin('users', 'users.id', 'meeting_signups.user_id')
          .where('meeting_signups.meeting_id', meetingId)
          .select('meeting_signups.*', 'users.name', 'users.email', 'users.branch_id');
      type Row = SignupRow & { name: string; email: string; branch_id: number | null };
      const out: Array<{ row: Row; position: number | null }> = [];
      let more = false;
      if (!cursor || cursor.part === 'seats') {
        const q = base().whereIn('meeting_signups.status', ['confirmed', 'attended']);
        if (cursor) q.where('meeting_signups.id', '>', cursor.key);
        const rows: Row[] = await q.orderBy('meeting_signups.id').limit(opts.limit + 1);
        out.push(...rows.slice(0, opts.limit).map((row) => ({ row, position: null })));
        more = rows.length > opts.limit;
      }
      if (!more && out.length < opts.limit) {
        const want = opts.limit - out.length;
        const q = base().where('meeting_signups.status', 'waitlisted');
        if (cursor?.part === 'waiting') q.where('meeting_signups.waitlist_seq', '>', cursor.key);
        const rows: Row[] = await q.orderBy('meeting_signups.waitlist_seq').limit(want + 1);
        const first = rows[0]?.waitlist_seq;
        const before = first == null ? 0 : (await this.waitlistPosition(meetingId, first)) - 1;
        out.push(...rows.slice(0, want).map((row, i) => ({ row, position: before + i + 1 })));
        more = rows.length > want;
      }
      const last = out.at(-1);
      const nextCursor =
        more && last ? encodeCursor(last.position === null ? { part: 'seats', key: last.row.id } : { part: 'waiting', key: last.row.waitlist_seq }) : null;
      return {
        // A registration without an account shows its name and contact (to the host's organizers only) instead of a user.
        items: out.map(({ row, position }) => ({
          signup: toSignup(row),
          position,
          ...(row.user_id === null ? { guest: { name: row.guest_name ?? '', contact: row.guest_contact ?? '' } } : { user: { id: row.user_id, name: row.name, email: row.email, branchId: row.branch_id } }),
        })),
        nextCursor,
      };
    },

    /** A member's sign-ups with the meetings' titles and times, newest meeting first. */
    async signupsOfUser(userId: number) {
      const rows: Array<{ meeting_id: number; title: string; starts_at: string; status: string; meeting_status: string; attended_at: string | null }> = await read('meeting_signups')
        .join('meetings', 'meetings.id', 'meeting_signups.meeting_id')
        .where('meeting_signups.user_id', userId)
        .whereNot('meeting_signups.status', 'cancelled')
        .orderBy('meetings.starts_at', 'desc')
        .limit(200)
        .select('meeting_signups.meeting_id', 'meetings.title', 'meetings.starts_at', 'meeting_signups.status', 'meetings.status as meeting_status', 'meeting_signups.attended_at');
      return rows.map((r) => ({ meetingId: r.meeting_id, title: r.title, startsAt: r.starts_at, status: r.status, meetingStatus: r.meeting_status, attendedAt: r.attended_at }));
    },

    async userIdsWithStatus(meetingId: number, statuses: SignupStatus[], tx?: Tx): Promise<number[]> {
      const rows: Array<{ user_id: number }> = await within(tx, read)('meeting_signups').where({ meeting_id: meetingId }).whereIn('status', statuses).whereNotNull('user_id').select('user_id');
      return rows.map((r) => r.user_id);
    },
  };
}

export type MeetingsRepo = ReturnType<typeof createMeetingsRepo>;
