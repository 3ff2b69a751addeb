import { queuePrefix, type RedisClient } from './redisConnections';
import { createCommands } from './commands';
import type { Config } from './config';
import type { Database } from './db/database';
import { createRepositories } from './db/repositories';
import { createAuthService } from './domain/auth';
import { createCallService, type CallEvents, type CallStateStore } from './domain/calls';
import { createAnnouncementService, type VoiceEvents } from './domain/announcements';
import { createAuditService } from './domain/audit';
import { createDiscussionService } from './domain/discussions';
import { createPostService } from './domain/posts';
import { createProjectService } from './domain/projects';
import { createStatsService } from './domain/stats';
import { createTenderService, type TenderEvents } from './domain/tenders';
import { createSearchService, SearchIndexer } from './domain/search';
import { createCardService } from './domain/cards';
import { createChatService, meetingRoomRule, orgRoomRule } from './domain/chat';
import { createCheckinService } from './domain/checkins';
import { createDuesService } from './domain/dues';
import { createGuestService } from './domain/guests';
import { createMeetingService, type MeetingEvents } from './domain/meetings';
import { createMemberService } from './domain/members';
import { createMemberLifeService } from './domain/memberLife';
import { SignsOfLife } from './domain/signsOfLife';
import { createTrainingService } from './domain/trainings';
import { createTransferService } from './domain/transfers';
import { createMentions } from './domain/mentions';
import { importMembers } from './domain/memberImport';
import { MessageWriter } from './domain/messageWriter';
import { createNotificationService } from './domain/notifications';
import { OrgDirectory } from './domain/orgDirectory';
import { createOrgService } from './domain/orgs';
import { createProfileService } from './domain/profile';
import type { Clock, Sessions } from './domain/ports';
import { UnitOfWork } from './domain/unitOfWork';
import { duesReminderWriter, enqueueStage } from './jobs/duesReminders';
import { createCheckinReminderScheduler, createMeetingReminderScheduler, createQueues, jobQueue, queueState } from './jobs/queues';
import type { JobContext } from './jobs/registry';
import type { Logger } from './logger';
import { NotificationSink, type NotificationPush } from './notifications/sink';
import { createLocalRateLimiter, createLoginLimiter, createRateLimiter } from './rateLimits';
import type { AppServices } from './services';
import type { Actor } from './contract/model';
import { rateLimited } from './errors';
import type { DuesStage } from './domain/duesSchedule';

/** The outside world a process plugs in: Socket.IO in a web server, the Redis emitter in the worker. */
export interface CoreDeps {
  config: Config;
  db: Database;
  log: Logger;
  clock: Clock;
  redis: { data: RedisClient; jobs: RedisClient };
  push: NotificationPush;
  sessions: Sessions;
  meetingEvents: MeetingEvents;
  callEvents: CallEvents;
  callStore: CallStateStore;
  voiceEvents: VoiceEvents;
  tenderEvents: TenderEvents;
  /** Tells the other processes that the org tree changed. */
  announceOrgsChanged(): void;
  /** Observes each chat write batch (metrics). */
  onMessageBatch?(size: number, ms: number): void;
}

/**
 * The one composition root: repositories, the policy's directory, the notification sink, services,
 * commands and the jobs' context, built once per process for the web server (app.ts) and the standalone
 * worker (worker.ts) alike.
 */
