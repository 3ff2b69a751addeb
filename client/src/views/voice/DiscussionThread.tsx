import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Discussion, Reply } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { newClientId } from '../../chat/roomState';
import { codeOf, describeError } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { command, type AppSocket } from '../../socket';
import { BackLink, Page, Said, Unavailable } from '../controls';
import { managedUnits } from '../life/logic';
import { nameOf, useOrgs } from '../orgs';
import { Byline, HiddenPill, tv, voiceError, type Say } from './common';
import { applyDiscussionChange, byOldest, mergeById, repliesClosed } from './logic';
import { ReplyOutbox, type PendingReply } from './replyOutbox';

type Page = { discussion: Discussion; replies: Reply[]; nextCursor?: string | null };
const PAGE = 50;
/** Failures worth sending the same reply again for (the link or the server, not the reply). */
const TRANSIENT = ['offline', 'timeout', 'internal', 'unavailable', 'rate_limited'];

/**
 * A discussion and its replies, oldest first, with new ones arriving live (`discussion:watch`). A reply shows at
 * once as "sending" and goes out with a clientId kept in the browser, so a dropped link sends it again without
 * doubling it. Organizers over the unit lock or hide the thread and hide replies; a lock or a hide reaches every
 * open page at once (`discussion:changed`): the reply box is closed with a notice saying why, a hidden thread is
 * marked. `replyId` (from a search) brings that reply into view, marked.
 */
