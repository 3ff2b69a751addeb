import { Emitter } from '@socket.io/redis-emitter';
import { BootError, checkRedis, loadConfigOrExplain, openDatabase } from './boot';
import { jobProcessors } from './jobs/processors';
import { createQueues, ensureDuesScheduler, startWorkers } from './jobs/queues';
import type { MeetingEvents } from './domain/meetings';
import { createLogger } from './logger';
import { userRoom } from './realtime/contract';
import { createRedis } from './redis';

/**
 * Runs the BullMQ workers alone (`npm run worker`), for deployments that set WORKERS=off on the web
 * servers. Live notifications reach the sockets through the Redis emitter, which speaks the
 * Socket.IO adapter's protocol without a Socket.IO server here.
 */
async function main() {
  const config = loadConfigOrExplain();
  const log = createLogger(config.logLevel).child({ area: 'worker' });
  await checkRedis(config.redisUrl);
  const db = await openDatabase(config.databaseUrl);
  const jobsRedis = createRedis(config.redisUrl, 'jobs', log, { maxRetriesPerRequest: null });
  const emitterRedis = createRedis(config.redisUrl, 'emitter', log);
  const emitter = new Emitter(emitterRedis, { key: `${config.keyPrefix}:socket.io` });
  const events: Pick<MeetingEvents, 'notified'> = {
    notified: (list) => {
      for (const { userId, ...notification } of list) emitter.to(userRoom(userId)).emit('notification', notification);
    },
  };
  const queues = createQueues(jobsRedis, config.keyPrefix);
  await ensureDuesScheduler(queues.dues, jobsRedis, config.keyPrefix, config.duesReminders, config.duesScanEveryMs);
  const workers = startWorkers(jobsRedis, config.keyPrefix, jobProcessors(db, config, events, queues.dues), log, config.jobLockMs);
  log.info('workers running');
  process.stdout.write('kitestring worker is running\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down');
    setTimeout(() => process.exit(1), 30_000).unref();
    await workers.close(); // waits for active jobs, so none is left stalled
    await queues.close();
    await Promise.all([jobsRedis.quit(), emitterRedis.quit()]);
    await db.close();
    process.exit(0);
  };
  // A library promise rejected with nobody listening must not take the whole server down: log it.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`kitestring worker cannot start: ${error instanceof BootError ? error.message : (error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
