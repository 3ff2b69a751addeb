import type { ChatMessage } from '../../../server/contract/model';

/**
 * Pure helpers for a room's message list: sorted by seq, one entry per seq, newer copies (a deletion)
 * replacing older ones. Kept free of DOM and sockets so they are unit-tested directly.
 */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current as ChatMessage[];
  const bySeq = new Map<number, ChatMessage>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The highest seq up to which the list has no hole, counting from its first message. This is what
 * the client asks to catch up from (`since`), so a message lost in transit is fetched again.
 */
export function contiguousSeq(messages: readonly ChatMessage[], floor = 0): number {
  if (messages.length === 0) return floor;
  let seq = Math.max(floor, messages[0].seq - 1);
  for (const message of messages) {
    if (message.seq <= seq) continue;
    if (message.seq !== seq + 1) break;
    seq = message.seq;
  }
  return seq;
}

export function markDeleted(messages: readonly ChatMessage[], messageId: number): ChatMessage[] {
  return messages.map((m) => (m.id === messageId ? { ...m, deleted: true, body: '' } : m));
}

/**
 * A window of messages around one a search opened (`shown`) beside the room's latest page (`recent`): one list,
 * live, when the window reaches the latest page (or either is empty); else the window alone, still apart from
 * the room's end.
 */
export function joinWindow(shown: ChatMessage[], recent: readonly ChatMessage[]): { messages: ChatMessage[]; live: boolean } {
  const last = shown.length > 0 ? shown[shown.length - 1].seq : 0;
  if (shown.length === 0 || recent.length === 0 || last + 1 >= recent[0].seq) return { messages: mergeMessages(shown, recent), live: true };
  return { messages: shown, live: false };
}

/** Keeps the newest `limit` messages (what is cached in the browser between visits). */
export function newest(messages: readonly ChatMessage[], limit: number): ChatMessage[] {
  return messages.length > limit ? messages.slice(messages.length - limit) : (messages as ChatMessage[]);
}

/**
 * The pending messages that a list of stored messages shows to be stored already: the author's own,
 * matched by clientId. A live broadcast can beat the send's ack, and a history page after a drop can
 * hold a message whose ack was lost; either way it must stop showing as pending.
 */
export function storedClientIds(stored: readonly ChatMessage[], pending: readonly { clientId: string }[], authorId: number): string[] {
  const waiting = new Set(pending.map((p) => p.clientId));
  return stored.filter((m) => m.author.id === authorId && waiting.has(m.clientId)).map((m) => m.clientId);
}

/** A client id for a new message: unique per author, safe in the contract's [A-Za-z0-9_-]{1,64}. */
export function newClientId(): string {
  const random = crypto.getRandomValues(new Uint8Array(9));
  return `c${Date.now().toString(36)}${[...random].map((b) => b.toString(36).padStart(2, '0')).join('')}`.slice(0, 64);
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD (for day separators). */
export function dayOf(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

/** A message on screen, or the separator before the first message of a day. */
export type LogItem = { kind: 'day'; day: string; at: string } | { kind: 'message'; message: ChatMessage; first: boolean };

/** Messages of one author within this long of each other read as one block (name and time shown once). */
const GROUP_MS = 5 * 60_000;

/**
 * The log as shown: a separator at each new day (in the reader's zone), and each message marked `first`
 * when it starts a block (another author, a new day, or a pause of more than five minutes).
 */
export function layoutLog(messages: readonly ChatMessage[], timeZone: string): LogItem[] {
  const out: LogItem[] = [];
  let previous: ChatMessage | null = null;
  let day = '';
  for (const message of messages) {
    const today = dayOf(message.createdAt, timeZone);
    const newDay = today !== day;
    if (newDay) out.push({ kind: 'day', day: today, at: message.createdAt });
    day = today;
    const first = newDay || !previous || previous.author.id !== message.author.id || Date.parse(message.createdAt) - Date.parse(previous.createdAt) > GROUP_MS;
    out.push({ kind: 'message', message, first });
    previous = message;
  }
  return out;
}

/** A message body cut into plain text and `@name` mentions of the names given (longest first). */
export function splitMentions(body: string, names: readonly string[]): Array<{ text: string; mention?: string }> {
  const known = [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!body.includes('@') || known.length === 0) return [{ text: body }];
  const out: Array<{ text: string; mention?: string }> = [];
  let rest = body;
  while (rest.length > 0) {
    const at = rest.indexOf('@');
    if (at < 0) break;
    const name = known.find((n) => rest.startsWith(n, at + 1));
    if (!name) {
      out.push({ text: rest.slice(0, at + 1) });
      rest = rest.slice(at + 1);
      continue;
    }
    if (at > 0) out.push({ text: rest.slice(0, at) });
    out.push({ text: `@${name}`, mention: name });
    rest = rest.slice(at + 1 + name.length);
  }
  if (rest) out.push({ text: rest });
  return out.reduce<Array<{ text: string; mention?: string }>>((merged, part) => {
    const last = merged.at(-1);
    if (last && !last.mention && !part.mention) last.text += part.text;
    else merged.push({ ...part });
    return merged;
  }, []);
}

/** The `@partial` being typed just before the caret, if any (for completing a name). */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || (at > 0 && !/\s/.test(before[at - 1]))) return null;
  const query = before.slice(at + 1);
  if (query.length > 30 || /[\n@]/.test(query)) return null;
  return { start: at, query };
}
