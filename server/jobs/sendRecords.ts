import type { Knex } from 'knex';
import type { Database } from '../db/database';
import type { NewNotification, NotificationsRepo } from '../db/repositories/notifications';
import type { Notification } from '../domain/types';

/**
 * Writes send records ("this reminder went out") and returns only the ones that are new. The table's
 * unique key makes a reminder go out once: a record that already exists is skipped, so the caller
 * stores a notification only for what this call inserted, in the same transaction.
 */
export async function insertNewRecords<Row extends Record<string, unknown>, Key extends keyof Row & string>(
  trx: Knex.Transaction,
  table: string,
  rows: Row[],
  key: Key[],
): Promise<Array<Pick<Row, Key>>> {
  const fresh: Array<Pick<Row, Key>> = [];
  for (let i = 0; i < rows.length; i += 200) {
    fresh.push(...((await trx(table).insert(rows.slice(i, i + 200)).onConflict(key).ignore().returning(key)) as Array<Pick<Row, Key>>));
  }
  return fresh;
}

/**
 * One transaction: the send records, and a notification for each record that was new. Retries, a
 * second worker or a re-enqueued job find the records and store nothing again.
 */
export function notifyOnce<Row extends Record<string, unknown>, Key extends keyof Row & string>(
  deps: { db: Database; notifications: NotificationsRepo },
  records: { table: string; rows: Row[]; key: Key[] },
  draft: (fresh: Pick<Row, Key>) => NewNotification,
): Promise<Array<Notification & { userId: number }>> {
  return deps.db.writeTransaction(async (trx) => {
    const fresh = await insertNewRecords(trx, records.table, records.rows, records.key);
    return deps.notifications.insertMany(trx, fresh.map(draft));
  });
}
