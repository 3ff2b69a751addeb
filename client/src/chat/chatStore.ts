import { signal } from '@preact/signals';
import type { ChatMessage, User, UserRef } from '../../../server/contract/model';
import type { RoomInfo } from '../api';
import type { FirstScreen } from '../session';
import { command, openSocket, type AppSocket } from '../socket';
import { Outbox, RoomCache, type PendingMessage } from './outbox';
import { contiguousSeq, joinWindow, markDeleted, mergeMessages, newClientId, storedClientIds } from './roomState';

export type Connection = 'connecting' | 'online' | 'offline';

export interface RoomState {
  roomId: string;
  messages: ChatMessage[];
  online: UserRef[];
  typing: Array<UserRef & { until: number }>;
  hasOlder: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  /** The message the room was opened at (a search result): shown and marked; null: the room's end. */
  focus: number | null;
  /**
   * The messages shown are a window around `focus` that ends before the room's latest: newer ones load on
   * scrolling down, live ones wait (they are counted, not shown), and the window is not cached.
   */
  hasNewer: boolean;
  loadingNewer: boolean;
}

const TYPING_SHOWN_MS = 4000;
const TYPING_SEND_EVERY_MS = 2000;
const OLDER_PAGE = 50;
/** Messages fetched on each side of a message a search opened (a weak link pays for two small pages, not the room). */
const AROUND = 25;

/**
 * The page's chat state: one socket, the member's rooms with their unread counts, the open room and the
 * unsent messages. It keeps the room consistent through drops: on every (re)connect it rejoins with
 * `since` = the last seq it holds without a hole, pages through anything missed, then resends the outbox
 * with the same clientIds. It follows every room of the member, so their unread counts stay live.
 */
export class ChatStore {
  readonly connection = signal<Connection>('connecting');
  readonly room = signal<RoomState | null>(null);
  readonly pending = signal<PendingMessage[]>([]);
  /** The member's org rooms, each with its latest seq and read mark (unread = the difference). */
  readonly rooms = signal<RoomInfo[]>([]);
  /** The page's one socket; other features (meetings, notifications, calls) listen on it too. */
  readonly socket: AppSocket;
  private readonly outbox: Outbox;
  private readonly cache: RoomCache;
  private flushing = false;
  private lastTypingSent = 0;
  private catchUpTimer: ReturnType<typeof setTimeout> | null = null;
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsentReads = new Map<string, number>();
  /** The home room's latest messages as the sign-in answer carried them (shown before the socket is up). */
  private seed: { roomId: string; seq: number; messages: ChatMessage[] } | null = null;

  constructor(
    token: string,
    private readonly user: User,
    private readonly onSessionEnded: () => void,
    first?: FirstScreen,
  ) {
    // Before any page opens a room: the home room then shows from the sign-in answer, without waiting for the socket.
    if (first) {
      this.rooms.value = first.rooms;
      this.seed = first.home;
    }
    this.outbox = new Outbox(`ks:outbox:${user.id}`);
    this.cache = new RoomCache(user.id);
    this.pending.value = this.outbox.all();
    const socket = (this.socket = openSocket(token));
    socket.on('connect', () => {
      this.connection.value = 'online';
      void this.resync();
    });
    socket.on('disconnect', (reason) => {
      this.connection.value = 'offline';
      // Nobody is typing that we could know of, and who is online is no longer known.
      this.patchRoom((room) => ({ ...room, typing: [] }));
      // The server closed us on purpose: signed out elsewhere or removed.
      if (reason === 'io server disconnect') this.onSessionEnded();
    });
    socket.on('connect_error', (error) => {
      this.connection.value = 'offline';
      if (error.message === 'unauthorized') this.onSessionEnded();
    });
    socket.on('chat:message', (message) => this.receive([message], true));
    socket.on('chat:deleted', ({ roomId, messageId }) => this.update(roomId, (room) => ({ ...room, messages: markDeleted(room.messages, messageId) })));
    socket.on('presence', ({ roomId, online }) => this.update(roomId, (room) => ({ ...room, online })));
    socket.on('chat:typing', ({ roomId, user }) => {
      if (user.id === this.user.id) return;
      const until = Date.now() + TYPING_SHOWN_MS;
      this.update(roomId, (room) => ({ ...room, typing: [...room.typing.filter((u) => u.id !== user.id && u.until > Date.now()), { ...user, until }] }));
      setTimeout(() => this.update(roomId, (room) => ({ ...room, typing: room.typing.filter((u) => u.until > Date.now()) })), TYPING_SHOWN_MS + 50);
    });
    socket.on('room:activity', ({ roomId, seq, authorId }) => this.setRoom(roomId, (r) => ({ ...r, lastSeq: Math.max(r.lastSeq, seq), readSeq: authorId === this.user.id ? Math.max(r.readSeq, seq) : r.readSeq })));
    socket.on('room:read', ({ roomId, readSeq }) => this.setRoom(roomId, (r) => ({ ...r, readSeq: Math.max(r.readSeq, readSeq) })));
  }

