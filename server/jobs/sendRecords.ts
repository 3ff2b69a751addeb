import type { Knex } from 'knex';

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
