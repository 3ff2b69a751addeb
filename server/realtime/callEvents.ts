import { partyRoom } from '../contract/events';
import type { CallEndReason, Party } from '../contract/model';
import type { CallEvents, LiveCall } from '../domain/calls';
import type { AppServer } from './types';

/**
 * Turns the call rules' announcements into socket events. Signals go to one socket id, which the Redis
 * adapter routes to whichever server holds it; no database work per signal.
 */
export class RealtimeCallEvents implements CallEvents {
  private io: AppServer | null = null;

  attach(io: AppServer): void {
    this.io = io;
  }

  /** At shutdown: a call timer or hang-up still under way emits nothing once Redis is closing. */
  detach(): void {
    this.io = null;
  }

  incoming(callee: Party, event: Parameters<CallEvents['incoming']>[1]): void {
    this.io?.to(partyRoom(callee)).emit('call:incoming', event);
  }
  accepted(callerSocket: string, callId: string): void {
    this.io?.to(callerSocket).emit('call:accepted', { callId });
  }
  answeredElsewhere(callee: Party, exceptSocket: string, callId: string): void {
    this.io?.to(partyRoom(callee)).except(exceptSocket).emit('call:ended', { callId, reason: 'answered_elsewhere' });
  }
  ended(call: LiveCall, reason: CallEndReason): void {
    this.io?.to([partyRoom(call.caller), partyRoom(call.callee)]).emit('call:ended', { callId: call.id, reason });
  }
  relay(toSocket: string, callId: string, signal: unknown): void {
    this.io?.to(toSocket).emit('call:signal', { callId, signal });
  }
  peer(toSocket: string, callId: string, state: 'reconnecting' | 'reconnected'): void {
    this.io?.to(toSocket).emit('call:peer', { callId, state });
  }
  async isConnected(party: Party): Promise<boolean> {
    if (!this.io) return false;
    return (await this.io.in(partyRoom(party)).fetchSockets()).length > 0;
  }
}
