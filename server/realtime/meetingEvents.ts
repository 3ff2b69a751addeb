import type { Redis } from 'ioredis';
import { meetingWatchRoom, userRoom } from '../contract/events';
import type { MeetingCounts } from '../contract/model';
import type { MeetingEvents } from '../domain/meetings';
import type { AppServer } from './types';

const COUNTS_INTERVAL_MS = 100;

/**
 * Turns the meeting rules' announcements into socket events. `meeting:counts` is coalesced across all
 * processes: a short Redis lock per meeting lets one process broadcast at most every 100 ms; a process
 * that could not broadcast tries again when the lock lapses, and every broadcast reads the counts fresh
 * from the database, so the last one after a burst always shows the stored state. (Created before the
 * Socket.IO server exists; `attach` hands it over.)
 */
export class RealtimeMeetingEvents implements MeetingEvents {
  private io: AppServer | null = null;
  private readonly pending = new Set<number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly loadCounts: (meetingId: number) => Promise<MeetingCounts | null>,
    private readonly onError: (error: unknown) => void,
  ) {}

  attach(io: AppServer): void {
    this.io = io;
  }

  countsChanged(meetingId: number): void {
    if (this.closed) return;
    this.pending.add(meetingId);
    if (!this.timers.has(meetingId)) void this.tryBroadcast(meetingId);
  }

  promoted(userId: number, meetingId: number): void {
    this.io?.to(userRoom(userId)).emit('meeting:promoted', { meetingId });
  }

  attended(userId: number, meetingId: number): void {
    this.io?.to(userRoom(userId)).emit('meeting:attended', { meetingId });
  }

  /** Stops announcing: a broadcast still under way finds no server to emit on (its Redis is closing). */
  close(): void {
    this.closed = true;
    this.io = null;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async tryBroadcast(meetingId: number): Promise<void> {
    let waitMs = COUNTS_INTERVAL_MS;
    try {
      const key = `${this.prefix}:meeting-counts:${meetingId}`;
      const won = await this.redis.set(key, '1', 'PX', COUNTS_INTERVAL_MS, 'NX');
      if (won) {
        this.pending.delete(meetingId);
        const counts = await this.loadCounts(meetingId);
        if (counts) this.io?.to(meetingWatchRoom(meetingId)).emit('meeting:counts', counts);
      } else {
        waitMs = Math.max(5, await this.redis.pttl(key));
      }
    } catch (error) {
      this.onError(error);
    }
    if (this.closed) return;
    this.timers.set(
      meetingId,
      setTimeout(() => {
        this.timers.delete(meetingId);
        if (this.pending.has(meetingId)) void this.tryBroadcast(meetingId);
      }, waitMs),
    );
  }
}
