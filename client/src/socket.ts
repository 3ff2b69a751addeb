import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../server/contract/events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type Reply<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * WebSocket first (one round trip less on a slow link); where a proxy or a carrier blocks it, long-polling:
 * without `tryAllTransports` the client would retry the WebSocket forever and never fall back.
 */
const TRANSPORTS = { transports: ['websocket', 'polling'], tryAllTransports: true, reconnectionDelayMax: 10_000 };

/** The one socket of the page: same origin, bearer token in the handshake, automatic reconnection. */
export function openSocket(token: string): AppSocket {
  return io({ auth: { token }, ...TRANSPORTS });
}

/** A family member's socket: the guest link's token instead of a session. */
export function openGuestSocket(guestToken: string): AppSocket {
  return io({ auth: { guestToken }, ...TRANSPORTS });
}

/**
 * Emits a command and resolves with its ack. No answer becomes `offline` when the connection is down,
 * and `timeout` when it is up (the server was slow: the member's network is not to blame).
 */
export async function command<E extends keyof ClientToServerEvents>(socket: AppSocket, event: E, payload: Payload<E>, timeoutMs = 10_000): Promise<Reply<E>> {
  try {
    return await (socket.timeout(timeoutMs) as any).emitWithAck(event, payload);
  } catch {
    const code = socket.connected ? 'timeout' : 'offline';
    return { ok: false, error: { code, message: 'no answer from the server' } } as unknown as Reply<E>;
  }
}

export type { Ack };
