import { z } from 'zod';
import { announcementWatchRoom, discussionWatchRoom } from '../../contract/events';
import type { Actor } from '../../contract/model';
import type { AnnouncementService } from '../../domain/announcements';
import type { DiscussionService } from '../../domain/discussions';
import { positiveId } from '../../schemas';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

export const announcementRefSchema = z.object({ announcementId: positiveId });
export const discussionRefSchema = z.object({ discussionId: positiveId });

/** The district's voice: follow an announcement's read count, follow a discussion's replies. */
export function registerVoiceHandlers(socket: AppSocket, services: { announcements: AnnouncementService; discussions: DiscussionService }, rt: RealtimeContext): void {
  const actor = (): Actor => socket.data.actor!;
  // Watch rooms are remembered on the socket, so a lost right (Sessions.sync) takes the socket out of them.
  const enter = (room: string) => {
    socket.data.watchRooms.add(room);
    return socket.join(room);
  };
  const leave = async (room: string) => {
    socket.data.watchRooms.delete(room);
    await socket.leave(room);
    return {};
  };
  handle(socket, 'announcement:watch', announcementRefSchema, ({ announcementId }) => services.announcements.watch(actor(), announcementId, () => enter(announcementWatchRoom(announcementId))), rt.handlerContext);
  handle(socket, 'announcement:unwatch', announcementRefSchema, ({ announcementId }) => leave(announcementWatchRoom(announcementId)), rt.handlerContext);
  handle(socket, 'discussion:watch', discussionRefSchema, ({ discussionId }) => services.discussions.watch(actor(), discussionId, () => enter(discussionWatchRoom(discussionId))), rt.handlerContext);
  handle(socket, 'discussion:unwatch', discussionRefSchema, ({ discussionId }) => leave(discussionWatchRoom(discussionId)), rt.handlerContext);
}