export function DiscussionThread({ id, token, me, socket, replyId }: { id: number; token: string; me: Me; socket: AppSocket; replyId: number | null }) {
  const orgs = useOrgs(token);
  const [say, setSay] = useState<Say>(null);
  const [discussion, setDiscussion] = useState<Discussion | null>(null);
  const [replies, setReplies] = useState<Reply[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const outbox = useMemo(() => new ReplyOutbox(`ks:replies:${me.user.id}`), [me.user.id]);
  const [pending, setPending] = useState<PendingReply[]>(() => outbox.all(id));
  const [draft, setDraft] = useState('');
  const flushing = useRef(false);
  const atEnd = useRef(false);
  const shownFound = useRef(false);
  const zone = me.user.timezone;
  const organizes = discussion !== null && managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf }).some((o) => o.id === discussion.orgId);

  const refreshPending = () => setPending(outbox.all(id));
  const settle = (stored: Reply[]) => {
    const mine = new Set(stored.filter((r) => r.author.id === me.user.id).map((r) => r.clientId));
    for (const p of outbox.all(id)) if (mine.has(p.clientId)) outbox.remove(p.clientId);
    refreshPending();
  };

  async function loadPage(after?: string): Promise<Page | null> {
    try {
      const page = await apiRequest<Page>('GET', `/api/discussions/${id}?${new URLSearchParams({ limit: String(PAGE), ...(after ? { after } : {}) })}`, token);
      setDiscussion(page.discussion);
      setReplies((old) => mergeById(old, page.replies, byOldest));
      setNext(page.nextCursor ?? null);
      atEnd.current = !page.nextCursor;
      settle(page.replies);
      return page;
    } catch (error) {
      if (!after) setFailed(voiceError(error));
      else setSay({ tone: 'error', text: voiceError(error) });
      return null;
    }
  }

  // The first page, then (for a search result) the pages up to the reply found.
  useEffect(() => {
    let live = true;
    void (async () => {
      let page = await loadPage();
      for (let i = 0; live && page && replyId !== null && !page.replies.some((r) => r.id === replyId) && page.nextCursor && i < 40; i++) page = await loadPage(page.nextCursor);
      if (live) void flush();
    })();
    return () => void (live = false);
  }, [id]);

  // Live replies and changes (locked, hidden) while the page is open; the outbox sent again when the link is back.
  useEffect(() => {
    let live = true;
    const watch = () => void command(socket, 'discussion:watch', { discussionId: id });
    const onReply = (reply: Reply) => {
      if (reply.discussionId !== id) return;
      settle([reply]);
      // Shown only where the list reaches the end (the pages in between come with "more replies").
      if (atEnd.current) setReplies((old) => mergeById(old, [reply], byOldest));
      setDiscussion((d) => (d ? { ...d, lastReplyAt: reply.createdAt } : d));
    };
    const onChanged = (changed: Discussion) => setDiscussion((d) => applyDiscussionChange(d, changed));
    // Back after a dropped link: what changed meanwhile (a lock, a hide) was not heard, so ask once. Not found
    // now (a hidden discussion is, for a member): the box closes as for a hide heard live.
    const catchUp = () =>
      void apiRequest<Page>('GET', `/api/discussions/${id}?limit=1`, token)
        .then((page) => live && onChanged(page.discussion))
        .catch((error) => {
          if (live && codeOf(error) === 'not_found') setDiscussion((d) => (d ? { ...d, hidden: true } : d));
        });
    const onConnect = () => {
      watch();
      catchUp();
      void flush();
    };
    socket.on('discussion:reply', onReply);
    socket.on('discussion:changed', onChanged);
    socket.on('connect', onConnect);
    addEventListener('online', onConnect);
    if (socket.connected) watch();
    return () => {
      live = false;
      socket.off('discussion:reply', onReply);
      socket.off('discussion:changed', onChanged);
      socket.off('connect', onConnect);
      removeEventListener('online', onConnect);
      if (socket.connected) void command(socket, 'discussion:unwatch', { discussionId: id });
    };
  }, [id, socket]);

  // The reply a search found: into view and focused, once.
  useEffect(() => {
    if (replyId === null || shownFound.current) return;
    const found = document.getElementById(`reply-${replyId}`);
    if (!found) return;
    shownFound.current = true;
    found.scrollIntoView({ block: 'center' });
    found.focus({ preventScroll: true });
  }, [replies, replyId]);

  /** Sends what waits, in order, each with its clientId (the server stores a clientId once). */
  async function flush() {
    if (flushing.current) return;
    flushing.current = true;
    try {
      for (const p of outbox.all(id).filter((x) => !x.error)) {
        try {
          const { reply } = await apiRequest<{ reply: Reply }>('POST', `/api/discussions/${id}/replies`, token, { body: p.body, clientId: p.clientId });
          outbox.remove(p.clientId);
          setReplies((old) => mergeById(old, [reply], byOldest));
        } catch (error) {
          const code = codeOf(error);
          if (TRANSIENT.includes(code)) {
            if (code !== 'offline') setTimeout(() => void flush(), code === 'rate_limited' ? 3000 : 5000);
            return; // the same clientId again when the link or the server is back
          }
          outbox.fail(p.clientId, code);
          if (code === 'conflict') setDiscussion((d) => (d ? { ...d, locked: true } : d));
        } finally {
          refreshPending();
        }
      }
    } finally {
      flushing.current = false;
    }
  }

  function send(event: Event) {
    event.preventDefault();
    const body = draft.trim();
    if (!body || closed) return;
    outbox.add({ clientId: newClientId(), discussionId: id, body, createdAt: new Date().toISOString() });
    setDraft('');
    refreshPending();
    void flush();
  }

  async function change(patch: { locked?: boolean; hidden?: boolean }) {
    try {
      const { discussion: changed } = await apiRequest<{ discussion: Discussion }>('PATCH', `/api/discussions/${id}`, token, patch);
      setDiscussion(changed);
      setSay({ tone: 'success', text: tv('discussion.changed') });
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  async function hideReply(reply: Reply, hidden: boolean) {
    try {
      const result = await apiRequest<{ reply?: Reply } | undefined>('PATCH', `/api/replies/${reply.id}`, token, { hidden });
      setReplies((old) => mergeById(old, [result?.reply ?? { ...reply, hidden }], byOldest));
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  if (failed) return <Unavailable href="#/discussions" back={tv('discussion.back')} why={failed} />;
  const count = Math.max(discussion?.replies ?? 0, replies.length);
  // Closed to replies: locked, or hidden from a member who had it open (organizers over it still see it, marked).
  // (While the units load, a hidden thread is taken to be the viewer's to see: only organizers open one.)
  const closed = discussion !== null && repliesClosed(discussion, orgs === null || organizes);
  const closedNote = !discussion || !closed ? null : discussion.locked ? tv('discussion.lockedNote') : tv('discussion.hiddenNow');
  return (
    <Page>
      <BackLink href={discussion ? `#/discussions?orgId=${discussion.orgId}` : '#/discussions'}>{tv('discussion.back')}</BackLink>
      {!discussion && <p role="status">{t('status.loading')}</p>}
      {discussion && (
        <article aria-labelledby="discussion-title">
          <h1 id="discussion-title">{discussion.title}</h1>
          <Byline name={[discussion.author.name, nameOf(orgs, discussion.orgId)].filter(Boolean).join(' · ')} at={discussion.createdAt} zone={zone}>
            {discussion.locked && <span class="pill locked">{tv('discussion.locked')}</span>}
            {discussion.hidden && <HiddenPill />}
          </Byline>
          {discussion.hidden && organizes && <p class="muted small">{tv('voice.hiddenNote')}</p>}
          <div class="prose">{discussion.body}</div>
        </article>
      )}
      <Said say={say} onClose={() => setSay(null)} />
      {discussion && organizes && (
        <div class="actions" role="group" aria-label={tv('discussion.tools')}>
          <button type="button" class="quiet" onClick={() => void change({ locked: !discussion.locked })}>
            {tv(discussion.locked ? 'discussion.unlock' : 'discussion.lock')}
          </button>
          <button type="button" class="quiet" onClick={() => void change({ hidden: !discussion.hidden })}>
            {tv(discussion.hidden ? 'discussion.unhide' : 'discussion.hide')}
          </button>
        </div>
      )}
      {discussion && (
        <section aria-labelledby="replies-title">
          <h2 id="replies-title">{tv('discussion.repliesTitle', { count })}</h2>
          {replies.length === 0 && pending.length === 0 && <p class="empty">{tv('discussion.noReplies')}</p>}
          <ol class="replies">
            {replies.map((r) => {
              const found = r.id === replyId;
              return (
                <li
                  key={r.id}
                  id={`reply-${r.id}`}
                  class={`reply${r.author.id === me.user.id ? ' mine' : ''}${r.hidden ? ' hidden-item' : ''}${found ? ' found' : ''}`}
                  tabIndex={found ? -1 : undefined}
                  aria-current={found ? 'true' : undefined}
                  aria-label={found ? `${tv('reply.found')}: ${r.author.name}` : undefined}
                >
                  <div class="reply-head">
                    <strong class="grow">{r.author.id === me.user.id ? t('message.you') : r.author.name}</strong>
                    <time class="muted small" dateTime={r.createdAt}>
                      {formatFullTime(r.createdAt, zone)}
                    </time>
                    {r.hidden && <HiddenPill />}
                    {organizes && (
                      <button type="button" class="link" aria-label={tv(r.hidden ? 'reply.unhideOf' : 'reply.hideOf', { name: r.author.name })} onClick={() => void hideReply(r, !r.hidden)}>
                        {tv(r.hidden ? 'reply.unhide' : 'reply.hide')}
                      </button>
                    )}
                  </div>
                  <p class="text">{r.body}</p>
                </li>
              );
            })}
            {pending.map((p) => (
              <li key={p.clientId} class="reply mine pending" data-pending={p.clientId}>
                <div class="reply-head">
                  <strong class="grow">{t('message.you')}</strong>
                  <span class="muted small">{p.error ? tv('reply.failed', { reason: p.error === 'conflict' ? tv('reply.locked') : describeError({ code: p.error }) }) : tv('reply.sending')}</span>
                </div>
                <p class="text">{p.body}</p>
                {p.error && (
                  <button
                    type="button"
                    class="link"
                    onClick={() => {
                      outbox.remove(p.clientId);
                      refreshPending();
                    }}
                  >
                    {tv('reply.discard')}
                  </button>
                )}
              </li>
            ))}
          </ol>
          {next && (
            <div class="actions">
              <button type="button" class="quiet" onClick={() => void loadPage(next)}>
                {tv('discussion.moreReplies')}
              </button>
            </div>
          )}
          {/* Said as it happens (a lock or a hide arriving live), without moving the page. */}
          <div role="status" class="reply-closed">
            {closedNote && (
              <p class="notice info" id="reply-closed-note">
                {closedNote}
              </p>
            )}
          </div>
          {/* The box stays, read-only while closed: a draft written before the lock is not lost. */}
          <form class="reply-form" onSubmit={send} aria-describedby={closed ? 'reply-closed-note' : undefined}>
            <label for="reply-body">{tv('reply.label')}</label>
            <textarea
              id="reply-body"
              value={draft}
              maxLength={4000}
              rows={3}
              readOnly={closed}
              aria-disabled={closed || undefined}
              aria-describedby={closed ? 'reply-closed-note' : undefined}
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
            <button type="submit" disabled={closed || !draft.trim()}>
              {tv('reply.send')}
            </button>
          </form>
        </section>
      )}
    </Page>
  );
}
