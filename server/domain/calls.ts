import { randomUUID } from 'node:crypto';
import type { Actor, CallEndReason, CallRecord, Party } from '../contract/model';
import type { CallsRepo } from '../db/repositories/calls';
import type { Page } from '../util/paging';
import type { UsersRepo } from '../db/repositories/users';
import { conflict, notFound, rateLimited, tooLarge } from '../errors';
import type { NotificationSink } from '../notifications/sink';
import type { CheckinService } from './checkins';
import type { OrgDirectory } from './orgDirectory';
import { assertCallSocket, callSide, type Caller } from './policy';
import type { Clock, RateLimiter } from './ports';
import type { UnitOfWork } from './unitOfWork';

export const partyKey = (p: Party) => (p.kind === 'user' ? `u${p.id}` : `g${p.inviteId}`);
export const sameParty = (a: Party, b: Party) => partyKey(a) === partyKey(b);

/** A call in progress, as kept in the shared store (Redis) so every server process sees it. */
export interface LiveCall {
  id: string;
  caller: Party;
  callee: Party;
  status: 'ringing' | 'active';
  /** The socket each party talks on; signals go only there. */
  callerSocket: string;
  calleeSocket: string | null;
  startedAt: string;
  answeredAt: string | null;
  /** The scheduled check-in this call keeps, if any. */
  checkinId: number | null;
  /** Placed as a voice-only call. */
  audioOnly?: boolean;
}

/** Shared, atomic call state (implemented on Redis). */
export interface CallStateStore {
  create(call: LiveCall): Promise<void>;
  get(id: string): Promise<LiveCall | null>;
  /** ringing → active with the callee's socket; null if it was not ringing (or is gone). */
  accept(id: string, calleeSocket: string, at: string): Promise<LiveCall | null>;
  /** Removes the call and returns it; only one caller of `end` ever gets it. */
  end(id: string): Promise<LiveCall | null>;
  setSocket(id: string, side: 'caller' | 'callee', socket: string): Promise<LiveCall | null>;
  callsOf(party: Party): Promise<string[]>;
}

/** What the call rules announce; the realtime layer turns them into socket events. */
export interface CallEvents {
  incoming(callee: Party, event: { callId: string; from: { id: number | null; name: string; guest?: boolean }; audioOnly?: boolean }): void;
  accepted(callerSocket: string, callId: string): void;
  answeredElsewhere(callee: Party, exceptSocket: string, callId: string): void;
  ended(call: LiveCall, reason: CallEndReason): void;
  relay(toSocket: string, callId: string, signal: unknown): void;
  peer(toSocket: string, callId: string, state: 'reconnecting' | 'reconnected'): void;
  /** Does this party have any socket left, on any server? */
  isConnected(party: Party): Promise<boolean>;
}

export const RING_TIMEOUT_MS = 45_000;
export const GONE_TIMEOUT_MS = 30_000;
export const MAX_SIGNAL_BYTES = 16 * 1024;
/** One caller's missed calls to one callee within this window make one notification. */
export const MISSED_CALL_WINDOW_MS = 10 * 60_000;

const refOf = (p: Party) => (p.kind === 'user' ? { id: p.id, name: p.name } : { id: null, name: p.name, guest: true });