export function buildCore(deps: CoreDeps) {
  const { config, db, log, clock, sessions } = deps;
  const repos = createRepositories(db, clock);
  const directory = new OrgDirectory(repos.orgs, () => deps.announceOrgsChanged());
  const sink = new NotificationSink({ notifications: repos.notifications, languagesOf: (ids, tx) => repos.users.languagesOf(ids, tx), push: deps.push, clock });
  const uow = new UnitOfWork(db.transactions, sink, (error) => log.warn({ err: error }, 'an effect after commit failed'));
  const audit = repos.audit;
  const signs = new SignsOfLife(repos.memberLife, clock, 15_000, (error) => log.warn({ err: error }, 'writing signs of life failed'));
  const queues = createQueues(deps.redis.jobs, queuePrefix(config));
  const jobs = jobQueue(queues);

  const auth = createAuthService({ users: repos.users, tokens: repos.tokens, limiter: createLoginLimiter(deps.redis.data, config.keyPrefix), sessions, clock, signs });
  const trainings = createTrainingService({ trainings: repos.trainings, users: repos.users, directory, uow, audit });
  const meetings = createMeetingService({
    uow,
    meetings: repos.meetings,
    directory,
    events: deps.meetingEvents,
    reminders: createMeetingReminderScheduler(jobs, config.meetingReminderLeadMs, clock, log),
    sessions,
    clock,
    audit,
    trainingOnAttend: (tx, meeting, userId, by) => trainings.recordAttendance(tx, meeting, userId, by),
    onAdopted: (tx, projectId) => repos.projects.countAdoption(tx, projectId),
    publicLimiter: config.publicRateLimit ? createRateLimiter(deps.redis.data, `${config.keyPrefix}:rl:public`, config.publicRateLimit, log) : null,
  });
  const checkins = createCheckinService({ checkins: repos.checkins, users: repos.users, directory, reminders: createCheckinReminderScheduler(jobs, config.checkinReminderLeadMs, clock, log), clock });
  const dues = createDuesService({
    dues: repos.dues,
    users: repos.users,
    directory,
    clock,
    districtTimeZone: config.districtTimeZone,
    paymentLimiter: config.paymentRateLimit ? createRateLimiter(deps.redis.data, `${config.keyPrefix}:rl:pay`, config.paymentRateLimit, log) : null,
    uow,
    audit,
    stints: repos.memberLife,
    signs,
  });
  const guests = createGuestService({ invites: repos.guestInvites, publicUrl: config.publicUrl, clock });
  const calls = createCallService({
    store: deps.callStore,
    calls: repos.calls,
    users: repos.users,
    uow,
    sink,
    directory,
    events: deps.callEvents,
    inviteLimiter: config.callInviteRateLimit ? createRateLimiter(deps.redis.data, `${config.keyPrefix}:rl:call`, config.callInviteRateLimit, log) : null,
    clock,
    guestOf: (inviteId) => guests.byInvite(inviteId),
    checkins,
    ringTimeoutMs: config.callRingTimeoutMs,
    goneTimeoutMs: config.callGoneTimeoutMs,
  });
  // One bound for everything a user writes to the district's voice (threads, replies, posts, comments, announcements).
  const voiceLimiter = config.voiceRateLimit ? createRateLimiter(deps.redis.data, `${config.keyPrefix}:rl:voice`, config.voiceRateLimit, log) : null;
  const voiceLimit = async (actor: Actor) => {
    if (voiceLimiter && !(await voiceLimiter.consume(`voice:${actor.id}`))) throw rateLimited('you are writing too fast; wait a minute');
  };
  // Every 250 ms at most: each run is a write transaction on the writer chat shares (docs/performance.md).
  const indexer = new SearchIndexer({ search: repos.search, transactions: db.transactions, clock }, 250, (error) => log.warn({ err: error }, 'indexing messages failed'));
  indexer.nudge(); // messages stored while no process was indexing (a crash, an upgrade) are caught up
  const writer = new MessageWriter(db.transactions, repos.messages, 500, (size, ms) => {
    deps.onMessageBatch?.(size, ms);
    indexer.nudge();
  });
  const roomRules = { org: orgRoomRule(directory), meeting: meetingRoomRule(repos.meetings, directory) };
  const chat = createChatService({
    messages: repos.messages,
    writer,
    rules: roomRules,
    sendLimiter: config.chatRateLimit ? createRateLimiter(deps.redis.data, `${config.keyPrefix}:rl:chat`, config.chatRateLimit, log) : null,
    readLimiter: config.historyRateLimit ? createLocalRateLimiter(config.historyRateLimit) : null,
    policy: () => directory.policy(),
    reads: repos.roomReads,
    mentions: createMentions({ users: repos.users, meetings: repos.meetings, rules: roomRules, directory, uow }),
    onMentionError: (error) => log.warn({ err: error }, 'mention notifications failed'),
  });
  const commands = createCommands({ repos, directory, uow, sessions, calls, audit });

  const duesDeps = { uow, dues, users: repos.users, sendRecords: repos.sendRecords, directory, ladder: config.duesLadder, escalationTimeZone: config.districtTimeZone };
  const jobContext: JobContext = {
    uow,
    meetings: repos.meetings,
    checkins: repos.checkins,
    sendRecords: repos.sendRecords,
    dues: { ...duesDeps, writer: duesReminderWriter(duesDeps) },
    queue: jobs,
    clock,
    duesScanEveryMs: config.duesScanEveryMs,
  };

  const search = createSearchService({
    search: repos.search,
    meetings: repos.meetings,
    directory,
    limiter: config.searchRateLimit ? createRateLimiter(deps.redis.data, `${config.keyPrefix}:rl:search`, config.searchRateLimit, log) : null,
  });
  const members = createMemberService({ users: repos.users, directory, sessions, uow, audit });
  const transfers = createTransferService({ repos, directory, uow, audit, sessions, clock, districtTimeZone: config.districtTimeZone, onMoved: () => dues.forget() });
  const services: AppServices = {
    config,
    clock,
    directory,
    sessions,
    auth,
    orgs: createOrgService({ orgs: repos.orgs, users: repos.users, directory, uow, audit }),
    members,
    importMembers: (actor, csv) => importMembers({ members, directory }, actor, csv),
    meetings,
    notifications: createNotificationService({ notifications: repos.notifications }),
    calls,
    guests,
    checkins,
    cards: createCardService({ repos, directory, dues, signs, clock }),
    transfers,
    trainings,
    life: createMemberLifeService({ life: repos.memberLife, users: repos.users, directory, uow, signs, clock }),
    audit: createAuditService({ audit: repos.audit, users: repos.users, directory }),
    announcements: createAnnouncementService({ announcements: repos.announcements, users: repos.users, search: repos.search, directory, uow, audit, events: deps.voiceEvents, limit: voiceLimit }),
    discussions: createDiscussionService({ discussions: repos.discussions, search: repos.search, directory, uow, audit, events: deps.voiceEvents, sessions, limit: voiceLimit }),
    posts: createPostService({ posts: repos.posts, users: repos.users, search: repos.search, directory, uow, audit, limit: voiceLimit }),

    search,
    indexer,
    tenders: createTenderService({ tenders: repos.tenders, projects: repos.projects, search: repos.search, directory, uow, audit, events: deps.tenderEvents, clock, limit: voiceLimit }),
    stats: createStatsService({ stats: repos.stats, users: repos.users, dues, meetings: repos.meetings, directory, clock, districtTimeZone: config.districtTimeZone }),
    projects: createProjectService({ projects: repos.projects, meetings: repos.meetings, meetingService: meetings, search: repos.search, searchService: search, directory, uow }),
    signs,
    dues,
    chat,
    profile: createProfileService({ directory, chat }),
    commands,
    /** Runs one reminder stage now (the admin's or an organizer's button), if the actor may. */
    async runDuesStage(actor: Actor, input: { period: string; stage: DuesStage; orgId?: number }) {
      await dues.assertMayRun(actor, input);
      return enqueueStage({ ...duesDeps, queue: jobs }, { ...input, now: clock.now() });
    },
    async duesQueueState(actor: Actor) {
      await dues.assertMaySeeQueue(actor);
      return { ...(await queueState(queues.dues)), mode: config.duesReminders };
    },
  };

  return {
    repos,
    directory,
    services,
    queues,
    jobContext,
    /** Writes every queued chat message and closes the queues (Redis and the database are the caller's). */
    async close() {
      await queues.close();
      calls.close();
      await writer.close();
      await indexer.close();
      await signs.close();
    },
  };
}

export type Core = ReturnType<typeof buildCore>;
