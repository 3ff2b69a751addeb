import { orgRoomId } from '../contract/events';
import type { Actor, ChatMessage, OrgKind, User } from '../contract/model';
import type { ChatService } from './chat';
import type { OrgDirectory } from './orgDirectory';

/** A chat room in the member's list: may they moderate it, its latest seq and how far they have read. */
export interface RoomInfo {
  id: string;
  name: string;
  kind: OrgKind;
  moderator: boolean;
  lastSeq: number;
  readSeq: number;
}

export interface Profile {
  user: User;
  organizerOf: number[];
  rooms: RoomInfo[];
}

/** What the app's first screen needs: who I am, my rooms (with unread counts) and my home room's latest messages. */
export function createProfileService(deps: { directory: OrgDirectory; chat: Pick<ChatService, 'follow' | 'recent'> }) {
  async function profile(actor: Actor, user: User): Promise<Profile> {
    const policy = await deps.directory.policy();
    const orgs = policy.tree.all().filter((org) => policy.can(actor, 'room.use', org.id));
    const activity = new Map((await deps.chat.follow(actor, orgs.map((o) => orgRoomId(o.id)))).map((a) => [a.roomId, a]));
    const rooms = orgs.map((org) => {
      const id = orgRoomId(org.id);
      return { id, name: org.name, kind: org.kind, moderator: policy.can(actor, 'room.moderate', org.id), lastSeq: activity.get(id)?.lastSeq ?? 0, readSeq: activity.get(id)?.readSeq ?? 0 };
    });
    return { user, organizerOf: policy.tree.organizerOf(actor.id), rooms };
  }

  return {
    profile,

    /**
     * The profile and the home room's latest messages in one answer, so a phone on a slow link shows the
     * room one round trip after signing in (the socket then only catches up from that seq).
     */
    async firstScreen(actor: Actor, user: User): Promise<Profile & { home: { roomId: string; seq: number; messages: ChatMessage[] } | null }> {
      const me = await profile(actor, user);
      const homeId = user.branchId !== null ? orgRoomId(user.branchId) : me.rooms[0]?.id;
      const home = homeId && me.rooms.some((r) => r.id === homeId) ? await deps.chat.recent(actor, homeId) : null;
      return { ...me, home };
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
