import { useEffect, useRef, useState } from 'preact/hooks';
import { SEARCH_KINDS, type SearchKind, type SearchResult } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { searchTerms } from '../../highlight';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { Page } from '../controls';
import { Marked, tv, voiceError } from './common';
import { resultLink, resultRoom, searchPath } from './logic';

const MAX_QUERY = 200;
/** Kinds one may narrow to. */
const KINDS = SEARCH_KINDS;

/**
 * One search box for messages, discussions, replies, posts and announcements. The search is in the address
 * (`#/search?q=党费&kind=message`), so back returns to the results; each result opens where it is (the message
 * in its room, scrolled to it), its snippet with the words searched marked.
 */
export function SearchPage({ token, me, query, kind }: { token: string; me: Me; query: string; kind: string }) {
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const terms = searchTerms(query);
  const zone = me.user.timezone;

  // Opened from the header's button: ready to type.
  useEffect(() => {
    if (!query) input.current?.focus();
  }, []);
  useEffect(() => {
    setError(null);
    if (!query.trim()) return setResults(null);
    setResults(null);
    let live = true;
    const params = new URLSearchParams({ q: query.trim().slice(0, MAX_QUERY), limit: '30', ...(kind ? { kind } : {}) });
    apiRequest<{ results: SearchResult[] }>('GET', `/api/search?${params}`, token)
      .then((r) => live && setResults(r.results))
      .catch((e) => {
        if (!live) return;
        setResults([]);
        setError(voiceError(e));
      });
    return () => void (live = false);
  }, [query, kind]);

  function submit(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const q = String(data.get('q') ?? '').trim();
    if (!q) return input.current?.focus();
    go(searchPath(q, String(data.get('kind') ?? '')));
  }

  return (
    <Page>
      <h1>{t('nav.search')}</h1>
      <form class="search-form" role="search" onSubmit={submit} key={`${query}|${kind}`}>
        <label for="search-q">{tv('search.label')}</label>
        <div class="search-row">
          <input ref={input} id="search-q" type="search" name="q" defaultValue={query} maxLength={MAX_QUERY} enterKeyHint="search" aria-describedby={query ? undefined : 'search-hint'} />
          <button type="submit">{tv('search.submit')}</button>
        </div>
        <label class="search-kind">
          {tv('search.kind')}
          <select name="kind" defaultValue={kind}>
            <option value="">{tv('search.kind.all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {tv(`search.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {!query && (
        <p id="search-hint" class="muted small">
          {tv('search.hint')}
        </p>
      )}
      {error && <Notice tone="error">{error}</Notice>}
      {query && results === null && !error && <p role="status">{t('status.loading')}</p>}
      {results && (
        <p role="status" class="muted">
          {results.length === 0 ? tv('search.none', { q: query }) : tv('search.count', { count: results.length })}
        </p>
      )}
      <ul class="cards">
        {(results ?? []).map((r) => {
          const link = resultLink(r, query);
          // A message is named by its room (as the server names it) and author, a reply by its discussion.
          const title = r.kind === 'message' ? [resultRoom(r, me.rooms), r.title].filter(Boolean).join(' · ') : r.kind === 'reply' ? tv('search.replyIn', { title: r.title }) : r.title;
          return (
            <li key={`${r.kind}-${r.id}`} class="card">
              <div class="card-row">
                <span class="pill kind">{tv(`search.kind.${r.kind as SearchKind}`)}</span>
                <time class="muted small" dateTime={r.createdAt}>
                  {formatFullTime(r.createdAt, zone)}
                </time>
              </div>
              {link ? (
                <a class="result-link" href={link}>
                  <strong>
                    <Marked text={title} terms={terms} />
                  </strong>
                </a>
              ) : (
                <strong>
                  <Marked text={title} terms={terms} /> <span class="muted small">{tv('search.noPage')}</span>
                </strong>
              )}
              <p class="snippet">
                <Marked text={r.snippet} terms={terms} />
              </p>
            </li>
          );
        })}
      </ul>
    </Page>
  );
}
