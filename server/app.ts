import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import type { Database } from './db/database';
import { createCallsRepo } from './db/repositories/calls';
import { createCheckinsRepo } from './db/repositories/checkins';
import { createDuesRepo } from './db/repositories/dues';
import { createGuestInvitesRepo } from './db/repositories/guestInvites';
import { createMeetingsRepo, toCounts } from './db/repositories/meetings';
import { createMessagesRepo } from './db/repositories/messages';
import { createNotificationsRepo } from './db/repositories/notifications';
import { createOrgsRepo } from './db/repositories/orgs';
import { createTokensRepo } from './db/repositories/tokens';
import { createUsersRepo } from './db/repositories/users';
import { createAuthService } from './domain/auth';
import { createCallService } from './domain/calls';
import { createCardService } from './domain/cards';
import { createChatService, orgRoomRule } from './domain/chat';
import { createCheckinService } from './domain/checkins';
import { createDuesService } from './domain/dues';
import { createGuestService } from './domain/guests';
import { meetingRoomRule } from './domain/meetingRoomRule';
import { createMeetingService } from './domain/meetings';
import { createMemberService } from './domain/members';
import { MessageWriter } from './domain/messageWriter';
import { createNotificationService } from './domain/notifications';
import { OrgDirectory } from './domain/orgDirectory';
import { createOrgService } from './domain/orgs';
import type { Actor } from './domain/types';
import { AppError, forbidden, notFound, statusOf, toErrorBody } from './errors';
import { endpointFactory } from './http/endpoint';
import { originAllowed } from './http/origin';
import { authRoutes } from './http/routes/auth';
import { callRoutes } from './http/routes/calls';
import { checkinRoutes } from './http/routes/checkins';
import { duesRoutes } from './http/routes/dues';
import { meetingRoutes } from './http/routes/meetings';
import { memberRoutes } from './http/routes/members';
import { notificationRoutes } from './http/routes/notifications';
import { orgRoutes } from './http/routes/orgs';
import { enqueueStage } from './jobs/duesReminders';
import { duesJobDeps, jobProcessors } from './jobs/processors';
import { createCheckinReminderScheduler, createMeetingReminderScheduler, createQueues, ensureDuesScheduler, queueState, startWorkers } from './jobs/queues';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { RealtimeCallEvents } from './realtime/callEvents';
import { createRedisCallStore } from './realtime/callStore';
import { createRealtime } from './realtime/io';
import { RealtimeMeetingEvents } from './realtime/meetingEvents';
import { createLoginThrottle, createRateLimiter, createRedis } from './redis';

export interface AppDeps {
  config: Config;
  db: Database;
  log: Logger;
}

const CLIENT_DIST = fileURLToPath(new URL('../client/dist', import.meta.url));

/**
 * Builds the whole server (Express, Socket.IO, domain services, Redis clients) around an open,
 * migrated database. It never listens: `server/main.ts` does, and tests listen on port 0.
 */
