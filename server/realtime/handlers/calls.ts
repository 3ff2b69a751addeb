import { z } from 'zod';
import type { CallService } from '../../domain/calls';
import { positiveId } from '../../schemas';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

const callId = z.string().min(1).max(40);
export const inviteSchema = z
  .object({ userId: positiveId.optional(), guestInviteId: positiveId.optional(), checkinId: positiveId.optional(), audioOnly: z.boolean().optional() })
  .refine((v) => (v.userId === undefined) !== (v.guestInviteId === undefined), 'give either userId or guestInviteId');
export const callRefSchema = z.object({ callId });
// The envelope is checked here; the simple-peer signal inside passes through untouched (size checked by the domain).
export const signalSchema = z.object({ callId, signal: z.union([z.record(z.string(), z.unknown()), z.string().max(20_000)]) });

/** Video calls: invite, answer, decline, relay signals, hang up, and come back after a drop. */
export function registerCallHandlers(socket: AppSocket, calls: CallService, rt: RealtimeContext): void {
  const party = socket.data.party;
  handle(socket, 'call:invite', inviteSchema, ({ userId, guestInviteId, checkinId, audioOnly }) => calls.invite(party, socket.id, { userId, guestInviteId }, socket.data.actor, checkinId ?? null, { audioOnly }), rt.handlerContext);
  handle(socket, 'call:accept', callRefSchema, async ({ callId }) => (await calls.accept(party, socket.id, callId), {}), rt.handlerContext);
  handle(socket, 'call:decline', callRefSchema, async ({ callId }) => (await calls.decline(party, callId), {}), rt.handlerContext);
  handle(socket, 'call:hangup', callRefSchema, async ({ callId }) => (await calls.hangup(party, callId), {}), rt.handlerContext);
  handle(socket, 'call:signal', signalSchema, async ({ callId, signal }) => (await calls.signal(party, socket.id, callId, signal), {}), rt.handlerContext);
  handle(socket, 'call:rejoin', callRefSchema, ({ callId }) => calls.rejoin(party, socket.id, callId), rt.handlerContext);
  socket.on('disconnect', () => void calls.socketGone(party, socket.id).catch(() => {}));
}
