/** Creates the demo district in an empty database (`npm run seed`); refuses in production or on data. */
import { BootError, loadConfigOrExplain, openDatabase } from '../server/boot';
import { databaseIsEmpty, DEMO_PASSWORD, seedDemoDistrict } from '../server/demo';

try {
  const config = loadConfigOrExplain();
  if (config.env === 'production') throw new BootError('refusing to seed demo data with NODE_ENV=production');
  const db = await openDatabase(config.databaseUrl);
  if (!(await databaseIsEmpty(db))) {
    process.stdout.write('the database already has data; nothing seeded\n');
  } else {
    const accounts = await seedDemoDistrict(db);
    process.stdout.write(`demo district created; password "${DEMO_PASSWORD}" for:\n${accounts.map((a) => `  ${a.email}  ${a.name} (${a.what})`).join('\n')}\n`);
  }
  await db.close();
} catch (error) {
  process.stderr.write(`${error instanceof BootError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
