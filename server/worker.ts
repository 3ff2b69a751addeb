import { BootError, checkRedis, loadConfigOrExplain, openDatabase } from './boot';
import { buildCore } from './composition';
import { guestRoom, tokenRoom } from './contract/events';
import type { CallEvents } from './domain/calls';
import { systemClock, type Sessions } from './domain/ports';
import { keepDuesScheduler, startWorkers } from './jobs/queues';
import { createLogger } from './logger';
import { createRedisCallStore } from './realtime/callStore';
import { SocketNotificationPush } from './realtime/push';
import { createRedisConnections, describeTarget, queuePrefix } from './redisConnections';
import { ShardedEmitter } from './realtime/shardedEmitter';

/**
 * Runs the BullMQ workers alone (`npm run worker`), for deployments that set WORKERS=off on the web
 * servers. It builds the same core as a web server (composition.ts); what reaches sockets goes through
 * the sharded emitter, which speaks the Socket.IO adapter's protocol without a Socket.IO server here.
 */
async function main() {
  const config = loadConfigOrExplain();
  const log = createLogger(config.logLevel).child({ area: 'worker' });
  await checkRedis(config);
  const db = await openDatabase(config.databaseUrl);
  const redis = createRedisConnections(config, log, { subscribe: false });
  const emitter = new ShardedEmitter(redis.pubsub.pub, config.keyPrefix, (error) => log.warn({ err: error }, 'a push to the web servers failed'));
  const push = new SocketNotificationPush();
  push.attach(emitter);
  // Jobs change nobody's rights; were one to, the web servers re-check the user on this signal.
  const sessions: Sessions = {
    sync: async (userId) => void emitter.serverSideEmit('session:sync', userId),
    syncRoom: async (roomId) => void emitter.serverSideEmit('session:sync-room', roomId),
    disconnectToken: (tokenId) => emitter.in(tokenRoom(tokenId)).disconnectSockets(true),
    disconnectGuest: (inviteId) => emitter.in(guestRoom(inviteId)).disconnectSockets(true),
    onlineUsers: async () => new Set(),
  };
  const noCalls: CallEvents = { incoming() {}, accepted() {}, answeredElsewhere() {}, ended() {}, relay() {}, peer() {}, isConnected: async () => false };
  const core = buildCore({
    config,
    db,
    log,
    clock: systemClock,
    redis,
    push,
    sessions,
    meetingEvents: { countsChanged() {}, promoted() {}, attended() {} },
    callEvents: noCalls,
    voiceEvents: { published() {}, readsChanged() {}, replyAdded() {}, discussionChanged() {} },
    tenderEvents: { countsChanged() {} }, // the worker publishes nothing
    callStore: createRedisCallStore(redis.data, config.keyPrefix),
    announceOrgsChanged: () => void emitter.serverSideEmit('orgs:changed'),
  });
  await redis.ready().catch((error) => {
    throw new BootError(`cannot reach ${describeTarget(config)} (${(error as Error).message})`);
  });
  const duesScheduler = keepDuesScheduler(core.queues, redis.jobs, config.keyPrefix, config.duesReminders, config.duesScanEveryMs, log);
  await duesScheduler.ready;
  const workers = startWorkers(redis.jobs, queuePrefix(config), core.jobContext, log, config.jobLockMs);
  log.info('workers running');
  process.stdout.write('kitestring worker is running\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down');
    // Within the 25 s a process manager usually waits before SIGKILL: a job still running then is stalled, and taken again.
    setTimeout(() => process.exit(1), 20_000).unref();
    duesScheduler.stop();
    await workers.close(); // waits for active jobs, so none is left stalled
    await core.close();
    await redis.close();
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
