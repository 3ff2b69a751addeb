import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract/events';
import type { Actor, Party } from '../contract/model';

/** Events between server processes (through the Redis adapter). */
export interface InterServerEvents {
  'orgs:changed': () => void;
  /** A user's rights changed: each process makes that user's sockets match them (see Sessions.sync). */
  'session:sync': (userId: number) => void;
  /** The same for every socket in a room. */
  'session:sync-room': (roomId: string) => void;
  /** A token or a guest link was revoked (its sockets are being disconnected). */
  'session:revoked': (what: { tokenId?: number; inviteId?: number }) => void;
}

export interface SocketData {
  /** The signed-in user as of the last check; absent on a guest's socket. Refreshed by Sessions.sync. */
  actor?: Actor;
  /** Who this socket speaks for in calls: the user, or the guest of an invite link. */
  party: Party;
  /** Rooms this socket joined through room:join (counted in presence). */
  joined: Set<string>;
  /** Meetings whose counters this socket follows (meeting:watch). */
  watching: Set<number>;
  /** Watch rooms of other features (an announcement's read count, a discussion's replies), re-checked by Sessions.sync. */
  watchRooms: Set<string>;
  /** Rooms whose activity this socket follows (rooms:follow). */
  following: Set<string>;
  /** Grows whenever Sessions.sync re-checked this socket: a command that started before re-checks its room. */
  rightsVersion: number;
  /** When the token the socket was opened with expires. */
  expiresAt?: string;
  /** When its handshake began checking the credential (this process's clock). */
  handshakeAt: number;
}

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
