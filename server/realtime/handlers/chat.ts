import { z } from 'zod';
import type { ChatService } from '../../domain/chat';
import type { RealtimeContext, AppSocket } from '../io';
import { handle } from '../handle';
import type { Actor } from '../../domain/types';

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
export const deleteSchema = z.object({ roomId, messageId: z.number().int().positive() });

/** Branch and meeting chat rooms: join/leave with presence, send, history, typing, delete. */
export function registerChatHandlers(socket: AppSocket, actor: Actor, chat: ChatService, rt: RealtimeContext): void {
  const user = { id: actor.id, name: actor.name };

  handle(socket, 'room:join', joinSchema, async ({ roomId, since }) => {
    // Subscribe before reading, so a message committed meanwhile arrives as an event instead of falling between.
    const result = await chat.join(actor, roomId, since, () => socket.join(roomId));
    if (!socket.data.joined.has(roomId)) {
      socket.data.joined.add(roomId);
      await rt.presence.add(roomId, user);
    }
    return { ...result, online: await rt.presence.online(roomId) };
  }, rt.handlerContext);

  handle(socket, 'room:leave', leaveSchema, async ({ roomId }) => {
    if (socket.data.joined.delete(roomId)) {
      await socket.leave(roomId);
      await rt.presence.remove(roomId, actor.id);
    }
    return {};
  }, rt.handlerContext);

  handle(socket, 'chat:send', sendSchema, async (input) => {
    const { message, created } = await chat.send(actor, input);
    if (created) rt.io.to(message.roomId).emit('chat:message', message);
    rt.metrics.messagesStored.inc(created ? 1 : 0);
    return { message };
  }, rt.handlerContext);

  handle(socket, 'chat:history', historySchema, (input) => chat.history(actor, input), rt.handlerContext);

  handle(socket, 'chat:typing', typingSchema, async ({ roomId }) => {
    await chat.authorize(actor, roomId);
    // Typing is a hint: throttled repeats are acknowledged but not fanned out.
    if (rt.typingGate.allow(roomId, actor.id)) socket.to(roomId).emit('chat:typing', { roomId, user });
    return {};
  }, rt.handlerContext);

  handle(socket, 'chat:delete', deleteSchema, async (input) => {
    await chat.remove(actor, input);
    rt.io.to(input.roomId).emit('chat:deleted', { roomId: input.roomId, messageId: input.messageId });
    return {};
  }, rt.handlerContext);

  socket.on('disconnecting', () => {
    for (const roomId of socket.data.joined) void rt.presence.remove(roomId, actor.id).catch(() => {});
    socket.data.joined.clear();
  });
}

