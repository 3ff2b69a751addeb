import type { Actor, ChatMessage } from '../contract/model';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { MessagesRepo } from '../db/repositories/messages';
import type { RoomReadsRepo } from '../db/repositories/roomReads';
import type { Mentions } from './mentions';
import { forbidden, invalid, notFound, rateLimited, tooLarge } from '../errors';
import type { MessageWriter } from './messageWriter';
import type { OrgDirectory } from './orgDirectory';
import type { Policy } from './policy';
import type { RateLimiter } from './ports';

export const RECENT_ON_JOIN = 50;
export const MAX_CATCH_UP = 500;
export const MAX_BODY = 4000;

/**
 * Decides who may use a room and who moderates it, by asking the policy with the room's facts.
 * `org:<id>` rooms are decided by the tree; `meeting:<id>` rooms by the host unit and the sign-up.
 */
export interface RoomRule {
  canUse(actor: Actor, id: number): Promise<boolean | null>; // null: no such room
  canModerate(actor: Actor, id: number): Promise<boolean>;
}

export function parseRoomId(roomId: string): { kind: string; id: number } {
  const match = /^(org|meeting):([1-9]\d{0,9})$/.exec(roomId);
  if (!match) throw invalid('roomId must look like org:<id> or meeting:<id>');
  return { kind: match[1], id: Number(match[2]) };
}

export function orgRoomRule(directory: OrgDirectory): RoomRule {
  return {
    async canUse(actor, id) {
      const policy = await directory.policy();
      if (!policy.tree.get(id)) return null;
      return policy.can(actor, 'room.use', id);
    },
    canModerate: async (actor, id) => (await directory.policy()).can(actor, 'room.moderate', id),
  };
}

/** `meeting:<id>` rooms: the admin, organizers over the host unit, and members holding a seat (confirmed or attended). */
export function meetingRoomRule(meetings: Pick<MeetingsRepo, 'accessOf' | 'find'>, directory: OrgDirectory): RoomRule {
  return {
    async canUse(actor, id) {
      const access = await meetings.accessOf(id, actor.id);
      if (!access) return null;
      return (await directory.policy()).can(actor, 'meeting.room', access);
    },
    async canModerate(actor, id) {
      const meeting = await meetings.find(id);
      return meeting !== null && (await directory.policy()).can(actor, 'meeting.manage', meeting.hostOrgId);
    },
  };
}