export function createApp({ config, db, log }: AppDeps) {
  const processId = randomUUID().slice(0, 8);
  const metrics = createMetrics();
  const redis = {
    data: createRedis(config.redisUrl, 'data', log),
    // The adapter's publishes are fire-and-forget: during a Redis outage they wait for the reconnect
    // instead of failing with nobody to catch the error.
    pub: createRedis(config.redisUrl, 'pub', log, { maxRetriesPerRequest: null }),
    sub: createRedis(config.redisUrl, 'sub', log, { maxRetriesPerRequest: null }),
    // BullMQ wants commands to wait for a reconnect rather than fail.
    jobs: createRedis(config.redisUrl, 'jobs', log, { maxRetriesPerRequest: null }),
  };

  const repos = {
    users: createUsersRepo(db.knex, db.read),
    orgs: createOrgsRepo(db.knex),
    tokens: createTokensRepo(db.knex, db.read),
    messages: createMessagesRepo(db.knex, db.read),
    meetings: createMeetingsRepo(db.knex, db.read),
    notifications: createNotificationsRepo(db.knex, db.read),
    calls: createCallsRepo(db.knex, db.read),
    guestInvites: createGuestInvitesRepo(db.knex, db.read),
    checkins: createCheckinsRepo(db.knex, db.read),
    dues: createDuesRepo(db.knex, db.read),
  };
  let announceOrgsChanged = () => {};
  const directory = new OrgDirectory(repos.orgs, () => announceOrgsChanged());
  const writer = new MessageWriter(db, repos.messages, 500, (size, ms) => {
    metrics.messageBatchSize.observe(size);
    metrics.messageBatchSeconds.observe(ms / 1000);
  });
  const auth = createAuthService({ users: repos.users, tokens: repos.tokens, throttle: createLoginThrottle(redis.data, config.keyPrefix) });
  const queues = createQueues(redis.jobs, config.keyPrefix);
  const meetingEvents = new RealtimeMeetingEvents(
    redis.data,
    config.keyPrefix,
    async (id) => {
      const row = await repos.meetings.find(id, db.knex);
      return row ? toCounts(row) : null;
    },
    (error) => log.warn({ err: error }, 'meeting counts broadcast failed'),
  );
  const meetings = createMeetingService({
    db,
    meetings: repos.meetings,
    notifications: repos.notifications,
    directory,
    events: meetingEvents,
    reminders: createMeetingReminderScheduler(queues.reminders, config.meetingReminderLeadMs, log),
  });
  const checkins = createCheckinService({
    checkins: repos.checkins,
    users: repos.users,
    directory,
    reminders: createCheckinReminderScheduler(queues.reminders, config.checkinReminderLeadMs, log),
  });
  const dues = createDuesService({ dues: repos.dues, users: repos.users, directory });
  // One dues service and one set of job dependencies for the whole process (runs by hand and workers).
  const duesDeps = duesJobDeps(db, config, meetingEvents, { directory, dues });
  const guests = createGuestService({ invites: repos.guestInvites, publicUrl: config.publicUrl });
  const callEvents = new RealtimeCallEvents();
  const calls = createCallService({
    store: createRedisCallStore(redis.data, config.keyPrefix),
    calls: repos.calls,
    users: repos.users,
    notifications: repos.notifications,
    directory,
    events: callEvents,
    guestOf: (inviteId) => guests.byInvite(inviteId),
    checkins,
    ringTimeoutMs: config.callRingTimeoutMs,
    goneTimeoutMs: config.callGoneTimeoutMs,
  });
  // Ringing calls whose process died with their timer still end as missed.
  const sweeper = setInterval(() => void calls.sweep().catch((error) => log.warn({ err: error }, 'call sweep failed')), 15_000);
  sweeper.unref();
  const chat = createChatService({
    messages: repos.messages,
    writer,
    rules: { org: orgRoomRule(directory), meeting: meetingRoomRule(repos.meetings, directory) },
    sendLimiter: config.chatRateLimit ? createRateLimiter(redis.data, `${config.keyPrefix}:rl:chat`, config.chatRateLimit, log) : null,
  });

  const app = express();
  const httpServer = createServer(app);
  const realtime = createRealtime({
    httpServer,
    config,
    log,
    metrics,
    redis,
    processId,
    auth,
    chat,
    meetings,
    calls,
    guests,
    onOrgsChanged: () => directory.invalidate(),
  });
  meetingEvents.attach(realtime.io);
  callEvents.attach(realtime.io);
  const workers =
    config.workers === 'in-process'
      ? startWorkers(redis.jobs, config.keyPrefix, jobProcessors(db, config, meetingEvents, queues.dues, duesDeps), log, config.jobLockMs)
      : null;
  announceOrgsChanged = realtime.announceOrgsChanged;

  const services = {
    config,
    auth,
    chat,
    directory,
    orgs: createOrgService({ orgs: repos.orgs, users: repos.users, directory }),
    members: createMemberService({ users: repos.users, tokens: repos.tokens, directory }),
    meetings,
    notifications: createNotificationService({ notifications: repos.notifications }),
    calls,
    guests,
    checkins,
    cards: createCardService({ users: repos.users, meetings: repos.meetings, calls: repos.calls, checkins: repos.checkins, directory, dues }),
    dues,
    /** Runs one reminder stage now (the admin's or an organizer's button), if the actor may. */
    async runDuesStage(actor: Actor, input: { period: string; stage: 'first' | 'second' | 'escalation'; orgId?: number }) {
      await dues.assertMayRun(actor, input.orgId);
      return enqueueStage({ ...duesDeps, queue: queues.dues }, input);
    },
    async duesQueueState(actor: Actor) {
      dues.assertMaySeeQueue(actor);
      return { ...(await queueState(queues.dues)), mode: config.duesReminders };
    },
    hub: {
      disconnectToken: realtime.disconnectToken,
      disconnectUser: realtime.disconnectUser,
      disconnectGuest: realtime.disconnectGuest,
      revalidateUser: realtime.revalidateUser,
      onlineUsers: realtime.onlineUsers,
    },
  };

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:', 'mediastream:'],
        },
      },
    }),
  );
  app.use(compression());

  app.get('/healthz', async (_req, res) => {
    const [dbUp, redisUp] = await Promise.all([
      db.knex.raw('select 1').then(() => true, () => false),
      Promise.race([redis.data.ping().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]),
    ]);
    const ok = dbUp && redisUp;
    res.status(ok ? 200 : 503).json({ ok, db: dbUp ? 'up' : 'down', redis: redisUp ? 'up' : 'down' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const checkOrigin: RequestHandler = (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (!originAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)) return next(forbidden('requests from this origin are not allowed'));
    next();
  };
  const endpoint = endpointFactory(auth);
  const api = express.Router();
  api.use(checkOrigin, express.json({ limit: '64kb' }));
  api.use(
    authRoutes(services, endpoint),
    orgRoutes(services, endpoint),
    memberRoutes(services, endpoint),
    meetingRoutes(services, endpoint),
    notificationRoutes(services, endpoint),
    callRoutes(services, endpoint),
    checkinRoutes(services, endpoint),
    duesRoutes(services, endpoint),
  );
  api.use((_req, _res, next) => next(notFound('endpoint')));
  app.use('/api', api);

  if (existsSync(CLIENT_DIST)) {
    // Hashed assets never change: cache them for a year. index.html is revalidated every time.
    app.use('/assets', express.static(`${CLIENT_DIST}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }));
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: 0 }));
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.setHeader('Cache-Control', 'no-cache').sendFile(`${CLIENT_DIST}/index.html`));
  }

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    let appError: AppError | null = error instanceof AppError ? error : null;
    const bodyParserType = (error as { type?: string }).type;
    if (bodyParserType === 'entity.parse.failed') appError = new AppError('invalid', 'request body is not valid JSON');
    else if (bodyParserType === 'entity.too.large') appError = new AppError('too_large', 'request body is too large');
    else if (bodyParserType) appError = new AppError('invalid', 'request body could not be read');
    else if ((error as { status?: number }).status === 404) appError = notFound('file');
    if (!appError) log.error({ err: error, method: req.method, path: req.path }, 'request failed');
    const body = toErrorBody(appError ?? error);
    res.status(statusOf(body.code)).json({ error: body });
  };
  app.use(onError);

  return {
    app,
    httpServer,
    io: realtime.io,
    services,
    metrics,
    processId,
    /** Waits until Redis answers; call before listening. */
    async start() {
      await redis.data.ping();
      if (workers) await ensureDuesScheduler(queues.dues, redis.data, config.keyPrefix, config.duesReminders, config.duesScanEveryMs);
    },
    queues,
    /** Stops sockets and HTTP, writes every queued message, closes Redis. The database is the caller's. */
    async close() {
      await realtime.close();
      await workers?.close();
      await queues.close();
      meetingEvents.close();
      callEvents.detach();
      clearInterval(sweeper);
      calls.close();
      await writer.close();
      await Promise.all(Object.values(redis).map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}

export type App = ReturnType<typeof createApp>;
export type AppServices = App['services'];
