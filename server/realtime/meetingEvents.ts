import type { RedisClient } from '../redisConnections';
import { meetingWatchRoom, userRoom } from '../contract/events';
import type { MeetingCounts } from '../contract/model';
import type { MeetingEvents } from '../domain/meetings';
import { CoalescedBroadcast } from './coalesced';
import type { AppServer } from './types';

const COUNTS_INTERVAL_MS = 100;

/**
 * Turns the meeting rules' announcements into socket events. `meeting:counts` is coalesced across all
 * processes: at most one broadcast every 100 ms per meeting, each read fresh from the database, so the last
 * one after a burst always shows the stored state. (Created before the Socket.IO server exists; `attach`
 * hands it over.)
 */
export class RealtimeMeetingEvents implements MeetingEvents {
  private io: AppServer | null = null;
  private readonly counts: CoalescedBroadcast;

  constructor(redis: RedisClient, prefix: string, loadCounts: (meetingId: number) => Promise<MeetingCounts | null>, onError: (error: unknown) => void) {
    this.counts = new CoalescedBroadcast(redis, `${prefix}:meeting-counts`, COUNTS_INTERVAL_MS, async (meetingId) => {
      const counts = await loadCounts(meetingId);
      if (counts) this.io?.to(meetingWatchRoom(meetingId)).emit('meeting:counts', counts);
    }, onError);
  }

  attach(io: AppServer): void {
    this.io = io;
  }

  countsChanged(meetingId: number): void {
    this.counts.changed(meetingId);
  }

  promoted(userId: number, meetingId: number): void {
    this.io?.to(userRoom(userId)).emit('meeting:promoted', { meetingId });
  }

  attended(userId: number, meetingId: number): void {
    this.io?.to(userRoom(userId)).emit('meeting:attended', { meetingId });
  }

  /** Stops announcing: a broadcast still under way finds no server to emit on (its Redis is closing). */
  close(): void {
    this.io = null;
    this.counts.close();
  }
}
