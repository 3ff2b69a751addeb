/** The tab bar's icons: simple strokes, hidden from screen readers (the tab's text names it). */
const paths = {
  chat: 'M4 5h16v11H9l-5 4z',
  video: 'M3 7h12v10H3zM15 11l6-4v10l-6-4',
  meetings: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5',
  dues: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M8 8l4 5l4-5M12 13v5M9 14h6',
  notifications: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20h4',
  manage: 'M4 20v-2a5 5 0 0 1 10 0v2M9 4a3 3 0 1 0 0 6a3 3 0 1 0 0-6M16 8h5M16 12h5M18 16h3',
  voice: 'M3 10v4h3l7 4V6l-7 4zM16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12',
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M15.5 15.5L20 20',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d={paths[name]} />
    </svg>
  );
}
