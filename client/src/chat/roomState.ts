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
