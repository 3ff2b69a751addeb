import type { Actor } from '../contract/model';
import type { AppSocket, RealtimeContext } from './io';

/** How a socket remembers that it follows a room (so a re-check of its rights can take it out again). */
export interface FollowBook {
  add(): void;
  remove(): void;
}

/**
 * Follows a watch room the domain allowed (`follow` checks the right and calls `join`), then checks again if
 * the socket's rights were re-checked while this ran: a right lost between the check and the join would
 * otherwise be kept. Stays only if `mayStay`; else leaves and answers with the domain's refusal.
 */
export async function followRechecked<R>(
  socket: AppSocket,
  rt: RealtimeContext,
  room: string,
  book: FollowBook,
  follow: (join: () => unknown) => Promise<R>,
  mayStay: () => Promise<boolean>,
): Promise<R> {
  const actor = socket.data.actor as Actor;
  const version = socket.data.rightsVersion;
  const started = Date.now();
  const result = await follow(() => {
    book.add();
    return socket.join(room);
  });
  if ((socket.data.rightsVersion !== version || rt.sessions.roomChangedSince(room, actor.id, started)) && !(await mayStay())) {
    await unfollow(socket, room, book);
    return follow(() => {}); // answers with the refusal
  }
  return result;
}

export async function unfollow(socket: AppSocket, room: string, book: FollowBook): Promise<Record<string, never>> {
  book.remove();
  await socket.leave(room);
  return {};
}
