import type { Knex } from 'knex';
import type { Clock } from '../../domain/ports';

interface CheckinRow {
  id: number;
  organizer_id: number;
  member_id: number;
  scheduled_at: string;
  note: string | null;
  status: 'scheduled' | 'done' | 'cancelled';
  call_id: string | null;
  organizer_name?: string;
  member_name?: string;
}

export const toCheckin = (row: CheckinRow) => ({
  id: row.id,
  organizer: { id: row.organizer_id, name: row.organizer_name ?? '' },
  member: { id: row.member_id, name: row.member_name ?? '' },
  scheduledAt: row.scheduled_at,
  note: row.note,
  status: row.status,
  callId: row.call_id,
});

export type Checkin = ReturnType<typeof toCheckin>;

export function createCheckinsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const named = (db: Knex = read) =>
    db('checkins')
      .join('users as o', 'o.id', 'checkins.organizer_id')
      .join('users as m', 'm.id', 'checkins.member_id')
      .select('checkins.*', 'o.name as organizer_name', 'm.name as member_name');
  return {
    async insert(organizerId: number, memberId: number, scheduledAt: string, note: string | null): Promise<Checkin> {
      const [row] = await knex('checkins')
        .insert({ organizer_id: organizerId, member_id: memberId, scheduled_at: scheduledAt, note, status: 'scheduled', created_at: new Date(clock.now()).toISOString() })
        .returning('id');
      return toCheckin(await named(knex).where('checkins.id', typeof row === 'object' ? row.id : row).first());
    },
    async find(id: number, db: Knex = read): Promise<Checkin | null> {
      const row = await named(db).where('checkins.id', id).first();
      return row ? toCheckin(row) : null;
    },
    /** The user's check-ins (as organizer or member), latest first, `limit` of them before the check-in `beforeId`. */
    async involving(userId: number, opts: { limit: number; beforeId?: number }): Promise<Checkin[]> {
      const query = named()
        .where((q) => q.where('checkins.organizer_id', userId).orWhere('checkins.member_id', userId))
        .orderBy('checkins.id', 'desc')
        .limit(opts.limit);
      if (opts.beforeId !== undefined) query.where('checkins.id', '<', opts.beforeId);
      return ((await query) as CheckinRow[]).map(toCheckin);
    },
    async markDone(id: number, callId: string): Promise<void> {
      await knex('checkins').where({ id }).update({ status: 'done', call_id: callId });
    },
  };
}

export type CheckinsRepo = ReturnType<typeof createCheckinsRepo>;
