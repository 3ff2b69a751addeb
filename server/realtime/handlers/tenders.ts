import { z } from 'zod';
import { tenderWatchRoom } from '../../contract/events';
import type { Actor } from '../../contract/model';
import type { TenderService } from '../../domain/tenders';
import { positiveId } from '../../schemas';
import { handle } from '../handle';
import type { AppSocket, RealtimeContext } from '../io';

export const bidRefSchema = z.object({ bidId: positiveId });
export const tenderRefSchema = z.object({ tenderId: positiveId });

/** Calls for projects: back a bid or take the support back; follow a call's counts. */
export function registerTenderHandlers(socket: AppSocket, tenders: TenderService, rt: RealtimeContext): void {
  const actor = (): Actor => socket.data.actor!;
  handle(socket, 'bid:support', bidRefSchema, ({ bidId }) => tenders.support(actor(), bidId, true), rt.handlerContext);
  handle(socket, 'bid:unsupport', bidRefSchema, ({ bidId }) => tenders.support(actor(), bidId, false), rt.handlerContext);
  // Calls are open to every member of the district: nothing to re-check when rights change.
  handle(socket, 'tender:watch', tenderRefSchema, ({ tenderId }) => tenders.watch(actor(), tenderId, () => socket.join(tenderWatchRoom(tenderId))), rt.handlerContext);
  handle(socket, 'tender:unwatch', tenderRefSchema, async ({ tenderId }) => {
    await socket.leave(tenderWatchRoom(tenderId));
    return {};
  }, rt.handlerContext);
}
