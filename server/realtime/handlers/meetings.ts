import { z } from 'zod';
import type { MeetingService } from '../../domain/meetings';
import { meetingWatchRoom } from '../contract';
import { handle } from '../handle';
import type { Actor } from '../../domain/types';
import type { AppSocket, RealtimeContext } from '../io';

const meetingId = z.number().int().positive().max(2 ** 31 - 1);
export const meetingRefSchema = z.object({ meetingId });
export const attendSchema = z
  .object({ meetingId, userId: z.number().int().positive().optional(), code: z.string().trim().min(4).max(8).optional() })
  .refine((v) => (v.userId === undefined) !== (v.code === undefined), 'give either userId or code');

/** Open meetings: watch the live counters, sign up, cancel, record attendance. */
export function registerMeetingHandlers(socket: AppSocket, actor: Actor, meetings: MeetingService, rt: RealtimeContext): void {
  handle(socket, 'meeting:watch', meetingRefSchema, ({ meetingId }) => meetings.watch(actor, meetingId, () => socket.join(meetingWatchRoom(meetingId))), rt.handlerContext);

  handle(socket, 'meeting:unwatch', meetingRefSchema, async ({ meetingId }) => {
    await socket.leave(meetingWatchRoom(meetingId));
    return {};
  }, rt.handlerContext);

  handle(socket, 'meeting:signup', meetingRefSchema, ({ meetingId }) => meetings.signup(actor, meetingId), rt.handlerContext);
  handle(socket, 'meeting:cancel', meetingRefSchema, ({ meetingId }) => meetings.cancel(actor, meetingId), rt.handlerContext);
  handle(socket, 'meeting:attend', attendSchema, ({ meetingId, userId, code }) => meetings.attend(actor, meetingId, { userId, code }), rt.handlerContext);
}
