import type { SignsOfLife } from '../domain/signsOfLife';
import type { AnnouncementService } from '../domain/announcements';
import type { DiscussionService } from '../domain/discussions';
import type { TenderService } from '../domain/tenders';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Config } from '../config';
import type { RedisConnections } from '../redisConnections';
import { partyRoom, tokenRoom } from '../contract/events';
import type { AuthService } from '../domain/auth';
import type { CallService } from '../domain/calls';
import type { ChatService } from '../domain/chat';
import type { GuestService } from '../domain/guests';
import type { MeetingService } from '../domain/meetings';
import type { OrgDirectory } from '../domain/orgDirectory';
import { mayGuest } from '../domain/policy';
import { forbidden, toErrorBody } from '../errors';
import { originAllowed } from '../http/origin';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { GuestSlots } from './guestSlots';
import { createHubAdapter } from './adapter';
import type { HandlerContext } from './handle';
import { registerCallHandlers } from './handlers/calls';
import { registerChatHandlers } from './handlers/chat';
import { registerMeetingHandlers } from './handlers/meetings';
import { registerVoiceHandlers } from './handlers/voice';
import { registerTenderHandlers } from './handlers/tenders';
import { CommandLanes } from './lanes';
import { PresenceTracker } from './presence';
import { SITE, type RealtimeSessions } from './sessions';
import { TypingGate } from './typingGate';
import type { AppServer } from './types';

export type { AppServer, AppSocket } from './types';

/** What feature handlers share: the server, presence, metrics and the edge wrapper's context. */
export interface RealtimeContext {
  io: AppServer;
  presence: PresenceTracker;
  metrics: Metrics;
  handlerContext: HandlerContext;
  typingGate: TypingGate;
  sessions: RealtimeSessions;
}

// Large enough for a 4,000-character message or a 16 KiB call signal with room to spare; anything
// bigger closes that one connection at the transport, before it is parsed.
const MAX_PAYLOAD_BYTES = 128 * 1024;

export interface RealtimeDeps {
  httpServer: HttpServer;
  config: Config;
  log: Logger;
  metrics: Metrics;
  redis: Pick<RedisConnections, 'data' | 'pubsub'>;
  processId: string;
  services: { auth: AuthService; chat: ChatService; meetings: MeetingService; calls: CallService; guests: GuestService; directory: OrgDirectory; signs: Pick<SignsOfLife, 'seen'>; announcements: AnnouncementService; discussions: DiscussionService; tenders: TenderService };
  sessions: RealtimeSessions;
}

