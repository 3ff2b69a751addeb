import { activityRoom, guestRoom, meetingWatchRoom, tokenRoom, userRoom } from '../contract/events';
import type { Actor } from '../contract/model';
import type { Authenticated } from '../domain/auth';
import type { Clock, Sessions } from '../domain/ports';
import type { Logger } from '../logger';
import type { PresenceTracker } from './presence';
import type { AppServer, AppSocket } from './types';

/** The presence set of everyone signed in (no socket ever joins a room of this name). */
export const SITE = 'site:online';

/** setTimeout's longest delay; a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SessionChecks {
  /** The token's user as they are now, or null when the token or account is no longer live. */
  reauthenticate(tokenId: number): Promise<Authenticated | null>;
  /** Throws unless the actor may use the chat room. */
  authorizeRoom(actor: Actor, roomId: string): Promise<unknown>;
  /** May the actor still follow this meeting's counters? */
  mayWatch(actor: Actor, meetingId: number): Promise<boolean>;
  /** May the actor stay in this watch room (`announcement-watch:<id>`, `discussion-watch:<id>`)? */
  mayStayIn(actor: Actor, watchRoom: string): Promise<boolean>;
  /** Is this guest link still live? */
  guestLive(inviteId: number): Promise<boolean>;
}

/** How long this process remembers that someone's rights changed (longer than any handshake or join takes). */
const NOTE_MS = 60_000;

/**
 * The live sessions (the `Sessions` port) on Socket.IO: every process holds its own sockets, so each
 * request to re-check a user or a room goes to every process through the Redis adapter and each one
 * re-checks what it holds. Created before the Socket.IO server exists; `attach` hands it over.
 */
export class RealtimeSessions implements Sessions {
  private io: AppServer | null = null;
  private presence: PresenceTracker | null = null;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  /**
   * What changed recently and when this process heard of it: `u:<userId>` (rights re-checked), `t:<tokenId>`
   * and `g:<inviteId>` (revoked), `r:<roomId>` (a room re-checked). A socket whose handshake or room join
   * was under way at that moment missed the re-check (it was not in the rooms yet): it re-checks itself.
   */
  private readonly notes = new Map<string, number>();

