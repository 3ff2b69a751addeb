import { z } from 'zod';
import { meetingWatchRoom } from '../../contract/events';
import type { Actor } from '../../contract/model';
import type { MeetingService } from '../../domain/meetings';
import { positiveId } from '../../schemas';
import { followRechecked, unfollow, type FollowBook } from '../follow';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

export const meetingRefSchema = z.object({ meetingId: positiveId });
export const attendSchema = z
  .object({ meetingId: positiveId, userId: positiveId.optional(), code: z.string().trim().min(4).max(40).optional() })
  .refine((v) => (v.userId === undefined) !== (v.code === undefined), 'give either userId or code');

/** Open meetings: watch the live counters, sign up, cancel, record attendance. */
export function registerMeetingHandlers(socket: AppSocket, meetings: MeetingService, rt: RealtimeContext): void {
  const actor = (): Actor => socket.data.actor!;

  const book = (meetingId: number): FollowBook => ({ add: () => socket.data.watching.add(meetingId), remove: () => socket.data.watching.delete(meetingId) });
  handle(socket, 'meeting:watch', meetingRefSchema, ({ meetingId }) =>
    followRechecked(socket, rt, meetingWatchRoom(meetingId), book(meetingId), (join) => meetings.watch(actor(), meetingId, join), () => meetings.mayWatch(actor(), meetingId)),
  rt.handlerContext);
  handle(socket, 'meeting:unwatch', meetingRefSchema, ({ meetingId }) => unfollow(socket, meetingWatchRoom(meetingId), book(meetingId)), rt.handlerContext);

  handle(socket, 'meeting:signup', meetingRefSchema, ({ meetingId }) => meetings.signup(actor(), meetingId), rt.handlerContext);
  handle(socket, 'meeting:cancel', meetingRefSchema, ({ meetingId }) => meetings.cancel(actor(), meetingId), rt.handlerContext);
  handle(socket, 'meeting:attend', attendSchema, ({ meetingId, userId, code }) => meetings.attend(actor(), meetingId, { userId, code }), rt.handlerContext);
}
