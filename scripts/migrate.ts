/** Applies every pending migration to DATABASE_URL and exits (`npm run migrate`). */
import { BootError, loadConfigOrExplain, openDatabase } from '../server/boot';

try {
  const config = loadConfigOrExplain();
  const db = await openDatabase(config.databaseUrl); // opens and migrates
  const [, pending] = (await db.knex.migrate.list({ migrationSource: (await import('../migrations/index')).migrationSource })) as [unknown[], unknown[]];
  process.stdout.write(`database ${db.describe} is up to date (${pending.length} pending)\n`);
  await db.close();
} catch (error) {
  process.stderr.write(`${error instanceof BootError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
