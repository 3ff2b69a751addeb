import { z } from 'zod';
import { activityRoom, userRoom } from '../../contract/events';
import type { Actor } from '../../contract/model';
import type { ChatService } from '../../domain/chat';
import { AppError } from '../../errors';
import { positiveId } from '../../schemas';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

const roomId = z.string().max(40);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const joinSchema = z.object({ roomId, since: seq.optional() });
export const leaveSchema = z.object({ roomId });
export const sendSchema = z.object({
  roomId,
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientId is 1..64 characters of A-Z a-z 0-9 _ -'),
  // Raw length is checked again after trimming in the domain; this bound stops huge strings early.
  body: z.string().max(16_000),
});
export const historySchema = z.object({
  roomId,
  beforeSeq: seq.optional(),
  afterSeq: seq.optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
export const typingSchema = z.object({ roomId });
export const deleteSchema = z.object({ roomId, messageId: positiveId });
export const followSchema = z.object({ roomIds: z.array(roomId).max(200) });
export const readSchema = z.object({ roomId, seq });

/** Branch and meeting chat rooms: join/leave with presence, send, history, typing, delete. */
export function registerChatHandlers(socket: AppSocket, chat: ChatService, rt: RealtimeContext): void {
  // Who the socket speaks for now (Sessions.sync refreshes it when their rights or name change).
  const actor = (): Actor => socket.data.actor!;
  const leave = async (roomId: string) => {
    if (!socket.data.joined.delete(roomId)) return;
    await socket.leave(roomId);
    await rt.presence.remove(roomId, actor().id);
  };

  handle(socket, 'room:join', joinSchema, async ({ roomId, since }) => {
    const version = socket.data.rightsVersion;
    const started = Date.now();
    // Subscribe before reading, so a message committed meanwhile arrives as an event instead of falling between.
    const result = await chat.join(actor(), roomId, since, () => socket.join(roomId));
    // The socket closed while we read: it must not stay listed as online.
    if (socket.disconnected) throw new AppError('unavailable', 'the connection closed');
    if (!socket.data.joined.has(roomId)) {
      socket.data.joined.add(roomId);
      await rt.presence.add(roomId, { id: actor().id, name: actor().name });
    }
    // The user's rights, or the room's, were re-checked while this join ran (and went past this socket,
    // not in the room yet): check this room again under the rights as they are now.
    if (socket.data.rightsVersion !== version || rt.sessions.roomChangedSince(roomId, actor().id, started)) {
      await chat.authorize(actor(), roomId).catch(async (refusal: unknown) => {
        await leave(roomId);
        throw refusal;
      });
    }
    return { ...result, online: await rt.presence.online(roomId) };
  }, rt.handlerContext);

  handle(socket, 'room:leave', leaveSchema, async ({ roomId }) => {
    await leave(roomId);
    return {};
  }, rt.handlerContext);

  handle(socket, 'chat:send', sendSchema, async (input) => {
    const { message, created } = await chat.send(actor(), input);
    if (created) {
      rt.io.to(message.roomId).emit('chat:message', message);
      // Those who follow the room from elsewhere in the app hear only that there is something new.
      rt.io.to(activityRoom(message.roomId)).except(message.roomId).emit('room:activity', { roomId: message.roomId, seq: message.seq, authorId: message.author.id });
    }
    rt.metrics.messagesStored.inc(created ? 1 : 0);
    return { message };
  }, rt.handlerContext);

  handle(socket, 'chat:history', historySchema, (input) => chat.history(actor(), input), rt.handlerContext);

  handle(socket, 'rooms:follow', followSchema, async ({ roomIds }) => {
    const version = socket.data.rightsVersion;
    const rooms = await chat.follow(actor(), roomIds);
    for (const old of socket.data.following) if (!rooms.some((r) => r.roomId === old)) socket.leave(activityRoom(old));
    socket.data.following = new Set(rooms.map((r) => r.roomId));
    await socket.join(rooms.map((r) => activityRoom(r.roomId)));
    // Rights re-checked meanwhile: follow again under the new ones.
    if (socket.data.rightsVersion !== version) await rt.sessions.recheck(socket);
    return { rooms };
  }, rt.handlerContext);

  handle(socket, 'room:read', readSchema, async ({ roomId, seq }) => {
    const readSeq = await chat.markRead(actor(), roomId, seq);
    socket.to(userRoom(actor().id)).emit('room:read', { roomId, readSeq });
    return { readSeq };
  }, rt.handlerContext);

  handle(socket, 'chat:typing', typingSchema, async ({ roomId }) => {
    await chat.authorize(actor(), roomId);
    // Typing is a hint: throttled repeats are acknowledged but not fanned out.
    if (rt.typingGate.allow(roomId, actor().id)) socket.to(roomId).emit('chat:typing', { roomId, user: { id: actor().id, name: actor().name } });
    return {};
  }, rt.handlerContext);

  handle(socket, 'chat:delete', deleteSchema, async (input) => {
    await chat.remove(actor(), input);
    rt.io.to(input.roomId).emit('chat:deleted', { roomId: input.roomId, messageId: input.messageId });
    return {};
  }, rt.handlerContext);

  socket.on('disconnecting', () => {
    for (const roomId of socket.data.joined) void rt.presence.remove(roomId, actor().id).catch(() => {});
    socket.data.joined.clear();
  });
}
