import type { Redis } from 'ioredis';

const TTL_S = 60;
const IF_MINE = (command: string) => `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call(${command}) end return 0`;
const REFRESH = IF_MINE(`'EXPIRE', KEYS[1], ${TTL_S}`);
const RELEASE = IF_MINE(`'DEL', KEYS[1]`);

/**
 * One live socket per guest link, across all servers: a Redis key holds the socket id, refreshed while
 * it is connected and released on disconnect; a server that dies lets it lapse within a minute.
 */
export class GuestSlots {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key = (inviteId: number) => `${this.prefix}:guest-socket:${inviteId}`;

  async claim(inviteId: number, socketId: string): Promise<boolean> {
    const won = (await this.redis.set(this.key(inviteId), socketId, 'EX', TTL_S, 'NX')) === 'OK';
    if (won) {
      const timer = setInterval(() => void this.redis.eval(REFRESH, 1, this.key(inviteId), socketId).catch(() => {}), (TTL_S / 3) * 1000);
      timer.unref();
      this.timers.set(socketId, timer);
    }
    return won;
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