  constructor(
    private readonly checks: SessionChecks,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  attach(io: AppServer, presence: PresenceTracker): void {
    this.io = io;
    this.presence = presence;
    io.on('session:sync', (userId) => void this.syncLocal(userId).catch((error) => this.log.warn({ err: error }, 'session sync failed')));
    io.on('session:sync-room', (roomId) => void this.syncRoomLocal(roomId).catch((error) => this.log.warn({ err: error }, 'room sync failed')));
    io.on('session:revoked', ({ tokenId, inviteId }) => {
      if (tokenId !== undefined) this.note(`t:${tokenId}`);
      if (inviteId !== undefined) this.note(`g:${inviteId}`);
    });
  }

  detach(): void {
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
    this.io = null;
  }

  async sync(userId: number): Promise<void> {
    this.io?.serverSideEmit('session:sync', userId);
    await this.syncLocal(userId);
  }

  async syncRoom(roomId: string): Promise<void> {
    this.io?.serverSideEmit('session:sync-room', roomId);
    await this.syncRoomLocal(roomId);
  }

  disconnectToken(tokenId: number): void {
    this.note(`t:${tokenId}`);
    this.io?.serverSideEmit('session:revoked', { tokenId });
    this.io?.in(tokenRoom(tokenId)).disconnectSockets(true);
  }

  disconnectGuest(inviteId: number): void {
    this.note(`g:${inviteId}`);
    this.io?.serverSideEmit('session:revoked', { inviteId });
    this.io?.in(guestRoom(inviteId)).disconnectSockets(true);
  }

  /**
   * A socket that just joined its user's (or guest's) rooms: if its rights changed while its handshake
   * ran, the re-check went past it, so it re-checks now. Costs nothing unless that happened.
   */
  async admit(socket: AppSocket): Promise<void> {
    const { actor, party, handshakeAt } = socket.data;
    if (actor) {
      if (this.changedSince([`u:${actor.id}`, `t:${actor.tokenId}`], handshakeAt)) await this.recheck(socket);
    } else if (party.kind === 'guest' && this.changedSince([`g:${party.inviteId}`], handshakeAt)) {
      if (!(await this.checks.guestLive(party.inviteId))) socket.disconnect(true);
    }
  }

  /** Did this room's or this user's rights change since `since` (a join that began then must look again)? */
  roomChangedSince(roomId: string, userId: number, since: number): boolean {
    return this.changedSince([`r:${roomId}`, `u:${userId}`], since);
  }

  private changedSince(keys: string[], since: number): boolean {
    return keys.some((key) => (this.notes.get(key) ?? -Infinity) >= since);
  }

  private note(key: string): void {
    const now = Date.now();
    this.notes.set(key, now);
    if (this.notes.size > 1000) for (const [k, at] of this.notes) if (now - at > NOTE_MS) this.notes.delete(k);
  }

  async onlineUsers(): Promise<Set<number>> {
    return new Set((await this.presence?.online(SITE))?.map((u) => u.id) ?? []);
  }

  /** Disconnects the socket when its token expires (checked again then: a token may have been renewed). */
  armExpiry(socket: AppSocket): void {
    const expiresAt = socket.data.expiresAt;
    if (!expiresAt) return;
    clearTimeout(this.expiryTimers.get(socket.id));
    const timer = setTimeout(() => {
      this.expiryTimers.delete(socket.id);
      void this.recheck(socket).catch(() => socket.disconnect(true));
    }, Math.max(0, Math.min(MAX_TIMER_MS, Date.parse(expiresAt) - this.clock.now())));
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }

  forget(socket: AppSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  private localSockets(room: string): AppSocket[] {
    const io = this.io;
    if (!io) return [];
    return [...(io.sockets.adapter.rooms.get(room) ?? [])].map((id) => io.sockets.sockets.get(id)).filter((s): s is AppSocket => s !== undefined);
  }

  private async syncLocal(userId: number): Promise<void> {
    this.note(`u:${userId}`);
    await Promise.all(this.localSockets(userRoom(userId)).map((socket) => this.recheck(socket)));
  }

  private async syncRoomLocal(roomId: string): Promise<void> {
    this.note(`r:${roomId}`);
    // Those in the room, and those following it from outside (unread counts) or watching its meeting.
    const meetingId = /^meeting:(\d+)$/.exec(roomId)?.[1];
    const sockets = new Set([...this.localSockets(roomId), ...this.localSockets(activityRoom(roomId)), ...(meetingId ? this.localSockets(meetingWatchRoom(Number(meetingId))) : [])]);
    await Promise.all([...sockets].map((socket) => this.recheck(socket)));
  }

  /**
   * Makes one socket match its user's rights now: gone if the token or account is no longer live;
   * else who it speaks for is refreshed and it leaves every room and meeting it may no longer follow.
   */
  async recheck(socket: AppSocket): Promise<void> {
    const before = socket.data.actor;
    if (!before || socket.disconnected) return;
    socket.data.rightsVersion++;
    const fresh = await this.checks.reauthenticate(before.tokenId);
    if (!fresh) {
      socket.disconnect(true);
      return;
    }
    socket.data.actor = fresh.actor;
    if (fresh.expiresAt !== socket.data.expiresAt) {
      socket.data.expiresAt = fresh.expiresAt;
      this.armExpiry(socket);
    } else if (!this.expiryTimers.has(socket.id)) this.armExpiry(socket);
    if (fresh.actor.name !== before.name) this.presence?.rename({ id: fresh.actor.id, name: fresh.actor.name });
    for (const roomId of [...socket.data.joined]) {
      const allowed = await this.checks.authorizeRoom(fresh.actor, roomId).then(() => true, () => false);
      if (allowed || !socket.data.joined.delete(roomId)) continue;
      socket.leave(roomId);
      await this.presence?.remove(roomId, fresh.actor.id).catch(() => {});
    }
    for (const roomId of [...socket.data.following]) {
      if (await this.checks.authorizeRoom(fresh.actor, roomId).then(() => true, () => false)) continue;
      socket.data.following.delete(roomId);
      socket.leave(activityRoom(roomId));
    }
    for (const meetingId of [...socket.data.watching]) {
      if (await this.checks.mayWatch(fresh.actor, meetingId)) continue;
      socket.data.watching.delete(meetingId);
      socket.leave(meetingWatchRoom(meetingId));
    }
    for (const room of [...(socket.data.watchRooms ?? [])]) {
      if (await this.checks.mayStayIn(fresh.actor, room)) continue;
      socket.data.watchRooms.delete(room);
      socket.leave(room);
    }
  }
}
