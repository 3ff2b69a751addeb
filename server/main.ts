import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { BootError, checkRedis, loadConfigOrExplain, openDatabase } from './boot';
import { databaseIsEmpty, DEMO_PASSWORD, ensureAdmin, seedDemoDistrict } from './demo';
import { createLogger } from './logger';

async function main() {
  const config = loadConfigOrExplain();
  const log = createLogger(config.logLevel);
  await checkRedis(config);
  const db = await openDatabase(config.databaseUrl);

  if (config.admin && (await ensureAdmin(db, config.admin))) log.info('the admin account from ADMIN_EMAIL was created');
  if (!config.admin && config.seedDemo && (await databaseIsEmpty(db))) {
    const accounts = await seedDemoDistrict(db);
    const lines = accounts.map((a) => `  ${a.email.padEnd(32)} ${a.name} (${a.what})`).join('\n');
    process.stdout.write(`\nThe database was empty, so a demo district was created. Sign in with any of these, password "${DEMO_PASSWORD}":\n${lines}\n\n`);
  }

  const app = createApp({ config, db, log });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    await app.close();
    await db.close();
    log.info('stopped cleanly');
    process.exit(0);
  };
  // A library promise rejected with nobody listening must not take the whole server down: log it.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await app.start();
  await new Promise<void>((resolve) => app.httpServer.listen(config.port, config.host, resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  log.info({ port, host: config.host, database: db.describe }, 'kitestring is listening');
  process.stdout.write(`kitestring is running: open http://localhost:${port}/ in a browser\n`);

}

main().catch((error) => {
  if (error instanceof BootError) {
    process.stderr.write(`kitestring cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`kitestring crashed while starting: ${(error as Error)?.stack ?? error}\n`);
  }
  process.exit(1);
});
