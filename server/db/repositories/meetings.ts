import type { Knex } from 'knex';
import type { Meeting, MeetingCounts, MeetingStatus, OpenTo, SignupStatus } from '../../domain/types';

export interface MeetingRow {
  id: number;
  host_org_id: number;
  title: string;
  topic: string | null;
  description: string | null;
  starts_at: string;
  ends_at: string | null;
  location: string | null;
  online: number | boolean;
  capacity: number;
  open_to: string;
  status: string;
  confirmed: number;
  waitlisted: number;
  waitlist_counter: number;
  version: number;
}

export interface SignupRow {
  id: number;
  meeting_id: number;
  user_id: number;
  status: SignupStatus;
  waitlist_seq: number | null;
  check_in_code: string;
  created_at: string;
}

export const toMeeting = (row: MeetingRow): Meeting => ({
  id: row.id,
  hostOrgId: row.host_org_id,
  title: row.title,
  topic: row.topic,
  description: row.description,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  location: row.location,
  online: Boolean(row.online),
  capacity: row.capacity,
  openTo: row.open_to as OpenTo,
  status: row.status as MeetingStatus,
  confirmed: row.confirmed,
  waitlisted: row.waitlisted,
});

export const toCounts = (row: MeetingRow): MeetingCounts => ({
  meetingId: row.id,
  capacity: row.capacity,
  confirmed: row.confirmed,
  waitlisted: row.waitlisted,
  status: row.status as MeetingStatus,
  version: row.version,
});

export type NewMeeting = Omit<Meeting, 'id' | 'status' | 'confirmed' | 'waitlisted'> & { createdBy: number };

export interface MeetingFilter {
  /** Host units whose `host`-only meetings the caller may see; 'all' for the admin. */
  hostOrgIds: number[] | 'all';
  status?: MeetingStatus;
  underOrgIds?: number[];
  topic?: string;
}

const num = (value: unknown) => Number(value);

