import type { ChatMessage, UserRef } from '../contract/model';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { UsersRepo } from '../db/repositories/users';
import type { OrgDirectory } from './orgDirectory';
import type { UnitOfWork } from './unitOfWork';

/** At most this many people are notified by one message. */
export const MAX_MENTIONS = 20;

/**
 * The people a message mentions: `@` followed by the full name of someone who may use the room (the
 * client's composer completes names from the room). Longer names win, so "@张伟 Zhang Wei" is one person
 * even when someone is called "张伟". The author is never mentioned.
 */
export function mentioned(body: string, people: UserRef[], authorId: number): UserRef[] {
  if (!body.includes('@')) return [];
  let text = body;
  const found: UserRef[] = [];
  for (const person of [...people].sort((a, b) => b.name.length - a.name.length)) {
    const tag = `@${person.name}`;
    if (person.id === authorId || !person.name || !text.includes(tag)) continue;
    found.push(person);
    text = text.split(tag).join(' '); // a shorter name inside this one is not a second mention
    if (found.length === MAX_MENTIONS) break;
  }
  return found;
}

/** Notifies the people a stored message mentions (after it was stored; never blocks the send). */
export function createMentions(deps: { users: UsersRepo; meetings: Pick<MeetingsRepo, 'find' | 'userIdsWithStatus'>; directory: OrgDirectory; uow: UnitOfWork }) {
  /** Who may use the room: its members and its organizers. */
  async function peopleOf(roomId: string): Promise<{ name: string; people: UserRef[] } | null> {
    const [kind, raw] = roomId.split(':');
    const id = Number(raw);
    const tree = await deps.directory.current();
    const organizersAbove = (orgId: number) => [...tree.lineage(orgId)].flatMap((org) => tree.organizersOfUnit(org.id));
    if (kind === 'org') {
      const org = tree.get(id);
      if (!org) return null;
      const members = await deps.users.listActiveInBranches(tree.branchesUnder(id));
      const organizers = await deps.users.findActiveByIds(organizersAbove(id));
      return { name: org.name, people: [...members, ...organizers] };
    }
    const meeting = await deps.meetings.find(id);
    if (!meeting) return null;
    const ids = [...(await deps.meetings.userIdsWithStatus(id, ['confirmed', 'attended'])), ...organizersAbove(meeting.hostOrgId)];
    return { name: meeting.title, people: await deps.users.findActiveByIds([...new Set(ids)]) };
  }

  return {
    async notify(message: ChatMessage): Promise<void> {
      if (!message.body.includes('@')) return;
      const room = await peopleOf(message.roomId);
      if (!room) return;
      const people = mentioned(message.body, room.people.map((p) => ({ id: p.id, name: p.name })), message.author.id);
      if (people.length === 0) return;
      const data = { roomId: message.roomId, roomName: room.name, messageId: message.id, seq: message.seq, from: message.author, excerpt: message.body.slice(0, 140) };
      await deps.uow.run((_tx, effects) => effects.notify(people.map((p) => ({ userId: p.id, kind: 'mention' as const, data }))));
    },
  };
}

export type Mentions = ReturnType<typeof createMentions>;
