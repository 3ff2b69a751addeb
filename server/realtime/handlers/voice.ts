import { z } from 'zod';
import { announcementWatchRoom, discussionWatchRoom } from '../../contract/events';
import type { Actor } from '../../contract/model';
import type { AnnouncementService } from '../../domain/announcements';
import type { DiscussionService } from '../../domain/discussions';
import { positiveId } from '../../schemas';
import { followRechecked, unfollow, type FollowBook } from '../follow';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

export const announcementRefSchema = z.object({ announcementId: positiveId });
export const discussionRefSchema = z.object({ discussionId: positiveId });

/** The district's voice: follow an announcement's read count, follow a discussion's replies. */
export function registerVoiceHandlers(socket: AppSocket, services: { announcements: AnnouncementService; discussions: DiscussionService }, rt: RealtimeContext): void {
  const actor = (): Actor => socket.data.actor!;
  // Watch rooms are remembered on the socket, so a lost right (Sessions.sync) takes the socket out of them.
  const book = (room: string): FollowBook => ({ add: () => socket.data.watchRooms.add(room), remove: () => socket.data.watchRooms.delete(room) });
  const watch = <R>(room: string, follow: (join: () => unknown) => Promise<R>, mayStay: () => Promise<boolean>) => followRechecked(socket, rt, room, book(room), follow, mayStay);
  const leave = (room: string) => unfollow(socket, room, book(room));
  handle(socket, 'announcement:watch', announcementRefSchema, ({ announcementId }) => {
    const room = announcementWatchRoom(announcementId);
    return watch(room, (join) => services.announcements.watch(actor(), announcementId, join), () => services.announcements.mayWatch(actor(), announcementId));
  }, rt.handlerContext);
  handle(socket, 'announcement:unwatch', announcementRefSchema, ({ announcementId }) => leave(announcementWatchRoom(announcementId)), rt.handlerContext);
  handle(socket, 'discussion:watch', discussionRefSchema, ({ discussionId }) => {
    const room = discussionWatchRoom(discussionId);
    return watch(room, (join) => services.discussions.watch(actor(), discussionId, join), () => services.discussions.mayWatch(actor(), discussionId));
  }, rt.handlerContext);
  handle(socket, 'discussion:unwatch', discussionRefSchema, ({ discussionId }) => leave(discussionWatchRoom(discussionId)), rt.handlerContext);
}
