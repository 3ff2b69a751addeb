import type { Redis } from 'ioredis';
import { announcementWatchRoom, discussionWatchRoom, userRoom } from '../contract/events';
import type { Announcement, Discussion, Reply } from '../contract/voice';
import type { VoiceEvents } from '../domain/announcements';
import type { AppServer } from './types';

const READS_INTERVAL_MS = 1000;

/**
 * Turns the voice features' announcements into socket events. `announcement:reads` is coalesced across all
 * processes like meeting counters: a Redis lock per announcement lets one process broadcast at most once a
 * second; a process that could not tries again when the lock lapses, and each broadcast reads the count
 * fresh, so the last one after a burst of reads equals the stored count.
 */
export class RealtimeVoiceEvents implements VoiceEvents {
  private io: AppServer | null = null;
  private readonly pending = new Set<number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly loadCounts: (announcementId: number) => Promise<{ audience: number; read: number } | null>,
    private readonly onError: (error: unknown) => void,
  ) {}

  attach(io: AppServer): void {
    this.io = io;
  }

  published(userIds: number[], announcement: Announcement): void {
    // Socket.IO sends one packet per room list; thousands of rooms go in slices.
    for (let i = 0; i < userIds.length; i += 1000) this.io?.to(userIds.slice(i, i + 1000).map(userRoom)).emit('announcement', announcement);
  }

  replyAdded(reply: Reply): void {
    this.io?.to(discussionWatchRoom(reply.discussionId)).emit('discussion:reply', reply);
  }

  discussionChanged(discussion: Discussion): void {
    this.io?.to(discussionWatchRoom(discussion.id)).emit('discussion:changed', discussion);
  }

  readsChanged(announcementId: number): void {
    if (this.closed) return;
    this.pending.add(announcementId);
    if (!this.timers.has(announcementId)) void this.tryBroadcast(announcementId);
  }

  close(): void {
    this.closed = true;
    this.io = null;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async tryBroadcast(id: number): Promise<void> {
    let waitMs = READS_INTERVAL_MS;
    try {
      const key = `${this.prefix}:announcement-reads:${id}`;
      if (await this.redis.set(key, '1', 'PX', READS_INTERVAL_MS, 'NX')) {
        this.pending.delete(id);
        const counts = await this.loadCounts(id);
        if (counts) this.io?.to(announcementWatchRoom(id)).emit('announcement:reads', { announcementId: id, ...counts });
      } else {
        waitMs = Math.max(5, await this.redis.pttl(key));
      }
    } catch (error) {
      this.onError(error);
    }
    if (this.closed) return;
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        if (this.pending.has(id)) void this.tryBroadcast(id);
      }, waitMs),
    );
  }
}