export function createMeetingsRepo(knex: Knex, read: Knex = knex) {
  return {
    async insert(meeting: NewMeeting): Promise<Meeting> {
      return knex.transaction(async (trx) => {
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
            capacity: meeting.capacity,
            open_to: meeting.openTo,
            status: 'open',
            created_by: meeting.createdBy,
            created_at: new Date().toISOString(),
          })
          .returning('*');
        await trx('rooms').insert({ id: `meeting:${row.id}`, last_seq: 0 }).onConflict('id').ignore();
        return toMeeting(row);
      });
    },

    async find(id: number, db: Knex = read): Promise<MeetingRow | null> {
      return (await db('meetings').where({ id }).first()) ?? null;
    },

    /**
     * Locks the meeting row for the rest of the transaction (a no-op write: the row lock on
     * PostgreSQL, the writer lock on SQLite) and returns it, so every seat decision sees the latest
     * counters and no other transaction can change them until commit.
     */
    async lock(trx: Knex.Transaction, id: number): Promise<MeetingRow | null> {
      const rows: MeetingRow[] = await trx('meetings').where({ id }).update({ version: trx.raw('version') }).returning('*');
      return rows[0] ?? null;
    },

    /** Writes counters/fields and bumps the version. */
    async save(trx: Knex.Transaction, id: number, changes: Record<string, unknown>): Promise<MeetingRow> {
      const [row] = await trx('meetings').where({ id }).update({ ...changes, version: trx.raw('version + 1') }).returning('*');
      return row;
    },

    async list(filter: MeetingFilter): Promise<Meeting[]> {
      const query = read('meetings').select('*');
      if (filter.hostOrgIds !== 'all') {
        const hosts = filter.hostOrgIds;
        query.where((q) => {
          q.where('open_to', 'all');
          if (hosts.length > 0) q.orWhereIn('host_org_id', hosts);
        });
      }
      if (filter.status) query.where('status', filter.status);
      if (filter.underOrgIds) query.whereIn('host_org_id', filter.underOrgIds);
      if (filter.topic) query.where('topic', filter.topic);
      const rows: MeetingRow[] = await query.orderBy('starts_at', 'asc').limit(500);
      return rows.map(toMeeting);
    },

    /** The meeting's host and this user's sign-up status, in one read (checked on every meeting-room command). */
    async accessOf(meetingId: number, userId: number): Promise<{ hostOrgId: number; signupStatus: SignupStatus | null } | null> {
      const row: { host_org_id: number; status: SignupStatus | null } | undefined = await read('meetings')
        .leftJoin('meeting_signups', (join) => join.on('meeting_signups.meeting_id', 'meetings.id').andOn('meeting_signups.user_id', read.raw('?', [userId])))
        .where('meetings.id', meetingId)
        .first('meetings.host_org_id', 'meeting_signups.status');
      return row ? { hostOrgId: row.host_org_id, signupStatus: row.status ?? null } : null;
    },

    async signupOf(meetingId: number, userId: number, db: Knex = read): Promise<SignupRow | null> {
      return (await db('meeting_signups').where({ meeting_id: meetingId, user_id: userId }).first()) ?? null;
    },

    async insertSignup(trx: Knex.Transaction, row: Omit<SignupRow, 'id' | 'created_at'>): Promise<void> {
      const now = new Date().toISOString();
      await trx('meeting_signups').insert({ ...row, created_at: now, updated_at: now });
    },

    async updateSignup(trx: Knex.Transaction, id: number, changes: Partial<Pick<SignupRow, 'status' | 'waitlist_seq'>> & { attended_at?: string }): Promise<void> {
      await trx('meeting_signups').where({ id }).update({ ...changes, updated_at: new Date().toISOString() });
    },

    /** 1-based place on the waitlist: the rank of this order number among those still waiting. */
    async waitlistPosition(meetingId: number, waitlistSeq: number, db: Knex = read): Promise<number> {
      const [row] = await db('meeting_signups')
        .where({ meeting_id: meetingId, status: 'waitlisted' })
        .andWhere('waitlist_seq', '<=', waitlistSeq)
        .count<{ n: string | number }[]>('* as n');
      return num(row.n);
    },

    /** The first `count` waiting sign-ups, in the order they were committed. */
    async headOfWaitlist(trx: Knex.Transaction, meetingId: number, count: number): Promise<SignupRow[]> {
      if (count <= 0) return [];
      return trx('meeting_signups').where({ meeting_id: meetingId, status: 'waitlisted' }).orderBy('waitlist_seq', 'asc').limit(count);
    },

    async codesTaken(trx: Knex.Transaction, meetingId: number, codes: string[]): Promise<Set<string>> {
      const rows: Array<{ check_in_code: string }> = await trx('meeting_signups').where({ meeting_id: meetingId }).whereIn('check_in_code', codes).select('check_in_code');
      return new Set(rows.map((r) => r.check_in_code));
    },

    async signupsOfUsers(trx: Knex.Transaction, meetingId: number, userIds: number[]): Promise<SignupRow[]> {
      const out: SignupRow[] = [];
      for (let i = 0; i < userIds.length; i += 500) {
        out.push(...(await trx('meeting_signups').where({ meeting_id: meetingId }).whereIn('user_id', userIds.slice(i, i + 500))));
      }
      return out;
    },

    async insertSignups(trx: Knex.Transaction, rows: Array<Omit<SignupRow, 'id' | 'created_at'>>): Promise<void> {
      const now = new Date().toISOString();
      for (let i = 0; i < rows.length; i += 200) {
        await trx('meeting_signups').insert(rows.slice(i, i + 200).map((row) => ({ ...row, created_at: now, updated_at: now })));
      }
    },

    /** Waitlist places of these users (those waiting), in one statement. */
    async waitlistPositionsOf(db: Knex, meetingId: number, userIds: number[]): Promise<Map<number, number>> {
      if (userIds.length === 0) return new Map();
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

    async findByCode(meetingId: number, code: string): Promise<SignupRow | null> {
      return (await read('meeting_signups').where({ meeting_id: meetingId, check_in_code: code }).first()) ?? null;
    },

    /** Everyone signed up, with their names, seats first then the waitlist in order. */
    async signupsWithUsers(meetingId: number) {
      const rows: Array<SignupRow & { name: string; email: string; branch_id: number | null }> = await read('meeting_signups')
        .join('users', 'users.id', 'meeting_signups.user_id')
        .where('meeting_signups.meeting_id', meetingId)
        .whereNot('meeting_signups.status', 'cancelled')
        .select('meeting_signups.*', 'users.name', 'users.email', 'users.branch_id');
      const rank = { attended: 0, confirmed: 0, waitlisted: 1, cancelled: 2 } as const;
      return rows.sort((a, b) => rank[a.status] - rank[b.status] || (a.waitlist_seq ?? 0) - (b.waitlist_seq ?? 0) || a.id - b.id);
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

    async userIdsWithStatus(meetingId: number, statuses: SignupStatus[], db: Knex = read): Promise<number[]> {
      const rows: Array<{ user_id: number }> = await db('meeting_signups').where({ meeting_id: meetingId }).whereIn('status', statuses).select('user_id');
      return rows.map((r) => r.user_id);
    },
  };
}

export type MeetingsRepo = ReturnType<typeof createMeetingsRepo>;
