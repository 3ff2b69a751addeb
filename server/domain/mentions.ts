import type { Actor, ChatMessage, User, UserRef } from '../contract/model';
import type { MeetingsRepo } from '../db/repositories/meetings';
import type { UsersRepo } from '../db/repositories/users';
import type { RoomRule } from './chat';
import type { OrgDirectory } from './orgDirectory';
import type { UnitOfWork } from './unitOfWork';

/** At most this many people are notified by one message. */
export const MAX_MENTIONS = 20;
/** `@` signs looked at in one message, and the longest name a mention can spell. */
const MAX_AT_SIGNS = 20;
const MAX_NAME = 64;
/** Accounts read for one message at most, and room checks made for them. */
const MAX_CANDIDATES = 200;
const MAX_CHECKS = 60;

/**
 * The names a message could be mentioning: what follows each `@` (the first 20), cut after every
 * character up to 64. Names are looked up by these exact strings, so the accounts read for one
 * message are bounded whatever the size of the room (a committee room reaches a whole district).
 */
export function candidateNames(body: string): string[] {
  const names = new Set<string>();
  let at = body.indexOf('@');
  for (let seen = 0; at >= 0 && seen < MAX_AT_SIGNS; seen++, at = body.indexOf('@', at + 1)) {
    const after = body.slice(at + 1, at + 1 + MAX_NAME).split('\n')[0];
    for (let end = 1; end <= after.length; end++) {
      const name = after.slice(0, end);
      if (!/\s$/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * The people a message mentions, among `people`: `@` followed by their full name. Longer names win, so
 * "@张伟 Zhang Wei" is one person even when someone is called "张伟". The author is never mentioned;
 * `mayUse` keeps out those who cannot read the room (they are never told what was said there).
 */
export async function mentioned(body: string, people: UserRef[], authorId: number, mayUse: (person: UserRef) => Promise<boolean> = async () => true): Promise<UserRef[]> {
  if (!body.includes('@')) return [];
  let text = body;
  let checks = 0;
  const found: UserRef[] = [];
  for (const person of [...people].sort((a, b) => b.name.length - a.name.length)) {
    const tag = `@${person.name}`;
    if (person.id === authorId || !person.name || !text.includes(tag)) continue;
    if (++checks > MAX_CHECKS) break;
    if (!(await mayUse(person))) continue;
    found.push(person);
    text = text.split(tag).join(' '); // a shorter name inside this one is not a second mention
    if (found.length === MAX_MENTIONS) break;
  }
  return found;
}

const asActor = (user: User): Actor => ({ id: user.id, name: user.name, role: user.role, branchId: user.branchId, tokenId: 0 });

/** Notifies the people a stored message mentions (after it was stored; never blocks the send). */
export function createMentions(deps: { users: Pick<UsersRepo, 'findActiveByNames'>; meetings: Pick<MeetingsRepo, 'find'>; rules: Record<string, RoomRule>; directory: OrgDirectory; uow: UnitOfWork }) {
  async function roomName(kind: string, id: number): Promise<string | null> {
    if (kind === 'org') return (await deps.directory.current()).get(id)?.name ?? null;
    return (await deps.meetings.find(id))?.title ?? null;
  }

  return {
    async notify(message: ChatMessage): Promise<void> {
      if (!message.body.includes('@')) return;
      const [kind, raw] = message.roomId.split(':');
      const id = Number(raw);
      const rule = deps.rules[kind];
      const name = rule ? await roomName(kind, id) : null;
      if (!rule || name === null) return;
      const accounts = await deps.users.findActiveByNames(candidateNames(message.body), MAX_CANDIDATES);
      const byId = new Map(accounts.map((u) => [u.id, u]));
      const people = await mentioned(message.body, accounts.map((u) => ({ id: u.id, name: u.name })), message.author.id, async (p) => (await rule.canUse(asActor(byId.get(p.id)!), id)) === true);
      if (people.length === 0) return;
      const data = { roomId: message.roomId, roomName: name, messageId: message.id, seq: message.seq, from: message.author, excerpt: message.body.slice(0, 140) };
      await deps.uow.run((_tx, effects) => effects.notify(people.map((p) => ({ userId: p.id, kind: 'mention' as const, data }))));
    },
  };
}

export type Mentions = ReturnType<typeof createMentions>;
