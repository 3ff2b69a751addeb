import type { RedisClient } from '../redisConnections';
import type { UserRef } from '../contract/model';

// Returns the distinct users in a room's presence set whose entry has not expired, with their names.
const ONLINE_SCRIPT = `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local seen, out = {}, {}
for _, member in ipairs(members) do
  local id = string.match(member, '^(%d+):')
  if id and not seen[id] then
    seen[id] = true
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
  end
end
return out`;

/**
 * Who is online in which room, across every server process.
 *
 * Each process counts its own sockets per (room, user) in memory and touches Redis only when a user
 * appears in or leaves a room on this process: a sorted set per room holds `<userId>:<processId>`
 * scored by an expiry that the process refreshes in one pipeline every few seconds. A process that
 * dies stops refreshing and its entries lapse. Broadcasts of the online list are coalesced per room,
 * so a thousand people arriving cost a few dozen presence events, not a thousand.
 */
export class PresenceTracker {
  private readonly local = new Map<string, Map<number, { name: string; sockets: number }>>();
  private readonly dirty = new Set<string>();
  private readonly lookups = new Map<string, Promise<UserRef[]>>();
  /** Size of each room's last broadcast online list: big rooms are announced less often. */
  private readonly lastSize = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  /** Set by stop(): sockets closing during shutdown must not touch Redis any more. */
  private stopped = false;
  /** Arrivals waiting for this tick's pipeline. */
  private arrivals: Array<{ roomId: string; user: UserRef; done: () => void; failed: (error: unknown) => void }> = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly processId: string,
    private readonly broadcast: (roomId: string, online: UserRef[]) => void,
    private readonly options = { ttlMs: 30_000, coalesceMs: 150 },
  ) {}

  // One hash tag for every presence key: the online script reads a room's set and the names together, and the
  // refresh is one pipeline over all of them, which a Redis Cluster allows only within one slot.
  private key = (roomId: string) => `${this.prefix}:{presence}:${roomId}`;
  private namesKey = () => `${this.prefix}:{presence}:names`;
  private member = (userId: number) => `${userId}:${this.processId}`;

  start(): void {
    this.refreshTimer = setInterval(() => void this.refresh().catch(() => {}), this.options.ttlMs / 3);
    this.refreshTimer.unref();
  }

  /** A socket of `user` joined `roomId` on this process. */
  async add(roomId: string, user: UserRef): Promise<void> {
    if (this.stopped) return;
    const users = this.local.get(roomId) ?? new Map();
    this.local.set(roomId, users);
    const entry = users.get(user.id);
    if (entry) {
      entry.sockets++;
      return;
    }
    users.set(user.id, { name: user.name, sockets: 1 });
    await new Promise<void>((done, failed) => {
      if (this.arrivals.length === 0) setImmediate(() => void this.writeArrivals());
      this.arrivals.push({ roomId, user, done, failed });
    });
    this.markDirty(roomId);
  }

  /**
   * Every arrival of the tick in one pipeline: their names in one HSET, one ZADD per room (a connect adds
   * its user to the site and to a room, and a crowd arrives together: one round trip for all of them).
   */
  private async writeArrivals(): Promise<void> {
    const arrivals = this.arrivals;
    if (arrivals.length === 0) return;
    this.arrivals = [];
    const expiry = Date.now() + this.options.ttlMs;
    const names = new Map<number, string>();
    const byRoom = new Map<string, Array<number | string>>();
    for (const { roomId, user } of arrivals) {
      names.set(user.id, user.name);
      const members = byRoom.get(roomId) ?? [];
      members.push(expiry, this.member(user.id));
      byRoom.set(roomId, members);
    }
    const pipeline = this.redis.pipeline().hset(this.namesKey(), Object.fromEntries(names));
    for (const [roomId, members] of byRoom) pipeline.zadd(this.key(roomId), ...members);
    try {
      const failure = ((await pipeline.exec()) ?? []).find(([error]) => error)?.[0];
      if (failure) throw failure;
      for (const a of arrivals) a.done();
    } catch (error) {
      for (const a of arrivals) a.failed(error);
    }
  }

  /** A socket of user `userId` left `roomId` (or disconnected) on this process. */
  async remove(roomId: string, userId: number): Promise<void> {
    if (this.stopped) return;
    const users = this.local.get(roomId);
    const entry = users?.get(userId);
    if (!users || !entry) return;
    if (--entry.sockets > 0) return;
    users.delete(userId);
    if (users.size === 0) this.local.delete(roomId);
    // An arrival still waiting for its pipeline goes first: Redis must see the ZADD before this ZREM.
    void this.writeArrivals();
    await this.redis.zrem(this.key(roomId), this.member(userId));
    this.markDirty(roomId);
  }

  /** A user's name changed: the shared names and this process's entries follow, and their rooms are re-announced. */
  rename(user: UserRef): void {
    if (this.stopped) return;
    for (const [roomId, users] of this.local) {
      const entry = users.get(user.id);
      if (!entry) continue;
      entry.name = user.name;
      this.markDirty(roomId);
    }
    void this.redis.hset(this.namesKey(), String(user.id), user.name).catch(() => {});
  }

  /**
   * Everyone online in the room, on any process. Concurrent calls for one room share one Redis read
   * (a crowd joining at once costs one lookup, not one each); this process's own users are merged in,
   * so a caller always sees itself even if it arrived while the shared read was under way.
   */
  async online(roomId: string, fresh = false): Promise<UserRef[]> {
    let lookup = fresh ? undefined : this.lookups.get(roomId);
    if (!lookup) {
      const started = this.fetchOnline(roomId).finally(() => {
        if (this.lookups.get(roomId) === started) this.lookups.delete(roomId);
      });
      lookup = started;
      this.lookups.set(roomId, started);
    }
    const byId = new Map((await lookup).map((u) => [u.id, u]));
    for (const [id, entry] of this.local.get(roomId) ?? []) byId.set(id, { id, name: entry.name });
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  private async fetchOnline(roomId: string): Promise<UserRef[]> {
    const flat = (await this.redis.eval(ONLINE_SCRIPT, 2, this.key(roomId), this.namesKey(), Date.now())) as string[];
    const out: UserRef[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: Number(flat[i]), name: flat[i + 1] });
    return out;
  }

  /** Drops this process's entries (clean shutdown) and stops the timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.writeArrivals();
    const pipeline = this.redis.pipeline();
    for (const [roomId, users] of this.local) {
      for (const userId of users.keys()) pipeline.zrem(this.key(roomId), this.member(userId));
    }
    this.local.clear();
    this.lastSize.clear();
    await pipeline.exec().catch(() => {});
  }

  /**
   * Every online-list broadcast costs (room size)² bytes in all, so the wait before one grows with the
   * room: 150 ms in a small room, about 3 s in a room of a thousand. Joiners get the list in their ack.
   */
  private markDirty(roomId: string): void {
    this.dirty.add(roomId);
    if (this.flushTimer) return;
    const largest = Math.max(0, ...[...this.dirty].map((id) => this.lastSize.get(id) ?? 0));
    this.flushTimer = setTimeout(() => void this.flush(), Math.min(5000, this.options.coalesceMs + 3 * largest));
  }

  private async flush(): Promise<void> {
    this.flushTimer = null;
    const rooms = [...this.dirty];
    this.dirty.clear();
    await Promise.all(
      rooms.map(async (roomId) => {
        try {
          // A fresh read: a shared one may have started before the change being announced.
          const online = await this.online(roomId, true);
          this.lastSize.set(roomId, online.length);
          this.broadcast(roomId, online);
        } catch {
          this.dirty.add(roomId); // Redis hiccup: try again on the next change or refresh
        }
      }),
    );
  }

  /** Extends this process's entries and sweeps lapsed ones (a crashed process's) from the rooms it serves. */
  private async refresh(): Promise<void> {
    if (this.local.size === 0) return;
    const now = Date.now();
    // The names too, so that they come back if the shared hash was lost (Redis restarted without its data).
    const names = new Map<number, string>();
    for (const users of this.local.values()) for (const [id, entry] of users) names.set(id, entry.name);
    const pipeline = this.redis.pipeline().hset(this.namesKey(), Object.fromEntries(names));
    const rooms: string[] = [];
    for (const [roomId, users] of this.local) {
      const key = this.key(roomId);
      const members: Array<number | string> = [];
      for (const userId of users.keys()) members.push(now + this.options.ttlMs, this.member(userId));
      pipeline.zadd(key, ...members).zremrangebyscore(key, '-inf', now).expire(key, Math.ceil((this.options.ttlMs * 4) / 1000));
      rooms.push(roomId);
    }
    const results = (await pipeline.exec()) ?? [];
    // A sweep that removed someone changes the room's online set (the sweep is each room's second command).
    rooms.forEach((roomId, i) => {
      const swept = results[1 + 3 * i + 1]?.[1];
      if (typeof swept === 'number' && swept > 0) this.markDirty(roomId);
    });
  }
}
