import type { RedisClient } from '../redisConnections';

const IF_MINE = (command: string) => `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call(${command}) end return 0`;
const REFRESH = IF_MINE(`'PEXPIRE', KEYS[1], ARGV[2]`);
const RELEASE = IF_MINE(`'DEL', KEYS[1]`);

/**
 * One live socket per guest link, across all servers: a Redis key holds the socket id. The handshake
 * claims it for a minute; only a connection that completed keeps it alive (refreshed while connected,
 * released on disconnect). A handshake dropped half-way, or a server that dies, lets it lapse within 60 s.
 */
export class GuestSlots {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** How long a claim lasts unless refreshed (60 s). */
    private readonly holdMs = 60_000,
  ) {}

  private key = (inviteId: number) => `${this.prefix}:guest-socket:${inviteId}`;

  async claim(inviteId: number, socketId: string): Promise<boolean> {
    return (await this.redis.set(this.key(inviteId), socketId, 'PX', this.holdMs, 'NX')) === 'OK';
  }

  /** The connection completed: keep the claim alive while it lasts. */
  keep(inviteId: number, socketId: string): void {
    const timer = setInterval(() => void this.redis.eval(REFRESH, 1, this.key(inviteId), socketId, this.holdMs).catch(() => {}), this.holdMs / 3);
    timer.unref();
    this.timers.set(socketId, timer);
  }

  async release(inviteId: number, socketId: string): Promise<void> {
    clearInterval(this.timers.get(socketId));
    this.timers.delete(socketId);
    await this.redis.eval(RELEASE, 1, this.key(inviteId), socketId).catch(() => {});
  }

  close(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
