import { signal } from '@preact/signals';
import type { ChatMessage, User } from '../../server/contract/model';
import type { RoomInfo } from './api';

/** The first screen, as the sign-in answer carries it: rooms with their counts, the home room's latest messages. */
export interface FirstScreen {
  organizerOf: number[];
  rooms: RoomInfo[];
  home: { roomId: string; seq: number; messages: ChatMessage[] } | null;
}

export interface Session {
  token: string;
  user: User;
  /** Present right after signing in (not after a reload, when /api/me is asked instead). */
  first?: FirstScreen;
}

const KEY = 'ks:session';

function read(): Session | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    return saved && { token: saved.token, user: saved.user };
  } catch {
    return null;
  }
}

/** The signed-in member (token and profile), kept across reloads. */
export const session = signal<Session | null>(read());

export function signIn(next: Session): void {
  localStorage.setItem(KEY, JSON.stringify({ token: next.token, user: next.user }));
  session.value = next;
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  session.value = null;
}
