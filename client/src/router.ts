import { signal } from '@preact/signals';

/** The page's place, from the URL hash: #/room/org:3, #/meetings, #/meetings/7, #/meetings/new, #/notifications. */
export const route = signal<string>(location.hash.replace(/^#/, '') || '/');
addEventListener('hashchange', () => (route.value = location.hash.replace(/^#/, '') || '/'));

export function go(path: string): void {
  location.hash = path;
}
