import { z } from 'zod';
import { meetingWatchRoom } from '../../contract/events';
import type { Actor } from '../../contract/model';
import type { MeetingService } from '../../domain/meetings';
import { positiveId } from '../../schemas';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

export const meetingRefSchema = z.object({ meetingId: positiveId });
export const attendSchema = z
  .object({ meetingId: positiveId, userId: positiveId.optional(), code: z.string().trim().min(4).max(40).optional() })
  .refine((v) => (v.userId === undefined) !== (v.code === undefined), 'give either userId or code');

/** Open meetings: watch the live counters, sign up, cancel, record attendance. */
export function registerMeetingHandlers(socket: AppSocket, meetings: MeetingService, rt: RealtimeContext): void {
  const actor = (): Actor => socket.data.actor!;

  handle(socket, 'meeting:watch', meetingRefSchema, async ({ meetingId }) => {
    const version = socket.data.rightsVersion;
    const started = Date.now();
    const result = await meetings.watch(actor(), meetingId, () => {
      socket.data.watching.add(meetingId);
      return socket.join(meetingWatchRoom(meetingId));
    });
    // Rights re-checked while this ran: follow only if still allowed.
    if (socket.data.rightsVersion !== version || rt.sessions.roomChangedSince(meetingWatchRoom(meetingId), actor().id, started)) {
      if (!(await meetings.mayWatch(actor(), meetingId))) {
        socket.data.watching.delete(meetingId);
        await socket.leave(meetingWatchRoom(meetingId));
        return meetings.watch(actor(), meetingId, () => {}); // answers with the refusal
      }
    }
    return result;
  }, rt.handlerContext);

  handle(socket, 'meeting:unwatch', meetingRefSchema, async ({ meetingId }) => {
    socket.data.watching.delete(meetingId);
    await socket.leave(meetingWatchRoom(meetingId));
    return {};
  }, rt.handlerContext);

  handle(socket, 'meeting:signup', meetingRefSchema, ({ meetingId }) => meetings.signup(actor(), meetingId), rt.handlerContext);
  handle(socket, 'meeting:cancel', meetingRefSchema, ({ meetingId }) => meetings.cancel(actor(), meetingId), rt.handlerContext);
  handle(socket, 'meeting:attend', attendSchema, ({ meetingId, userId, code }) => meetings.attend(actor(), meetingId, { userId, code }), rt.handlerContext);
}
