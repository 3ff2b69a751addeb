import type { Knex } from 'knex';
import type { Clock } from '../../domain/ports';

/** How far each member has read each room (their unread count is the room's last seq minus this). */
export function createRoomReadsRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  return {
    /** Moves the member's read mark forward to `seq` (never back); returns the mark now stored. */
    async markRead(userId: number, roomId: string, seq: number): Promise<number> {
      await knex('room_reads')
        .insert({ user_id: userId, room_id: roomId, read_seq: seq, updated_at: new Date(clock.now()).toISOString() })
        .onConflict(['user_id', 'room_id'])
        .merge({
          read_seq: knex.raw('CASE WHEN excluded.read_seq > room_reads.read_seq THEN excluded.read_seq ELSE room_reads.read_seq END'),
          updated_at: knex.raw('excluded.updated_at'),
        });
      const row = await knex('room_reads').where({ user_id: userId, room_id: roomId }).first('read_seq');
      return Number(row?.read_seq ?? seq);
    },
    async readsOf(userId: number, roomIds: string[]): Promise<Map<string, number>> {
      if (roomIds.length === 0) return new Map();
      const rows: Array<{ room_id: string; read_seq: number }> = await read('room_reads').where({ user_id: userId }).whereIn('room_id', roomIds).select('room_id', 'read_seq');
      return new Map(rows.map((r) => [r.room_id, Number(r.read_seq)]));
    },
  };
}

export type RoomReadsRepo = ReturnType<typeof createRoomReadsRepo>;
