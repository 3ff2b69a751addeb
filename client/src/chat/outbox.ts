import type { ChatMessage } from '../../../server/contract/model';
import { newest } from './roomState';

/** A message the member wrote that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  roomId: string;
  body: string;
  createdAt: string;
  /** Set when the server refused it for good (not for being offline). */
  error?: string;
}

/**
 * The member's unsent messages, kept in localStorage so they survive going offline, a reload or a
 * closed tab, and are resent with the same clientId (which the server stores once).
 */
export class Outbox {
  constructor(private readonly key: string) {}

  all(): PendingMessage[] {
    try {
      return JSON.parse(localStorage.getItem(this.key) ?? '[]') as PendingMessage[];
    } catch {
      return [];
    }
  }

  add(message: PendingMessage): void {
    this.save([...this.all(), message]);
  }

  remove(clientId: string): void {
    this.save(this.all().filter((m) => m.clientId !== clientId));
  }

  fail(clientId: string, error: string): void {
    this.save(this.all().map((m) => (m.clientId === clientId ? { ...m, error } : m)));
  }

  private save(list: PendingMessage[]): void {
    localStorage.setItem(this.key, JSON.stringify(list));
  }
}

const CACHED_PER_ROOM = 200;

/** The newest messages of each room the member opened, kept in the browser between visits (shown before the server answers). */
export class RoomCache {
  constructor(private readonly userId: number) {}

  read(roomId: string): ChatMessage[] {
    try {
      return JSON.parse(localStorage.getItem(this.key(roomId)) ?? '[]') as ChatMessage[];
    } catch {
      return [];
    }
  }

  write(roomId: string, messages: readonly ChatMessage[]): void {
    try {
      localStorage.setItem(this.key(roomId), JSON.stringify(newest(messages, CACHED_PER_ROOM)));
    } catch {
      // Storage full or disabled: the server still has everything.
    }
  }

  private key = (roomId: string) => `ks:room:${this.userId}:${roomId}`;
}
