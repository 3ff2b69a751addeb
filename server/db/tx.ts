import type { Knex } from 'knex';
import type { Tx } from '../domain/ports';

/** Opens the domain's opaque transaction for a repository: the knex transaction it really is. */
export const sqlOf = (tx: Tx): Knex.Transaction => tx as unknown as Knex.Transaction;

/** The transaction if the caller has one, else the given connection. */
export const within = (tx: Tx | undefined, fallback: Knex): Knex => (tx ? sqlOf(tx) : fallback);
