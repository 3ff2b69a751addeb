import type { Knex } from 'knex';
import type { Clock, Tx } from '../../domain/ports';
import { sqlOf } from '../tx';

/**
 * Send records: "this reminder went out". Each table's unique key makes a reminder go out once: a record
 * that already exists is skipped, so the caller stores a notification only for what was new, in the same
 * transaction. Every method returns the records this call inserted.
 */
export function createSendRecordsRepo(clock: Clock = { now: Date.now }) {
  const now = () => new Date(clock.now()).toISOString();

  /** Inserts the rows whose unique `key` is not taken yet; returns those rows. */
  async function insertNew<Row extends Record<string, unknown>>(tx: Tx, table: string, rows: Row[], key: Array<keyof Row & string>): Promise<Row[]> {
    const trx: Knex.Transaction = sqlOf(tx);
    const fresh: Row[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      fresh.push(...((await trx(table).insert(rows.slice(i, i + 200)).onConflict(key).ignore().returning(key)) as Row[]));
    }
    return fresh;
  }

  return {
    async meetingReminders(tx: Tx, meetingId: number, userIds: number[]): Promise<number[]> {
      const at = now();
      const rows = await insertNew(tx, 'meeting_reminders', userIds.map((userId) => ({ meeting_id: meetingId, user_id: userId, sent_at: at })), ['meeting_id', 'user_id']);
      return rows.map((r) => r.user_id);
    },
    async checkinReminders(tx: Tx, checkinId: number, userIds: number[]): Promise<number[]> {
      const at = now();
      const rows = await insertNew(tx, 'checkin_reminders', userIds.map((userId) => ({ checkin_id: checkinId, user_id: userId, sent_at: at })), ['checkin_id', 'user_id']);
      return rows.map((r) => r.user_id);
    },
    /** Returns the `userId|period|stage` keys that were new. */
    async duesReminders(tx: Tx, sends: Array<{ userId: number; period: string; stage: string }>): Promise<Set<string>> {
      const at = now();
      const rows = await insertNew(tx, 'dues_reminders_sent', sends.map((s) => ({ user_id: s.userId, period: s.period, stage: s.stage, sent_at: at })), ['user_id', 'period', 'stage']);
      return new Set(rows.map((r) => `${r.user_id}|${r.period}|${r.stage}`));
    },
    async duesEscalations(tx: Tx, branchId: number, period: string, organizerIds: number[]): Promise<number[]> {
      const at = now();
      const rows = await insertNew(tx, 'dues_escalations_sent', organizerIds.map((id) => ({ branch_id: branchId, period, organizer_id: id, sent_at: at })), ['branch_id', 'period', 'organizer_id']);
      return rows.map((r) => r.organizer_id);
    },
  };
}

export type SendRecordsRepo = ReturnType<typeof createSendRecordsRepo>;
