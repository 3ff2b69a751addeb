/**
 * Decides whether a `chat:typing` hint is worth fanning out. Typing is a hint, and in a room of a
 * thousand every relay costs a thousand frames, so: each user at most once per `perUserMs` in a room,
 * and each room at most `perRoom` relays per `windowMs` (beyond a few names the UI shows "several
 * people are typing" anyway). Per process; the limits hold per process, which is what costs CPU.
 */
export class TypingGate {
  private readonly lastByUser = new Map<string, number>();
  private readonly rooms = new Map<string, { start: number; count: number }>();

  constructor(private readonly options = { perUserMs: 1500, perRoom: 5, windowMs: 2000 }) {}

  allow(roomId: string, userId: number, now = Date.now()): boolean {
    const userKey = `${roomId}|${userId}`;
    if (now - (this.lastByUser.get(userKey) ?? -Infinity) < this.options.perUserMs) return false;
    let room = this.rooms.get(roomId);
    if (!room || now - room.start >= this.options.windowMs) {
      room = { start: now, count: 0 };
      this.rooms.set(roomId, room);
    }
    if (room.count >= this.options.perRoom) return false;
    room.count++;
    this.lastByUser.set(userKey, now);
    this.sweep(now);
    return true;
  }

  /** Forgets stale entries so the maps stay as small as the set of people typing right now. */
  private sweep(now: number): void {
    if (this.lastByUser.size < 10_000) return;
    for (const [key, at] of this.lastByUser) if (now - at >= this.options.perUserMs) this.lastByUser.delete(key);
    for (const [key, room] of this.rooms) if (now - room.start >= this.options.windowMs) this.rooms.delete(key);
  }
}