export function createChatService(deps: {
  messages: MessagesRepo;
  writer: MessageWriter;
  rules: Record<string, RoomRule>;
  sendLimiter: RateLimiter | null;
  /** Bounds the reads one member can ask for: room joins and history pages. */
  readLimiter: RateLimiter | null;
  policy(): Promise<Policy>;
  reads: RoomReadsRepo;
  mentions: Mentions;
  onMentionError?(error: unknown): void;
}) {
  const { messages, writer, rules, sendLimiter, readLimiter } = deps;
  const takeRead = async (actor: Actor) => {
    if (readLimiter && !(await readLimiter.consume(`read:${actor.id}`))) throw rateLimited('you are loading history too fast; wait a moment');
  };

  async function authorize(actor: Actor, roomId: string): Promise<{ rule: RoomRule; id: number }> {
    const { kind, id } = parseRoomId(roomId);
    const rule = rules[kind];
    const allowed = rule ? await rule.canUse(actor, id) : null;
    if (allowed === null) throw notFound('room');
    if (!allowed) throw forbidden('you are not a member of this room');
    return { rule, id };
  }

  return {
    /** Throws unless the actor may read and write the room. */
    authorize,

    /**
     * The room's latest seq and either its recent messages or everything after `since`.
     * `subscribe` runs after authorization and before reading, so the caller misses nothing.
     */
    async join(actor: Actor, roomId: string, since: number | undefined, subscribe: () => unknown = () => {}) {
      await authorize(actor, roomId);
      await takeRead(actor);
      await subscribe();
      if (since === undefined) {
        const recent = await messages.page(roomId, { limit: RECENT_ON_JOIN });
        // Messages are never removed (a deletion blanks them), so the newest one carries the room's seq.
        const seq = recent.length > 0 ? recent[recent.length - 1].seq : await messages.lastSeq(roomId);
        return { roomId, seq, messages: recent };
      }
      // The room's end first, then the messages up to it: one consistent view. Read side by side, a message
      // committed between the two reads came back in `messages` beyond the `seq` said, and a client taking
      // `seq` as the end of what it holds counted it again when it arrived live (R3, docs/reliability.md).
      // What is committed after the first read reaches the socket live (it subscribed before).
      const seq = await messages.lastSeq(roomId);
      const page = await messages.page(roomId, { afterSeq: since, beforeSeq: seq + 1, limit: MAX_CATCH_UP + 1 });
      const more = page.length > MAX_CATCH_UP;
      return { roomId, seq, messages: more ? page.slice(0, MAX_CATCH_UP) : page, ...(more ? { more: true } : {}) };
    },

    /** The room's latest messages and seq, read without subscribing (the first screen after signing in). */
    async recent(actor: Actor, roomId: string): Promise<{ roomId: string; seq: number; messages: ChatMessage[] }> {
      await authorize(actor, roomId);
      const recent = await messages.page(roomId, { limit: RECENT_ON_JOIN });
      return { roomId, seq: recent.length > 0 ? recent[recent.length - 1].seq : await messages.lastSeq(roomId), messages: recent };
    },

    /** Stores a message (or finds the one already stored under this clientId). */
    async send(actor: Actor, input: { roomId: string; clientId: string; body: string }): Promise<{ message: ChatMessage; created: boolean }> {
      const body = input.body.trim();
      if (body.length === 0) throw invalid('message is empty');
      if (body.length > MAX_BODY) throw tooLarge(`message is longer than ${MAX_BODY} characters`);
      await authorize(actor, input.roomId);
      if (sendLimiter && !(await sendLimiter.consume(`chat:${actor.id}`))) throw rateLimited('you are sending messages too fast');
      const outcome = await writer.submit({ roomId: input.roomId, author: { id: actor.id, name: actor.name }, clientId: input.clientId, body });
      if (!outcome) throw notFound('room');
      // Those it names hear of it, beside the ack's path rather than on it.
      if (outcome.created && body.includes('@')) void deps.mentions.notify(outcome.message).catch((error) => deps.onMentionError?.(error));
      return outcome;
    },

    /**
     * The rooms among `roomIds` the actor may use, with their latest seq and the actor's read mark (their
     * unread count is the difference). Rooms they may not use are left out, not refused.
     */
    async follow(actor: Actor, roomIds: string[]): Promise<Array<{ roomId: string; lastSeq: number; readSeq: number }>> {
      const allowed: string[] = [];
      for (const roomId of new Set(roomIds)) if (await authorize(actor, roomId).then(() => true, () => false)) allowed.push(roomId);
      const [last, reads] = await Promise.all([messages.lastSeqs(allowed), deps.reads.readsOf(actor.id, allowed)]);
      return allowed.map((roomId) => ({ roomId, lastSeq: last.get(roomId) ?? 0, readSeq: Math.min(reads.get(roomId) ?? 0, last.get(roomId) ?? 0) }));
    },

    /** Marks the room read up to `seq` (never back); returns the mark stored. */
    async markRead(actor: Actor, roomId: string, seq: number): Promise<number> {
      await authorize(actor, roomId);
      const last = await messages.lastSeq(roomId);
      return deps.reads.markRead(actor.id, roomId, Math.min(seq, last));
    },

    async history(actor: Actor, input: { roomId: string; beforeSeq?: number; afterSeq?: number; limit?: number }) {
      await authorize(actor, input.roomId);
      await takeRead(actor);
      const list = await messages.page(input.roomId, { afterSeq: input.afterSeq, beforeSeq: input.beforeSeq, limit: input.limit ?? 50 });
      return { messages: list };
    },

    async remove(actor: Actor, input: { roomId: string; messageId: number }) {
      const { rule, id } = await authorize(actor, input.roomId);
      const message = await messages.findInRoom(input.roomId, input.messageId);
      if (!message) throw notFound('message');
      const moderator = message.author.id !== actor.id && (await rule.canModerate(actor, id));
      (await deps.policy()).assert(actor, 'message.remove', { authorId: message.author.id, moderator });
      await messages.markDeleted(message.id, actor.id);
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