export function createCallService(deps: {
  store: CallStateStore;
  calls: CallsRepo;
  users: UsersRepo;
  uow: UnitOfWork;
  sink: NotificationSink;
  directory: OrgDirectory;
  events: CallEvents;
  /** Invites per caller (e.g. 10 a minute); null: unlimited. */
  inviteLimiter: RateLimiter | null;
  clock: Clock;
  ringTimeoutMs?: number;
  goneTimeoutMs?: number;
  /** The guest behind one of the member's invites, if it is still valid. */
  guestOf(inviteId: number): Promise<Extract<Party, { kind: 'guest' }> | null>;
  checkins: Pick<CheckinService, 'find' | 'markDone'>;
}) {
  const { store, calls, users, uow, sink, directory, events, clock } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();
  const ringTimeoutMs = deps.ringTimeoutMs ?? RING_TIMEOUT_MS;
  const goneTimeoutMs = deps.goneTimeoutMs ?? GONE_TIMEOUT_MS;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => Promise<unknown>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run().catch(() => {});
    }, ms);
    timers.add(timer);
  };

  async function userCallable(userId: number): Promise<Caller> {
    const user = await users.findById(userId);
    if (!user || !user.active) throw notFound('user');
    return { party: { kind: 'user', id: user.id, name: user.name }, role: user.role, branchId: user.branchId };
  }

  async function callable(party: Party, actor?: Actor): Promise<Caller> {
    if (party.kind === 'guest') return { party };
    if (actor && actor.id === party.id) return { party, role: actor.role, branchId: actor.branchId };
    return userCallable(party.id);
  }

  /** The live call and the party's side of it; anyone but its two parties is refused. */
  async function liveOf(party: Party, callId: string, need?: 'callee'): Promise<{ call: LiveCall; side: 'caller' | 'callee' }> {
    const call = await store.get(callId);
    if (!call) throw notFound('call');
    return { call, side: callSide(party, call, need) };
  }

  /** Ends a call once (whoever gets there first), records it and tells both sides. */
  async function finish(callId: string, reason: CallEndReason): Promise<LiveCall | null> {
    const call = await store.end(callId);
    if (!call) return null;
    await calls.ended(callId, reason, nowIso());
    events.ended(call, reason);
    if (call.checkinId !== null && call.status === 'active') await deps.checkins.markDone(call.checkinId, callId);
    // Unanswered (also when the caller hung up while it rang): the callee finds a missed call later.
    if (call.status === 'ringing' && (reason === 'missed' || reason === 'hangup') && call.callee.kind === 'user') await notifyMissed(call, call.callee.id);
    return call;
  }

  /** One notification per caller → callee within 10 minutes, counting the calls missed. */
  async function notifyMissed(call: LiveCall, calleeId: number): Promise<void> {
    const at = nowIso();
    await uow.run(async (tx, effects) => {
      await users.lock(calleeId, tx); // one writer per callee, so two missed calls never both start a notification
      const stored = await sink.storeCoalesced(
        tx,
        { userId: calleeId, kind: 'missed_call', data: { callId: call.id, from: refOf(call.caller), count: 1, lastAt: at } },
        `missed_call:${partyKey(call.caller)}`,
        MISSED_CALL_WINDOW_MS,
        (older, newer) => ({ ...newer, count: older.count + 1 }),
      );
      effects.pushLater([stored]);
    });
  }

  return {
    /**
     * Starts a call from `from` (on socket `fromSocket`) to a user, or to the guest of one of the
     * caller's invites. Every socket of the callee rings; unanswered after 45 s it ends as missed.
     */
    async invite(
      from: Party,
      fromSocket: string,
      to: { userId?: number; guestInviteId?: number },
      actor?: Actor,
      checkinId: number | null = null,
      options: { audioOnly?: boolean } = {},
    ): Promise<{ callId: string; online: boolean }> {
      let target: Caller;
      if (to.guestInviteId !== undefined) {
        const guest = await deps.guestOf(to.guestInviteId);
        if (!guest) throw notFound('guest');
        target = { party: guest };
      } else {
        target = await userCallable(to.userId!);
      }
      const callee = target.party;
      const policy = await directory.policy();
      if (!policy.mayCall(await callable(from, actor), target)) throw policy.refusal('call.place');
      if (deps.inviteLimiter && !(await deps.inviteLimiter.consume(`call:${partyKey(from)}`))) throw rateLimited('you are calling too often; wait a minute');
      if (checkinId !== null) {
        const checkin = await deps.checkins.find(checkinId);
        if (!checkin) throw notFound('check-in');
        if (!actor || callee.kind !== 'user') throw policy.refusal('checkin.call');
        policy.assert(actor, 'checkin.call', { organizerId: checkin.organizer.id, memberId: checkin.member.id, calleeId: callee.id });
      }
      const call: LiveCall = { id: randomUUID(), caller: from, callee, status: 'ringing', callerSocket: fromSocket, calleeSocket: null, startedAt: nowIso(), answeredAt: null, checkinId, audioOnly: options.audioOnly === true };
      await calls.insert({ id: call.id, caller: from, callee, startedAt: call.startedAt, checkinId });
      await store.create(call);
      events.incoming(callee, { callId: call.id, from: refOf(from), ...(call.audioOnly ? { audioOnly: true } : {}) });
      // The caller hears at once when nobody is there to ring (it still rings out, and leaves a missed call).
      const online = await events.isConnected(callee);
      later(ringTimeoutMs, async () => {
        const current = await store.get(call.id);
        if (current?.status === 'ringing') await finish(call.id, 'missed');
      });
      return { callId: call.id, online };
    },

    /** The callee answers on `socket`; their other sockets stop ringing. */
    async accept(party: Party, socket: string, callId: string): Promise<void> {
      await liveOf(party, callId, 'callee');
      const at = nowIso();
      const call = await store.accept(callId, socket, at);
      if (!call) throw conflict('this call is no longer ringing');
      await calls.answered(callId, at);
      events.accepted(call.callerSocket, callId);
      events.answeredElsewhere(call.callee, socket, callId);
    },

    async decline(party: Party, callId: string): Promise<void> {
      const { call, side } = await liveOf(party, callId);
      if (side !== 'callee' || call.status !== 'ringing') throw conflict('only a ringing call can be declined');
      await finish(callId, 'declined');
    },

    async hangup(party: Party, callId: string): Promise<void> {
      await liveOf(party, callId);
      await finish(callId, 'hangup');
    },

    /**
     * Relays a WebRTC signal to the other party's call socket. Only the two parties of an accepted call,
     * each from its own call socket, may signal; the signal itself passes through untouched.
     */
    async signal(party: Party, socket: string, callId: string, signal: unknown): Promise<void> {
      if (Buffer.byteLength(JSON.stringify(signal) ?? '', 'utf8') > MAX_SIGNAL_BYTES) throw tooLarge('signal is larger than 16 KiB');
      const { call, side } = await liveOf(party, callId);
      if (call.status !== 'active') throw conflict('the call has not been answered');
      const mine = side === 'caller' ? call.callerSocket : call.calleeSocket;
      assertCallSocket(mine, socket);
      events.relay((side === 'caller' ? call.calleeSocket : call.callerSocket)!, callId, signal);
    },

    /** A party came back on a new socket after a drop: signals now go there, and the other side re-signals. */
    async rejoin(party: Party, socket: string, callId: string): Promise<{ status: 'ringing' | 'active'; role: 'caller' | 'callee' }> {
      const { call, side } = await liveOf(party, callId);
      if (side === 'callee' && call.status === 'ringing') return { status: call.status, role: side };
      const updated = await store.setSocket(callId, side, socket);
      if (!updated) throw notFound('call');
      const other = side === 'caller' ? updated.calleeSocket : updated.callerSocket;
      if (other && updated.status === 'active') events.peer(other, callId, 'reconnected');
      return { status: updated.status, role: side };
    },

    /**
     * A socket closed. If it carried a call, the other side hears that its peer is reconnecting; if the
     * party has no socket at all 30 s later, the call ends as disconnected.
     */
    async socketGone(party: Party, socket: string): Promise<void> {
      for (const callId of await store.callsOf(party)) {
        const call = await store.get(callId);
        if (!call) continue;
        const side = sameParty(call.caller, party) ? 'caller' : 'callee';
        const mine = side === 'caller' ? call.callerSocket : call.calleeSocket;
        if (mine !== socket && !(side === 'callee' && call.status === 'ringing')) continue;
        const other = side === 'caller' ? call.calleeSocket : call.callerSocket;
        if (other && call.status === 'active') events.peer(other, callId, 'reconnecting');
        later(goneTimeoutMs, async () => {
          const current = await store.get(callId);
          if (!current) return;
          const now = side === 'caller' ? current.callerSocket : current.calleeSocket;
          if (now !== socket && now !== null) return; // rejoined on another socket
          if (!(await events.isConnected(party))) await finish(callId, 'disconnected');
        });
      }
    },

    /** Ends every call of a party at once (a revoked guest link). */
    async endAllOf(party: Party, reason: CallEndReason): Promise<void> {
      for (const callId of await store.callsOf(party)) await finish(callId, reason);
    },

    /** Ends ringing calls whose timer died with its process. */
    async sweep(): Promise<void> {
      for (const callId of await calls.staleRinging(new Date(clock.now() - ringTimeoutMs - 5000).toISOString())) {
        if (!(await finish(callId, 'missed'))) await calls.ended(callId, 'missed', nowIso());
      }
    },

    /** A page of the actor's own calls and those of the members under them (the admin: every call). */
    async log(actor: Actor, page: { limit: number; cursor?: string }): Promise<Page<CallRecord>> {
      if (actor.role === 'admin') return calls.forUsers('all', page);
      const policy = await directory.policy();
      const branches = policy.unitsRunBy(actor).flatMap((id) => policy.tree.branchesUnder(id));
      const under = policy.under(actor, await users.listActiveInBranches(branches));
      return calls.forUsers([actor.id, ...under.map((u) => u.id)], page);
    },

    /**
     * People the actor may call: the members of their branch, the organizers over it, and everyone under
     * the units they organize (the admin: everyone).
     */
    async contacts(actor: Actor): Promise<Array<{ id: number; name: string; branchId: number | null; organizer: boolean }>> {
      const policy = await directory.policy();
      const tree = policy.tree;
      const branches = new Set<number>();
      if (actor.branchId !== null) branches.add(actor.branchId);
      for (const unit of policy.unitsRunBy(actor)) for (const branch of tree.branchesUnder(unit)) branches.add(branch);
      const people = new Map<number, { id: number; name: string; branchId: number | null; organizer: boolean; role: Actor['role'] }>();
      const organizers = new Set<number>();
      if (actor.branchId !== null) for (const unit of tree.lineage(actor.branchId)) for (const id of tree.organizersOfUnit(unit.id)) organizers.add(id);
      for (const user of await users.listActiveInBranches([...branches])) {
        people.set(user.id, { id: user.id, name: user.name, branchId: user.branchId, organizer: organizers.has(user.id), role: user.role });
      }
      // Organizers over the branch who are not in one of these branches themselves.
      for (const user of await users.findActiveByIds([...organizers].filter((id) => !people.has(id)))) {
        people.set(user.id, { id: user.id, name: user.name, branchId: user.branchId, organizer: true, role: user.role });
      }
      people.delete(actor.id);
      const me: Caller = { party: { kind: 'user', id: actor.id, name: actor.name }, role: actor.role, branchId: actor.branchId };
      return [...people.values()]
        .filter((p) => policy.mayCall(me, { party: { kind: 'user', id: p.id, name: p.name }, role: p.role, branchId: p.branchId }))
        .map(({ role: _role, ...p }) => p)
        .sort((a, b) => Number(b.organizer) - Number(a.organizer) || a.name.localeCompare(b.name));
    },

    close(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type CallService = ReturnType<typeof createCallService>;
