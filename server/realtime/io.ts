import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { Config } from '../config';
import type { AuthService } from '../domain/auth';
import type { ChatService } from '../domain/chat';
import type { MeetingService } from '../domain/meetings';
import type { CallService } from '../domain/calls';
import type { GuestService } from '../domain/guests';
import { forbidden, toErrorBody } from '../errors';
import { originAllowed } from '../http/origin';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { guestRoom, partyRoom, tokenRoom, userRoom, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './contract';
import type { HandlerContext } from './handle';
import { registerChatHandlers } from './handlers/chat';
import { registerCallHandlers } from './handlers/calls';
import { registerMeetingHandlers } from './handlers/meetings';
import { GuestSlots } from './guestSlots';
import { PresenceTracker } from './presence';
import { TypingGate } from './typingGate';

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What feature handlers share: the server, presence, metrics and the edge wrapper's context. */
export interface RealtimeContext {
  io: AppServer;
  presence: PresenceTracker;
  metrics: Metrics;
  handlerContext: HandlerContext;
  typingGate: TypingGate;
}

// Large enough for a 4,000-character message or a 16 KiB call signal with room to spare; anything
// bigger closes that one connection at the transport, before it is parsed.
const MAX_PAYLOAD_BYTES = 128 * 1024;
/** The presence set of everyone signed in (no socket ever joins a room of this name). */
const SITE = 'site:online';

export interface RealtimeDeps {
  httpServer: HttpServer;
  config: Config;
  log: Logger;
  metrics: Metrics;
  redis: { pub: Redis; sub: Redis; data: Redis };
  processId: string;
  auth: AuthService;
  chat: ChatService;
  meetings: MeetingService;
  calls: CallService;
  guests: GuestService;
  onOrgsChanged: () => void;
}

export function createRealtime(deps: RealtimeDeps) {
  const { config, log, metrics } = deps;
  const io: AppServer = new Server(deps.httpServer, {
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    cors: { origin: [...config.allowedOrigins], credentials: true },
    adapter: createAdapter(deps.redis.pub, deps.redis.sub, { key: `${config.keyPrefix}:socket.io` }),
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });

  const presence = new PresenceTracker(deps.redis.data, config.keyPrefix, deps.processId, (roomId, online) =>
    io.to(roomId).emit('presence', { roomId, online }),
  );
  presence.start();

  const handlerContext: HandlerContext = {
    log: log.child({ area: 'socket' }),
    observe: (event, seconds, ok) => metrics.commandSeconds.observe({ event, ok: String(ok) }, seconds),
    inFlight: { count: 0 },
  };
  const context: RealtimeContext = { io, presence, metrics, handlerContext, typingGate: new TypingGate() };

  const guestSlots = new GuestSlots(deps.redis.data, config.keyPrefix);
  const guestTimers = new Set<NodeJS.Timeout>();

  // Authenticate once, at the handshake: a foreign Origin or a bad credential never gets a socket.
  io.use(async (socket, next) => {
    try {
      const { origin, host } = socket.handshake.headers;
      if (!originAllowed(origin, host, config.allowedOrigins)) return next(new Error('unauthorized'));
      const auth = (socket.handshake.auth ?? {}) as { token?: unknown; guestToken?: unknown };
      socket.data.joined = new Set();
      if (typeof auth.guestToken === 'string') {
        const found = await deps.guests.authenticate(auth.guestToken);
        if (!found) return next(new Error('unauthorized'));
        // One guest socket per link at a time.
        if (!(await guestSlots.claim(found.guest.inviteId, socket.id))) return next(new Error('conflict'));
        socket.data.party = found.guest;
        const expiresIn = Date.parse(found.expiresAt) - Date.now();
        const timer = setTimeout(() => socket.disconnect(true), Math.min(expiresIn, 2 ** 31 - 1));
        guestTimers.add(timer);
        socket.once('disconnect', () => {
          clearTimeout(timer);
          guestTimers.delete(timer);
          void guestSlots.release(found.guest.inviteId, socket.id);
        });
        return next();
      }
      const found = typeof auth.token === 'string' ? await deps.auth.authenticate(auth.token) : null;
      if (!found) return next(new Error('unauthorized'));
      socket.data.actor = found.actor;
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
    registerCallHandlers(socket, party, deps.calls, context);
    if (actor) {
      // Site-wide presence, for "who is online now" in the contact list.
      void presence.add(SITE, { id: actor.id, name: actor.name }).catch(() => {});
      socket.on('disconnect', () => void presence.remove(SITE, actor.id).catch(() => {}));
      socket.join(tokenRoom(actor.tokenId));
      registerChatHandlers(socket, actor, deps.chat, context);
      registerMeetingHandlers(socket, actor, deps.meetings, context);
    } else {
      // A guest may only call: every other command is refused.
      socket.onAny((event: string, ...args: unknown[]) => {
        const ack = args[args.length - 1];
        if (!event.startsWith('call:') && typeof ack === 'function') ack({ ok: false, error: toErrorBody(forbidden('a guest can only make calls')) });
      });
    }
  });

  // Another process changed the org tree: drop our cached copy.
  io.on('orgs:changed', () => deps.onOrgsChanged());

  /** Takes this process's sockets of the user out of every joined room they may no longer use. */
  async function revalidateLocal(userId: number) {
    const ids = io.sockets.adapter.rooms.get(userRoom(userId)) ?? new Set<string>();
    for (const id of ids) {
      const socket = io.sockets.sockets.get(id);
      if (!socket) continue;
      const actor = socket.data.actor;
      if (!actor) continue;
      for (const roomId of [...socket.data.joined]) {
        const allowed = await deps.chat.authorize(actor, roomId).then(() => true, () => false);
        if (allowed || !socket.data.joined.delete(roomId)) continue;
        socket.leave(roomId);
        await presence.remove(roomId, userId).catch(() => {});
      }
    }
  }
  io.on('user:revalidate', (userId) => void revalidateLocal(userId));

  return {
    io,
    presence,
    announceOrgsChanged: () => io.serverSideEmit('orgs:changed'),
    /** Disconnects, on every process, the sockets opened with this token. */
    disconnectToken: (tokenId: number) => io.in(tokenRoom(tokenId)).disconnectSockets(true),
    /** Re-checks, on every process, the rooms this user's sockets are in (after their rights shrank). */
    revalidateUser: async (userId: number) => {
      io.serverSideEmit('user:revalidate', userId);
      await revalidateLocal(userId);
    },
    /** Disconnects, on every process, every socket of this user. */
    disconnectUser: (userId: number) => io.in(userRoom(userId)).disconnectSockets(true),
    /** Ids of the users online now, on any process. */
    onlineUsers: async () => new Set((await presence.online(SITE)).map((u) => u.id)),
    /** Disconnects, on every process, the guest of this invite. */
    disconnectGuest: (inviteId: number) => io.in(guestRoom(inviteId)).disconnectSockets(true),
    /**
     * Stops taking connections, lets commands under way finish and ack (up to `graceMs`), then
     * disconnects everyone and closes the HTTP server.
     */
    async close(graceMs = 5000) {
      deps.httpServer.close();
      guestSlots.close();
      for (const timer of guestTimers) clearTimeout(timer);
      const until = Date.now() + graceMs;
      while (handlerContext.inFlight.count > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await presence.stop();
      // This process's sockets only: a plain disconnectSockets() would ask every server to drop theirs.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

export type Realtime = ReturnType<typeof createRealtime>;
