import { signal } from '@preact/signals';
import type { User } from '../../server/contract/model';

export interface Session {
  token: string;
  user: User;
}

const KEY = 'ks:session';

function read(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}

/** The signed-in member (token and profile), kept across reloads. */
export const session = signal<Session | null>(read());

export function signIn(next: Session): void {
  localStorage.setItem(KEY, JSON.stringify(next));
  session.value = next;
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  session.value = null;
}