  /** The rooms as the profile lists them; the home room's messages from the sign-in answer, if any. */
  setRooms(rooms: RoomInfo[], seed?: { roomId: string; seq: number; messages: ChatMessage[] } | null): void {
    // A profile asked for before a read reached the server must not bring the count back.
    this.rooms.value = rooms.map((r) => ({ ...r, readSeq: Math.max(r.readSeq, this.unsentReads.get(r.id) ?? 0, this.rooms.value.find((o) => o.id === r.id)?.readSeq ?? 0) }));
    if (seed) this.seed = seed;
    if (this.socket.connected) void this.follow();
  }

  unreadOf(roomId: string): number {
    const room = this.rooms.value.find((r) => r.id === roomId);
    return room ? Math.max(0, room.lastSeq - room.readSeq) : 0;
  }

  /**
   * Shows a room at once from the browser's cache (or the sign-in answer), then brings it up to date from the
   * server. With `at` (a search result) the room opens at that message: from what is here if it is, else at a
   * window of messages around it, fetched on its own (the room's history in between is not paged through).
   */
  open(roomId: string, at?: number): void {
    const previous = this.room.value;
    if (previous?.roomId === roomId) {
      if (at === undefined) this.toLatest(); // the room's own link: back to its end
      else if (previous.messages.some((m) => m.seq === at)) {
        this.room.value = { ...previous, focus: at };
      } else {
        this.room.value = { ...previous, messages: [], focus: at, hasNewer: true, loaded: false, hasOlder: true };
        if (this.socket.connected) void this.join(roomId);
      }
      return;
    }
    if (previous && this.socket.connected) void command(this.socket, 'room:leave', { roomId: previous.roomId });
    const seeded = this.seed?.roomId === roomId ? this.seed.messages : [];
    const messages = mergeMessages(this.cache.read(roomId), seeded);
    const here = at === undefined || messages.some((m) => m.seq === at);
    const common = { roomId, online: [], typing: [], loadingOlder: false, focus: at ?? null, loadingNewer: false };
    this.room.value = here
      ? { ...common, messages, hasOlder: messages.length === 0 || messages[0].seq > 1, loaded: seeded.length > 0, hasNewer: false }
      : { ...common, messages: [], hasOlder: true, loaded: false, hasNewer: true };
    if (this.socket.connected) void this.join(roomId);
  }

  /** From a window of older messages back to the room's end (its latest messages, live again). */
  toLatest(): void {
    const room = this.room.value;
    if (room && !room.hasNewer && room.focus !== null) this.room.value = { ...room, focus: null };
    if (!room || !room.hasNewer) return;
    const messages = this.cache.read(room.roomId);
    this.room.value = { ...room, messages, focus: null, hasNewer: false, loadingNewer: false, loaded: false, hasOlder: messages.length === 0 || messages[0].seq > 1 };
    if (this.socket.connected) void this.join(room.roomId);
  }

  /** Ends the page's socket (signing out). */
  close(): void {
    this.socket.close();
  }

  /** Leaves the open room (back to the room list on a phone). */
  leave(): void {
    const room = this.room.value;
    if (room && this.socket.connected) void command(this.socket, 'room:leave', { roomId: room.roomId });
    this.room.value = null;
  }

