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
  /**
   * Watches, then checks again if the socket's rights were re-checked while this ran (a right lost between
   * the check and the join would otherwise be kept): stays only if still allowed.
   */
  const watch = async <R>(room: string, follow: (join: () => unknown) => Promise<R>, mayStay: () => Promise<boolean>): Promise<R> => {
    const version = socket.data.rightsVersion;
    const started = Date.now();
    const result = await follow(() => enter(room));
    if ((socket.data.rightsVersion !== version || rt.sessions.roomChangedSince(room, actor().id, started)) && !(await mayStay())) {
      await leave(room);
      return follow(() => {}); // answers with the refusal
    }
    return result;
  };
  const leave = async (room: string) => {
    socket.data.watchRooms.delete(room);
    await socket.leave(room);
    return {};
  };
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