/** The Socket.IO hub: handshake, one register function per feature, sessions and presence across processes. */
export function createRealtime(deps: RealtimeDeps) {
  const { config, log, metrics, services, sessions } = deps;
  const io: AppServer = new Server(deps.httpServer, {
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    cors: { origin: [...config.allowedOrigins], credentials: true },
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });

  const presence = new PresenceTracker(deps.redis.data, config.keyPrefix, deps.processId, (roomId, online) => io.to(roomId).emit('presence', { roomId, online }));
  presence.start();
  sessions.attach(io, presence);

  const commandTimers = new Map<string, { observe(seconds: number): void }>();
  const handlerContext: HandlerContext = {
    log: log.child({ area: 'socket' }),
    observe: (event, seconds, ok) => {
      // prom-client hashes a label object on every observe: one child per (event, outcome) instead.
      const key = `${event}\u0000${ok}`;
      let timer = commandTimers.get(key);
      if (!timer) commandTimers.set(key, (timer = metrics.commandSeconds.labels({ event, ok: String(ok) })));
      timer.observe(seconds);
    },
    inFlight: { count: 0 },
    closing: { value: false },
    lanes: new CommandLanes(),
  };
  const context: RealtimeContext = { io, presence, metrics, handlerContext, typingGate: new TypingGate(), sessions };

  const guestSlots = new GuestSlots(deps.redis.data, config.keyPrefix, config.guestLinkHoldMs);
  const guestTimers = new Set<NodeJS.Timeout>();

  // Authenticate once, at the handshake: a foreign Origin or a bad credential never gets a socket.
  io.use(async (socket, next) => {
    try {
      const { origin, host } = socket.handshake.headers;
      if (!originAllowed(origin, host, config.allowedOrigins)) return next(new Error('unauthorized'));
      const auth = (socket.handshake.auth ?? {}) as { token?: unknown; guestToken?: unknown };
      socket.data.joined = new Set();
      socket.data.watching = new Set();
      socket.data.watchRooms = new Set();
      socket.data.following = new Set();
      socket.data.rightsVersion = 0;
      socket.data.handshakeAt = Date.now();
      if (typeof auth.guestToken === 'string') {
        const found = await services.guests.authenticate(auth.guestToken);
        if (!found) return next(new Error('unauthorized'));
        // One guest socket per link at a time. The claim lapses within a minute unless the connection
        // completes and keeps it alive, so a handshake dropped half-way never locks the link.
        if (!(await guestSlots.claim(found.guest.inviteId, socket.id))) return next(new Error('conflict'));
        socket.data.party = found.guest;
        socket.data.expiresAt = found.expiresAt;
        return next();
      }
      const found = typeof auth.token === 'string' ? await services.auth.authenticate(auth.token) : null;
      if (!found) return next(new Error('unauthorized'));
      socket.data.actor = found.actor;
      socket.data.expiresAt = found.expiresAt;
      socket.data.party = { kind: 'user', id: found.actor.id, name: found.actor.name };
      next();
    } catch (error) {
      log.error({ err: error }, 'socket handshake failed');
      next(new Error('internal'));
    }
  });

  io.on('connection', (socket) => {
    const { actor, party } = socket.data;
    metrics.socketsConnected.inc();
    socket.on('disconnect', () => metrics.socketsConnected.dec());
    socket.join(partyRoom(party));
    registerCallHandlers(socket, services.calls, context);
    if (actor) {
      // Connecting and every command sent are signs of life (noted in memory, written coalesced).
      services.signs.seen(actor.id);
      socket.onAny(() => services.signs.seen(actor.id));
      // Site-wide presence, for "who is online now" in the contact list.
      void presence.add(SITE, { id: actor.id, name: actor.name }).catch(() => {});
      socket.on('disconnect', () => void presence.remove(SITE, actor.id).catch(() => {}));
      socket.join(tokenRoom(actor.tokenId));
      sessions.armExpiry(socket);
      socket.on('disconnect', () => sessions.forget(socket));
      registerChatHandlers(socket, services.chat, context);
      registerMeetingHandlers(socket, services.meetings, context);
      registerVoiceHandlers(socket, services, context);
      registerTenderHandlers(socket, services.tenders, context);
      void sessions.admit(socket).catch(() => socket.disconnect(true));
    } else if (party.kind === 'guest') {
      guestSlots.keep(party.inviteId, socket.id);
      void sessions.admit(socket).catch(() => socket.disconnect(true));
      const expiresIn = Date.parse(socket.data.expiresAt!) - Date.now();
      const timer = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(expiresIn, 2 ** 31 - 1)));
      guestTimers.add(timer);
      socket.once('disconnect', () => {
        clearTimeout(timer);
        guestTimers.delete(timer);
        void guestSlots.release(party.inviteId, socket.id);
      });
      // A guest may only call: every other command is refused.
      socket.onAny((event: string, ...args: unknown[]) => {
        const ack = args[args.length - 1];
        if (typeof ack === 'function' && !mayGuest(event)) ack({ ok: false, error: toErrorBody(forbidden('a guest can only make calls')) });
      });
    }
  });

  // Another process changed the org tree: drop our cached copy.
  io.on('orgs:changed', () => services.directory.invalidate());

  return {
    io,
    presence,
    /**
     * Puts the hub on Redis (the sharded adapter, realtime/adapter.ts) once its connections are ready: until then it
     * has Socket.IO's in-memory adapter, and no socket, since nothing listens yet. On a cluster node-redis refuses to
     * subscribe before it is connected, and the adapter subscribes as soon as it is built.
     */
    connectAdapter: () => void io.adapter(createHubAdapter(deps.redis.pubsub, config.keyPrefix, log)),
    announceOrgsChanged: () => io.serverSideEmit('orgs:changed'),
    /**
     * Stops taking connections and commands (new ones are answered `unavailable`), lets commands under way finish
     * and ack (up to `graceMs`), then disconnects everyone and closes the HTTP server.
     */
    async close(graceMs = 5000) {
      deps.httpServer.close();
      handlerContext.closing.value = true;
      guestSlots.close();
      for (const timer of guestTimers) clearTimeout(timer);
      const until = Date.now() + graceMs;
      while (handlerContext.inFlight.count > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await presence.stop();
      sessions.detach();
      // This process's sockets only, closed as a dropped connection ("server shutting down", then the transports
      // closed): the clients reconnect by themselves, to another process or this one restarted, and catch up.
      // A disconnect packet (disconnectSockets) tells a client it was sent away on purpose: Socket.IO's client
      // then never reconnects, ours checks whether the session ended and a guest's page calls its link invalid,
      // so every restart left its members offline until they reloaded (R2, docs/reliability.md).
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

export type Realtime = ReturnType<typeof createRealtime>;