  /** Queues a message for the room the member wrote it in (named, not taken from whichever room is open). */
  send(roomId: string, body: string): void {
    // What one writes goes at the room's end: a window of older messages gives way to it.
    if (this.room.value?.roomId === roomId && this.room.value.hasNewer) this.toLatest();
    this.outbox.add({ clientId: newClientId(), roomId, body, createdAt: new Date().toISOString() });
    this.pending.value = this.outbox.all();
    void this.flush();
  }

  discard(clientId: string): void {
    this.outbox.remove(clientId);
    this.pending.value = this.outbox.all();
  }

  async remove(messageId: number): Promise<string | null> {
    const room = this.room.value;
    if (!room) return null;
    const ack = await command(this.socket, 'chat:delete', { roomId: room.roomId, messageId });
    return ack.ok ? null : ack.error.code;
  }

  typing(): void {
    const room = this.room.value;
    if (!room || !this.socket.connected || Date.now() - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent = Date.now();
    void command(this.socket, 'chat:typing', { roomId: room.roomId });
  }

  /** The member has seen the room up to `seq` (its newest message is on screen): their unread count drops. */
  seen(seq: number): void {
    const room = this.room.value;
    if (!room || seq <= 0) return;
    const roomId = room.roomId;
    const info = this.rooms.value.find((r) => r.id === roomId);
    if ((info && info.readSeq >= seq) || (this.unsentReads.get(roomId) ?? 0) >= seq) return;
    this.setRoom(roomId, (r) => ({ ...r, readSeq: Math.max(r.readSeq, seq), lastSeq: Math.max(r.lastSeq, seq) }));
    // Kept per room until the server has it: switching rooms or a late socket must not lose one.
    this.unsentReads.set(roomId, Math.max(this.unsentReads.get(roomId) ?? 0, seq));
    // One write a second at most, whatever the pace of the room.
    if (!this.readTimer) this.readTimer = setTimeout(() => void this.sendReads(), 1000);
  }

  private async sendReads(): Promise<void> {
    this.readTimer = null;
    if (!this.socket.connected) return; // sent on the next connect
    for (const [roomId, seq] of [...this.unsentReads]) {
      const ack = await command(this.socket, 'room:read', { roomId, seq });
      if ((ack.ok || !['offline', 'timeout'].includes(ack.error.code as string)) && (this.unsentReads.get(roomId) ?? 0) <= seq) this.unsentReads.delete(roomId);
    }
  }

  /** The page before the oldest message shown. Resolves with how many came (0: the room's start). */
  async loadOlder(): Promise<number> {
    const room = this.room.value;
    if (!room || room.messages.length === 0 || room.loadingOlder || !room.hasOlder) return 0;
    this.update(room.roomId, (r) => ({ ...r, loadingOlder: true }));
    const ack = await command(this.socket, 'chat:history', { roomId: room.roomId, beforeSeq: room.messages[0].seq, limit: OLDER_PAGE });
    if (!ack.ok) {
      this.update(room.roomId, (r) => ({ ...r, loadingOlder: false }));
      return 0;
    }
    const got = ack.data.messages;
    this.update(room.roomId, (r) => ({ ...r, loadingOlder: false, messages: mergeMessages(r.messages, got), hasOlder: got.length === OLDER_PAGE && got[0].seq > 1 }));
    return got.length;
  }

  /** In a window of older messages: the page after the newest one shown. Reaching the room's end makes it live again. */
  async loadNewer(): Promise<number> {
    const room = this.room.value;
    if (!room || !room.hasNewer || room.loadingNewer || room.messages.length === 0) return 0;
    const roomId = room.roomId;
    this.update(roomId, (r) => ({ ...r, loadingNewer: true }));
    const ack = await command(this.socket, 'chat:history', { roomId, afterSeq: room.messages[room.messages.length - 1].seq, limit: OLDER_PAGE });
    if (!ack.ok) {
      this.update(roomId, (r) => ({ ...r, loadingNewer: false }));
      return 0;
    }
    const got = ack.data.messages;
    const end = got.length < OLDER_PAGE;
    this.update(roomId, (r) => ({ ...r, loadingNewer: false, messages: mergeMessages(r.messages, got), hasNewer: r.hasNewer && !end }));
    this.settlePending(got);
    // At the end: what came live meanwhile (not shown in the window) is fetched like after a drop.
    if (end && this.room.value?.roomId === roomId && this.socket.connected) void this.join(roomId);
    return got.length;
  }

  private async resync(): Promise<void> {
    const room = this.room.value;
    await Promise.all([room ? this.join(room.roomId) : Promise.resolve(), this.follow()]);
    void this.sendReads();
    await this.flush();
  }

  /** Follows every room of the member: their counts now, and `room:activity` as messages arrive elsewhere. */
  private async follow(): Promise<void> {
    const ids = this.rooms.value.map((r) => r.id);
    if (ids.length === 0) return;
    const ack = await command(this.socket, 'rooms:follow', { roomIds: ids.slice(0, 200) });
    if (!ack.ok) return;
    const byId = new Map(ack.data.rooms.map((r) => [r.roomId, r]));
    this.rooms.value = this.rooms.value.map((r) => {
      const fresh = byId.get(r.id);
      return fresh ? { ...r, lastSeq: Math.max(r.lastSeq, fresh.lastSeq), readSeq: Math.max(r.readSeq, fresh.readSeq) } : r;
    });
  }

  private async join(roomId: string): Promise<void> {
    if (this.room.value?.roomId === roomId && this.room.value.hasNewer) return this.joinAt(roomId);
    const cached = this.room.value?.messages ?? [];
    const since = cached.length > 0 ? contiguousSeq(cached) : undefined;
    const ack = await command(this.socket, 'room:join', { roomId, ...(since === undefined ? {} : { since }) });
    if (!ack.ok) {
      this.update(roomId, (r) => ({ ...r, loaded: true }));
      return;
    }
    let { messages } = ack.data;
    let more = ack.data.more === true;
    // Far behind: page forward until everything missed is here.
    while (more) {
      const last = messages.length > 0 ? messages[messages.length - 1].seq : since ?? 0;
      const page = await command(this.socket, 'chat:history', { roomId, afterSeq: last, limit: 200 });
      if (!page.ok) break;
      messages = [...messages, ...page.data.messages];
      more = page.data.messages.length === 200;
    }
    this.update(roomId, (r) => {
      const merged = mergeMessages(r.messages, messages);
      return { ...r, messages: merged, online: ack.data.online, loaded: true, hasOlder: merged.length > 0 && merged[0].seq > 1 };
    });
    this.setRoom(roomId, (r) => ({ ...r, lastSeq: Math.max(r.lastSeq, ack.data.seq) }));
    // A message whose ack was lost in the drop is already in the room's history.
    this.settlePending(messages);
  }

  /**
   * Joins a room shown as a window around `focus`: the join's latest messages give the room's end; the window
   * (fetched now if there is none yet) joins them when it reaches them, and stays a window otherwise.
   */
  private async joinAt(roomId: string): Promise<void> {
    const ack = await command(this.socket, 'room:join', { roomId });
    const room = this.room.value;
    if (room?.roomId !== roomId) return;
    if (!ack.ok) {
      this.update(roomId, (r) => ({ ...r, loaded: true }));
      return;
    }
    this.setRoom(roomId, (r) => ({ ...r, lastSeq: Math.max(r.lastSeq, ack.data.seq) }));
    const recent = ack.data.messages;
    this.settlePending(recent);
    const at = room.focus ?? 0;
    let around: ChatMessage[] = [];
    if (room.messages.length === 0 && recent.length > 0 && at < recent[0].seq) {
      const [before, after] = await Promise.all([
        command(this.socket, 'chat:history', { roomId, beforeSeq: at + 1, limit: AROUND + 1 }),
        command(this.socket, 'chat:history', { roomId, afterSeq: at, limit: AROUND }),
      ]);
      if (this.room.value?.roomId !== roomId) return;
      around = mergeMessages(before.ok ? before.data.messages : [], after.ok ? after.data.messages : []);
    }
    this.update(roomId, (r) => {
      const { messages, live } = joinWindow(mergeMessages(r.messages, around), recent);
      return { ...r, messages, online: ack.data.online, loaded: true, hasNewer: !live, hasOlder: messages.length > 0 && messages[0].seq > 1 };
    });
  }

  private receive(messages: ChatMessage[], live: boolean): void {
    const roomId = messages[0]?.roomId;
    const room = this.room.value;
    if (!roomId || room?.roomId !== roomId) return;
    if (room.hasNewer) {
      // A window of older messages: a new one is counted (the room's end moved), not shown out of place.
      this.setRoom(roomId, (r) => ({ ...r, lastSeq: Math.max(r.lastSeq, ...messages.map((m) => m.seq)) }));
      this.settlePending(messages);
      return;
    }
    const before = contiguousSeq(room.messages);
    const authors = new Set(messages.map((m) => m.author.id));
    // Whoever just wrote has stopped typing.
    this.update(roomId, (r) => ({ ...r, messages: mergeMessages(r.messages, messages), typing: r.typing.filter((u) => !authors.has(u.id)) }));
    this.setRoom(roomId, (r) => ({ ...r, lastSeq: Math.max(r.lastSeq, ...messages.map((m) => m.seq)) }));
    this.settlePending(messages);
    // A live message beyond a hole: one in flight from another server may fill it; if not, fetch it.
    if (live && room.loaded && messages[0].seq > before + 1 && !this.catchUpTimer) {
      this.catchUpTimer = setTimeout(() => {
        this.catchUpTimer = null;
        const current = this.room.value;
        if (current?.roomId === roomId && contiguousSeq(current.messages) < messages[0].seq) void this.join(roomId);
      }, 500);
    }
  }

  /**
   * A stored message of ours can arrive live before its ack (the broadcast and the ack race); it is
   * stored, so it leaves the outbox now instead of showing twice, once as sent and once as pending.
   */
  private settlePending(messages: ChatMessage[]): void {
    const stored = storedClientIds(messages, this.pending.value, this.user.id);
    if (stored.length === 0) return;
    for (const clientId of stored) this.outbox.remove(clientId);
    this.pending.value = this.outbox.all();
  }

  /** Sends the outbox in order; stops at the first message that cannot go out now. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const message of this.outbox.all()) {
        if (message.error) continue;
        if (!this.socket.connected) return;
        const ack = await command(this.socket, 'chat:send', { roomId: message.roomId, clientId: message.clientId, body: message.body });
        const code: string = ack.ok ? '' : ack.error.code;
        if (ack.ok) {
          this.outbox.remove(message.clientId);
          this.receive([ack.data.message], false);
        } else if (code === 'offline') {
          return; // try again on the next connect
        } else if (code === 'timeout' || code === 'internal' || code === 'unavailable' || code === 'rate_limited') {
          // The connection is up but the server could not take it now: the same clientId again shortly.
          setTimeout(() => void this.flush(), code === 'rate_limited' ? 3000 : 5000);
          return;
        } else {
          this.outbox.fail(message.clientId, code);
        }
        this.pending.value = this.outbox.all();
      }
    } finally {
      this.flushing = false;
      this.pending.value = this.outbox.all();
    }
  }

  private setRoom(roomId: string, change: (room: RoomInfo) => RoomInfo): void {
    if (!this.rooms.value.some((r) => r.id === roomId)) return;
    this.rooms.value = this.rooms.value.map((r) => (r.id === roomId ? change(r) : r));
  }

  private patchRoom(change: (room: RoomState) => RoomState): void {
    const room = this.room.value;
    if (room) this.update(room.roomId, change);
  }

  private update(roomId: string, change: (room: RoomState) => RoomState): void {
    const room = this.room.value;
    if (!room || room.roomId !== roomId) return;
    const next = change(room);
    this.room.value = next;
    // The cache keeps the room's end (what opens next time); a window of older messages is not it.
    if (next.messages !== room.messages && !next.hasNewer) this.cache.write(roomId, next.messages);
  }
}
