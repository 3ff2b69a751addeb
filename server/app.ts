import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import type { Config } from './config';
import { buildCore } from './composition';
import type { Database } from './db/database';
import { systemClock, type Clock } from './domain/ports';
import { createHttpApp } from './http/httpApp';
import { startWorkers, keepDuesScheduler } from './jobs/queues';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { RealtimeCallEvents } from './realtime/callEvents';
import { createRedisCallStore } from './realtime/callStore';
import { createRealtime } from './realtime/io';
import { RealtimeMeetingEvents } from './realtime/meetingEvents';
import { RealtimeVoiceEvents } from './realtime/voiceEvents';
import { RealtimeTenderEvents } from './realtime/tenderEvents';
import { SocketNotificationPush } from './realtime/push';
import { RealtimeSessions } from './realtime/sessions';
import { createRedisConnections, queuePrefix } from './redisConnections';
import { toCounts } from './db/repositories/meetings';
import type { AppServices } from './services';

export interface AppDeps {
  config: Config;
  db: Database;
  log: Logger;
  /** The time (tests pin it); the system clock by default. */
  clock?: Clock;
}

/**
 * Builds the whole server (Express, Socket.IO, the composition root's services, Redis clients) around
 * an open, migrated database. It never listens: `server/main.ts` does, and tests listen on port 0.
 */
export function createApp({ config, db, log, clock = systemClock }: AppDeps) {
  const processId = randomUUID().slice(0, 8);
  const metrics = createMetrics();
  const redis = createRedisConnections(config, log);

  // The realtime ports exist before the Socket.IO server does; they are attached to it below.
  let services!: AppServices;
  const sessions = new RealtimeSessions(
    {
      reauthenticate: (tokenId) => services.auth.reauthenticate(tokenId),
      authorizeRoom: (actor, roomId) => services.chat.authorize(actor, roomId),
      mayWatch: (actor, meetingId) => services.meetings.mayWatch(actor, meetingId),
      mayStayIn: async (actor, room) => {
        const [kind, id] = [room.slice(0, room.lastIndexOf(':')), Number(room.slice(room.lastIndexOf(':') + 1))];
        if (kind === 'announcement-watch') return services.announcements.mayWatch(actor, id);
        if (kind === 'discussion-watch') return services.discussions.mayWatch(actor, id);
        return false;
      },
      guestLive: async (inviteId) => (await services.guests.byInvite(inviteId)) !== null,
    },
    clock,
    log,
  );
  const push = new SocketNotificationPush();
  const callEvents = new RealtimeCallEvents();
  let announceOrgsChanged = () => {};
  let core!: ReturnType<typeof buildCore>;
  const meetingEvents = new RealtimeMeetingEvents(
    redis.data,
    config.keyPrefix,
    async (id) => {
      const meeting = await core.repos.meetings.find(id);
      return meeting ? toCounts(meeting) : null;
    },
    (error) => log.warn({ err: error }, 'meeting counts broadcast failed'),
  );
  const voiceEvents = new RealtimeVoiceEvents(redis.data, config.keyPrefix, (id) => core.services.announcements.counts(id), (error) => log.warn({ err: error }, 'read count broadcast failed'));
  const tenderEvents = new RealtimeTenderEvents(redis.data, config.keyPrefix, (id) => core.services.tenders.counts(id), (error) => log.warn({ err: error }, 'support count broadcast failed'));
  core = buildCore({
    config,
    db,
    log,
    clock,
    redis,
    push,
    sessions,
    meetingEvents,
    callEvents,
    voiceEvents,
    tenderEvents,
    callStore: createRedisCallStore(redis.data, config.keyPrefix),
    announceOrgsChanged: () => announceOrgsChanged(),
    onMessageBatch: (size, ms) => {
      metrics.messageBatchSize.observe(size);
      metrics.messageBatchSeconds.observe(ms / 1000);
    },
  });
  services = core.services;

  // Ringing calls whose process died with their timer still end as missed.
  const sweeper = setInterval(() => void services.calls.sweep().catch((error) => log.warn({ err: error }, 'call sweep failed')), 15_000);
  sweeper.unref();

  const app: express.Express = createHttpApp({ services, db, redis: redis.data, metrics, log });
  // 32 KiB of headers: a search for 2,000 Chinese characters is an 18 KB address (Node's default is 16 KiB).
  // Idle keep-alive connections are kept 65 s (Node's default is 5 s): a load balancer reusing its pooled
  // connections (deploy/nginx.conf keeps them 30 s) must never find one the process is closing at that instant,
  // or it takes the reset for a dead process and sends its sticky sessions elsewhere.
  const httpServer = createServer({ maxHeaderSize: 32 * 1024, keepAliveTimeout: 65_000, headersTimeout: 66_000 }, app);
  const realtime = createRealtime({ httpServer, config, log, metrics, redis, processId, services, sessions });
  meetingEvents.attach(realtime.io);
  voiceEvents.attach(realtime.io);
  tenderEvents.attach(realtime.io);
  callEvents.attach(realtime.io);
  push.attach(realtime.io);
  announceOrgsChanged = realtime.announceOrgsChanged;
  let duesScheduler: ReturnType<typeof keepDuesScheduler> | null = null;
  const workers = config.workers === 'in-process' ? startWorkers(redis.jobs, queuePrefix(config), core.jobContext, log, config.jobLockMs) : null;

  return {
    app,
    httpServer,
    io: realtime.io,
    services,
    repos: core.repos,
    metrics,
    processId,
    queues: core.queues,
    /** What the job functions run with (tests call them directly). */
    jobContext: core.jobContext,
    /** Waits until Redis answers; call before listening. */
    async start() {
      await redis.ready();
      realtime.connectAdapter();
      if (workers) {
        duesScheduler = keepDuesScheduler(core.queues, redis.data, config.keyPrefix, config.duesReminders, config.duesScanEveryMs, log);
        await duesScheduler.ready;
      }
    },
    /** Stops sockets and HTTP, finishes jobs, writes every queued message, closes Redis. The database is the caller's. */
    async close() {
      duesScheduler?.stop();
      // Jobs finish while the sockets drain: one after the other, a dues run kept taking jobs through the sockets' grace.
      await Promise.all([realtime.close(), workers?.close()]);
      meetingEvents.close();
      voiceEvents.close();
      tenderEvents.close();
      callEvents.detach();
      push.attach(null);
      clearInterval(sweeper);
      await core.close();
      await redis.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
