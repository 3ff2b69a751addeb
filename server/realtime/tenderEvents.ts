import type { RedisClient } from '../redisConnections';
import { tenderWatchRoom } from '../contract/events';
import type { TenderEvents } from '../domain/tenders';
import { CoalescedBroadcast } from './coalesced';
import type { AppServer } from './types';

/** At most two `tender:counts` a second per call, across processes; each read fresh, so the last is exact. */
const COUNTS_INTERVAL_MS = 500;

export class RealtimeTenderEvents implements TenderEvents {
  private io: AppServer | null = null;
  private readonly counts: CoalescedBroadcast;

  constructor(redis: RedisClient, prefix: string, loadCounts: (tenderId: number) => Promise<Array<{ id: number; supporters: number }>>, onError: (error: unknown) => void) {
    this.counts = new CoalescedBroadcast(redis, `${prefix}:tender-counts`, COUNTS_INTERVAL_MS, async (tenderId) => {
      const bids = await loadCounts(tenderId);
      this.io?.to(tenderWatchRoom(tenderId)).emit('tender:counts', { tenderId, bids });
    }, onError);
  }

  attach(io: AppServer): void {
    this.io = io;
  }

  countsChanged(tenderId: number): void {
    this.counts.changed(tenderId);
  }

  close(): void {
    this.io = null;
    this.counts.close();
  }
}
