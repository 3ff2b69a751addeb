/**
 * Lists that come a page at a time (calls for projects, the library, announcements, discussions, blogs, the
 * audit log, lost contact, the transfer queue): the paging itself, the list with its loading and empty lines
 * and its "load more", and the card most of them show. Only pages loaded on demand import it.
 */
import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiRequest } from '../api';
import { t } from '../i18n';
import { LoadMore } from './controls';
import { appendPage } from './voice/logic';

/** A paged list as a page holds it. */
export interface PagedList<T> {
  /** What is shown, null while the first page loads. */
  list: T[] | null;
  /** The cursor of the next page, null at the end. */
  next: string | null;
  /** Changes what is shown (one made here, one arriving live). */
  setList: (update: (old: T[] | null) => T[] | null) => void;
  /** Loads the first page again (what is shown cleared meanwhile). */
  reload: () => void;
  /** Loads the page at `cursor` after what is shown. */
  onMore: (cursor: string) => void;
}

/** The address of the page at `cursor` of a list at `path` (its query without the cursor). */
export const pagePath = (path: string, cursor?: string) => (cursor ? `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams({ before: cursor })}` : path);

/**
 * A list read a page at a time from `path` (`/api/tenders?limit=20&status=open`; null: nothing to read yet),
 * the items in the answer's `field`. A new path reads from the first page, with no stale rows meanwhile; an
 * answer for a path no longer shown is dropped. A page already partly shown (an item arrived live) adds only
 * what is new. A failure goes to `onError` and leaves what is shown (an empty list if nothing was).
 */
export function usePagedList<T>(token: string, path: string | null, field: string, onError: (error: unknown) => void, idOf: (item: T) => number = (item) => (item as { id: number }).id): PagedList<T> {
  const [list, setList] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const reading = useRef(0); // which reading of the list is current: an answer to an older one is dropped
  const report = useRef(onError);
  report.current = onError;

  async function load(cursor?: string) {
    if (path === null) return;
    const turn = cursor ? reading.current : ++reading.current;
    if (!cursor) setList(null);
    try {
      const page = await apiRequest<Record<string, unknown> & { nextCursor?: string | null }>('GET', pagePath(path, cursor), token);
      if (turn !== reading.current) return;
      const items = page[field] as T[];
      setList((old) => (cursor ? appendPage(old ?? [], items, idOf) : items));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      if (turn !== reading.current) return;
      setList((old) => old ?? []);
      report.current(error);
    }
  }
  useEffect(() => void load(), [token, path]);
  return { list, next, setList, reload: () => void load(), onMore: (cursor) => void load(cursor) };
}

/**
 * A list of cards: "loading" until it has come, `empty` when there is nothing, each item as `children` makes it
 * (an `<li>`), and "load more" when another page waits.
 */
export function Cards<T>({ list, empty, next, onMore, children }: { list: readonly T[] | null; empty?: string; next?: string | null; onMore?: (cursor: string) => void; children: (item: T) => VNode }) {
  return (
    <>
      {list === null && <p role="status">{t('status.loading')}</p>}
      {list?.length === 0 && empty !== undefined && <p class="empty">{empty}</p>}
      <ul class="cards">{(list ?? []).map(children)}</ul>
      {onMore && <LoadMore next={next} onMore={onMore} />}
    </>
  );
}

/**
 * An item of a list as a card: its title a heading that links to it, with what marks it beside it (pills), a
 * short excerpt, then its lines (`children`, e.g. a `Meta`).
 */
export function Card(props: { href: string; title: string; marks?: ComponentChildren; excerpt?: string; class?: string; children?: ComponentChildren }) {
  const { href, title, marks, excerpt, children } = props;
  const heading = (
    <h2 class={marks === undefined ? undefined : 'grow'}>
      <a href={href}>{title}</a>
    </h2>
  );
  return (
    <li class={props.class ? `card ${props.class}` : 'card'}>
      {marks === undefined ? (
        heading
      ) : (
        <div class="card-row">
          {heading}
          {marks}
        </div>
      )}
      {excerpt !== undefined && <p class="excerpt">{excerpt}</p>}
      {children}
    </li>
  );
}

/** A card's or a page's line of small facts (who, where, when, how many), side by side. */
export function Meta({ children }: { children: ComponentChildren }) {
  return <p class="byline muted small">{children}</p>;
}
