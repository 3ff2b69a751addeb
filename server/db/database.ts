import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from '../../migrations/index';
import type { Transactions, Tx } from '../domain/ports';

export type DbKind = 'sqlite' | 'postgres';

export interface Database {
  /** The connection(s) for writes and for reads that must see their own transaction. */
  knex: Knex;
  /**
   * Connections for plain reads. On SQLite a small pool of read-only connections, so reads run in
   * parallel with each other and never queue behind the one writer (WAL); elsewhere the same as `knex`.
   */
  read: Knex;
  kind: DbKind;
  /** A readable description for logs and errors (never contains a password). */
  describe: string;
  /**
   * Runs `work` in a write transaction. SQLite transactions here always open with a write so the
   * writer lock is taken up front (no deferred read-then-upgrade deadlock); busy waits are absorbed
   * by busy_timeout and a bounded retry, so "database is locked" never reaches a user.
   */
  writeTransaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** The same, as the domain sees it: the transaction is an opaque `Tx` that only repositories open. */
  transactions: Transactions;
  close(): Promise<void>;
}

function sqliteFilename(url: string): string {
  const rest = url.slice('sqlite:'.length);
  if (rest === ':memory:' || rest === '') return ':memory:';
  const file = resolve(rest.replace(/^\/\/(?=\/)/, ''));
  mkdirSync(dirname(file), { recursive: true });
  closeSync(openSync(file, 'a')); // fails now, with the OS's reason, if the file cannot be created or written
  return file;
}

/** Splits `?schema=name` off a postgres URL: the schema is set on every connection's search_path. */
function postgresTarget(url: string): { connectionString: string; schema: string | null } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_URL schema must be a plain lowercase identifier');
  return { connectionString: parsed.toString(), schema };
}

function redactUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === '40001' || code === '40P01';
}

export function createDatabase(url: string): Database {
  const kind: DbKind = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  let knex: Knex;
  let read: Knex;
  let schema: string | null = null;
  if (kind === 'sqlite') {
    const filename = sqliteFilename(url);
    const sqlite = (max: number, pragmas: string) =>
      knexFactory({
        client: 'sqlite3',
        connection: { filename },
        useNullAsDefault: true,
        compileSqlOnError: false,
        acquireConnectionTimeout: 30_000,
        pool: {
          min: 1,
          max,
          idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
          afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
            conn.exec(pragmas, (err) => done(err, conn));
          },
        },
      });
    const common = 'PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;';
    // One writer: SQLite has one anyway, and ':memory:' must never be dropped.
    // The writer's page cache up to 256 MiB (SQLite's default is 2 MiB): the search index's segment merges
    // otherwise go through the kernel page by page (docs/search.md, "Where indexing time goes").
    knex = sqlite(1, `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; ${common}`);
    read = filename === ':memory:' ? knex : sqlite(4, `${common} PRAGMA query_only = ON;`);
  } else {
    const target = postgresTarget(url);
    schema = target.schema;
    knex = knexFactory({
      client: 'pg',
      connection: { connectionString: target.connectionString },
      searchPath: schema ? [schema] : undefined,
      // Error messages keep the placeholders: values bound into a failed query (bodies, e-mails,
      // hashes) must never reach a log.
      compileSqlOnError: false,
      acquireConnectionTimeout: 10_000,
      pool: { min: 0, max: 10 },
    });
    read = knex;
  }

  async function writeTransaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await knex.transaction(work);
      } catch (error) {
        if (!isBusy(error) || attempt >= 8) throw error;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
  }

  return {
    knex,
    read,
    kind,
    describe: redactUrl(url),
    writeTransaction,
    transactions: { write: (work) => writeTransaction((trx) => work(trx as unknown as Tx)) },
    close: async () => {
      if (read !== knex) await read.destroy();
      await knex.destroy();
    },
  };
}

/** Creates the schema (postgres `?schema=`) when missing and applies every pending migration. */
export async function migrateToLatest(db: Database): Promise<void> {
  if (db.kind === 'postgres') {
    const searchPath = (db.knex.client.config as { searchPath?: string[] }).searchPath;
    if (searchPath?.[0]) await db.knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [searchPath[0]]);
  }
  await db.knex.migrate.latest({ migrationSource });
}
