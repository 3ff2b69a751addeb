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
  handle(socket, 'announcement:watch', announcementRefSchema, ({ announcementId }) => services.announcements.watch(actor(), announcementId, () => socket.join(announcementWatchRoom(announcementId))), rt.handlerContext);
  handle(socket, 'announcement:unwatch', announcementRefSchema, async ({ announcementId }) => {
    await socket.leave(announcementWatchRoom(announcementId));
    return {};
  }, rt.handlerContext);
  handle(socket, 'discussion:watch', discussionRefSchema, ({ discussionId }) => services.discussions.watch(actor(), discussionId, () => socket.join(discussionWatchRoom(discussionId))), rt.handlerContext);
  handle(socket, 'discussion:unwatch', discussionRefSchema, async ({ discussionId }) => {
    await socket.leave(discussionWatchRoom(discussionId));
    return {};
  }, rt.handlerContext);
}
