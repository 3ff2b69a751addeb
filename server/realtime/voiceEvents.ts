import type { RedisClient } from '../redisConnections';
import { announcementWatchRoom, discussionWatchRoom, userRoom } from '../contract/events';
import type { Announcement, Discussion, Reply } from '../contract/voice';
import type { VoiceEvents } from '../domain/announcements';
import { CoalescedBroadcast } from './coalesced';
import type { AppServer } from './types';

const READS_INTERVAL_MS = 1000;

/**
 * Turns the voice features' announcements into socket events. `announcement:reads` is coalesced across all
 * processes (at most one a second per announcement, the last one equal to the stored count).
 */
export class RealtimeVoiceEvents implements VoiceEvents {
  private io: AppServer | null = null;
  private readonly reads: CoalescedBroadcast;

  constructor(redis: RedisClient, prefix: string, loadCounts: (announcementId: number) => Promise<{ audience: number; read: number } | null>, onError: (error: unknown) => void) {
    this.reads = new CoalescedBroadcast(redis, `${prefix}:announcement-reads`, READS_INTERVAL_MS, async (id) => {
      const counts = await loadCounts(id);
      if (counts) this.io?.to(announcementWatchRoom(id)).emit('announcement:reads', { announcementId: id, ...counts });
    }, onError);
  }

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
    this.reads.changed(announcementId);
  }

  close(): void {
    this.io = null;
    this.reads.close();
  }
}
