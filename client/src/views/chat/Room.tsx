import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChatMessage, User, UserRef } from '../../../../server/contract/model';
import type { ChatStore } from '../../chat/chatStore';
import { layoutLog, splitMentions } from '../../chat/roomState';
import { describeError, Notice } from '../../errors';
import { highlightParts, searchTerms } from '../../highlight';
import { formatDay, formatFullTime, formatTime, t } from '../../i18n';
import { go } from '../../router';
import { Composer } from './Composer';
import { MessageMenu } from './MessageMenu';

const NEAR_BOTTOM_PX = 60;
const NEAR_TOP_PX = 120;

/**
 * One chat room: its name and who is online, the message log (day separators, blocks per author), the composer.
 * Opened at a message (a search result, `query` what was searched), it scrolls that message into view, marks it
 * (the words searched too) and moves the focus to it.
 */
export function Room({ store, roomId, roomName, me, canModerate, onBack, query = '' }: { store: ChatStore; roomId: string; roomName: string; me: User; canModerate: boolean; onBack: () => void; query?: string }) {
  const room = store.room.value;
  const pending = store.pending.value.filter((p) => p.roomId === roomId);
  const offline = store.connection.value !== 'online';
  const [notice, setNotice] = useState<string | null>(null);
  const [menuFor, setMenuFor] = useState<number | null>(null);
  const [newBelow, setNewBelow] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(room?.roomId !== roomId || room.focus === null);
  /** The found message already brought into view (it is not brought back on every new message). */
  const shownFocus = useRef<number | null>(null);
  const focus = room?.roomId === roomId ? room.focus : null;
  const terms = useMemo(() => searchTerms(query), [query]);
  const anchor = useRef<{ firstSeq: number; fromBottom: number } | null>(null);

  const messages = room?.roomId === roomId ? room.messages : [];
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const items = useMemo(() => layoutLog(messages, me.timezone), [messages, me.timezone]);
  // Names a message may mention: who is online and who has written here.
  const people = useMemo(() => {
    const byId = new Map<number, UserRef>();
    for (const m of messages) byId.set(m.author.id, m.author);
    for (const u of room?.online ?? []) byId.set(u.id, u);
    return [...byId.values()];
  }, [messages, room?.online]);
  const names = useMemo(() => people.map((p) => p.name), [people]);

  // New messages: stay at the bottom if the reader was there; older ones prepended: keep the reader's place.
  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    // Opened at a message: once it is here, it is what the reader sees (in the middle) and where focus is.
    if (focus !== null && shownFocus.current !== focus) {
      const found = log.querySelector<HTMLElement>(`li.msg[data-seq="${focus}"]`);
      if (found) {
        shownFocus.current = focus;
        atBottom.current = false;
        found.scrollIntoView({ block: 'center' });
        found.focus({ preventScroll: true });
        return;
      }
      if (!room?.loaded) return;
      shownFocus.current = focus; // not in the room (any more): its end, as usual
      atBottom.current = true;
    }
    if (focus === null) shownFocus.current = null;
    const kept = anchor.current;
    if (kept && messages[0] && messages[0].seq < kept.firstSeq) {
      log.scrollTop = log.scrollHeight - kept.fromBottom;
      anchor.current = null;
      return;
    }
    if (atBottom.current) log.scrollTop = log.scrollHeight;
    else if (lastSeq && !room?.hasNewer) setNewBelow(true);
  }, [messages, pending.length, focus, room?.loaded]);

  // What is on screen at the bottom has been read.
  useEffect(() => {
    if (atBottom.current && lastSeq && !document.hidden) store.seen(lastSeq);
  }, [lastSeq]);

  // Until the store has switched to this room (an effect, after the first render), show nothing rather
  // than the previous room under this room's name, where a message would go to the wrong room.
  if (!room || room.roomId !== roomId) return <section class="room" aria-busy="true" />;

  async function loadOlder() {
    const log = logRef.current;
    if (!log || !room || room.loadingOlder || !room.hasOlder || messages.length === 0) return;
    anchor.current = { firstSeq: messages[0].seq, fromBottom: log.scrollHeight - log.scrollTop };
    if ((await store.loadOlder()) === 0) anchor.current = null;
  }

  function onScroll() {
    const log = logRef.current;
    if (!log || !room) return;
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
    // A window of older messages: its bottom is not the room's end; the next page comes instead.
    if (nearBottom && room.hasNewer) void store.loadNewer();
    atBottom.current = nearBottom && !room.hasNewer;
    if (atBottom.current) {
      setNewBelow(false);
      if (lastSeq) store.seen(lastSeq);
    }
    if (log.scrollTop < NEAR_TOP_PX) void loadOlder();
  }

  function toBottom() {
    if (room?.hasNewer || focus !== null) {
      // The room's own address: its end, live (ChatPage opens it so).
      atBottom.current = true;
      setNewBelow(false);
      go(`/room/${roomId}`);
      return;
    }
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
    atBottom.current = true;
    setNewBelow(false);
    store.seen(lastSeq);
  }

  /** Arrow keys move between messages (one tab stop for the whole log); Enter opens a message's menu. */
  function onKeyDown(event: KeyboardEvent) {
    const log = logRef.current;
    if (!log || !['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) return;
    const all = [...log.querySelectorAll<HTMLElement>('li.msg[data-id]')];
    if (all.length === 0) return;
    event.preventDefault();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? all.length - 1 : event.key === 'ArrowUp' ? (index < 0 ? all.length - 1 : Math.max(0, index - 1)) : Math.min(all.length - 1, index + 1);
    all[next].focus();
    if (next === 0) void loadOlder();
    if (next === all.length - 1 && room?.hasNewer) void store.loadNewer();
  }

  async function remove(message: ChatMessage) {
    setMenuFor(null);
    if (!confirm(t('message.deleteConfirm'))) return;
    const code = await store.remove(message.id);
    setNotice(code ? describeError({ code }) : null);
  }

  const typingNames = room.typing.filter((u) => u.until > Date.now()).map((u) => u.name);
  const online = offline ? [] : room.online;

  return (
    <section class="room" aria-labelledby="room-title">
      <div class="room-head">
        <button type="button" class="icon back" aria-label={t('room.back')} onClick={onBack}>
          ‹
        </button>
        <h1 id="room-title">{roomName}</h1>
        <details>
          <summary aria-label={offline ? t('room.onlineUnknown') : t('room.online', { count: online.length })}>{offline ? t('room.onlineUnknownShort') : t('room.online', { count: online.length })}</summary>
          <ul class={`online-list${offline ? ' stale' : ''}`}>
            {offline && <li class="muted">{t('room.onlineUnknown')}</li>}
            {online.map((u) => (
              <li key={u.id}>{u.id === me.id ? `${u.name} (${t('message.you')})` : u.name}</li>
            ))}
          </ul>
        </details>
      </div>
      {notice && <Notice tone="error" onClose={() => setNotice(null)}>{notice}</Notice>}
      <div class="chat-body">
        <div id="messages" class="log" ref={logRef} role="log" aria-label={t('room.messages', { room: roomName })} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown}>
          <p class="older-status" aria-live="polite">
            {room.loadingOlder ? t('room.loadingOlder') : room.hasOlder ? '' : messages.length > 0 ? t('room.start') : ''}
          </p>
          <ol>
            {!room.loaded && messages.length === 0 && <li class="empty" role="status">{t('status.loading')}</li>}
            {room.loaded && messages.length === 0 && pending.length === 0 && <li class="empty">{t('room.empty')}</li>}
            {items.map((item) =>
              item.kind === 'day' ? (
                <li key={`day-${item.day}`} class="day">
                  <span>{formatDay(item.at, me.timezone)}</span>
                </li>
              ) : (
                <MessageItem
                  key={item.message.seq}
                  message={item.message}
                  first={item.first}
                  me={me}
                  names={names}
                  canDelete={!item.message.deleted && (item.message.author.id === me.id || canModerate)}
                  found={item.message.seq === focus}
                  terms={item.message.seq === focus ? terms : NO_TERMS}
                  menuOpen={menuFor === item.message.id}
                  onMenu={(open) => setMenuFor(open ? item.message.id : null)}
                  onDelete={() => void remove(item.message)}
                />
              ),
            )}
            {room.hasNewer && (
              <li class="older-status" aria-live="polite">
                {room.loadingNewer ? t('room.loadingNewer') : t('room.moreBelow')}
              </li>
            )}
            {!room.hasNewer && pending.map((p) => (
              <li key={p.clientId} class="msg mine pending first" data-pending={p.clientId}>
                <span class="meta">
                  <span class="author">{t('message.you')}</span> <span>{p.error ? t('message.failed', { reason: describeError({ code: p.error }) }) : t('message.pending')}</span>
                </span>
                <span class="body">{p.body}</span>
                {p.error && (
                  <button type="button" class="link" onClick={() => store.discard(p.clientId)}>
                    {t('message.discard')}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </div>
        {(newBelow || room.hasNewer) && (
          <button type="button" class="jump secondary" onClick={toBottom}>
            {t(room.hasNewer ? 'room.toLatest' : 'room.newBelow')}
          </button>
        )}
      </div>
      <p class="typing" aria-live="polite">
        {typingNames.length > 0 ? t(typingNames.length > 1 ? 'room.typingMany' : 'room.typing', { names: typingNames.join(t('list.separator')) }) : ''}
      </p>
      <Composer
        people={people.filter((p) => p.id !== me.id)}
        onSend={(body) => {
          store.send(roomId, body);
          atBottom.current = true;
        }}
        onTyping={() => store.typing()}
      />
    </section>
  );
}

const NO_TERMS: string[] = [];

function MessageItem({ message, first, found, terms, me, names, canDelete, menuOpen, onMenu, onDelete }: {
  message: ChatMessage;
  first: boolean;
  /** The message a search opened the room at: marked, with the words searched. */
  found: boolean;
  terms: readonly string[];
  me: User;
  names: string[];
  canDelete: boolean;
  menuOpen: boolean;
  onMenu: (open: boolean) => void;
  onDelete: () => void;
}) {
  const mine = message.author.id === me.id;
  const author = mine ? t('message.you') : message.author.name;
  const time = formatTime(message.createdAt, me.timezone, false);
  return (
    <li
      class={`msg${mine ? ' mine' : ''}${first ? ' first' : ''}${message.deleted ? ' deleted' : ''}${found ? ' found' : ''}`}
      data-seq={message.seq}
      data-id={message.id}
      tabIndex={-1}
      aria-current={found ? 'true' : undefined}
      aria-label={`${found ? `${t('room.found')}: ` : ''}${author}, ${time}: ${message.deleted ? t('message.deleted') : message.body}`}
      onKeyDown={(e) => {
        if ((e.key === 'Enter' || e.key === 'ContextMenu') && e.target === e.currentTarget) {
          e.preventDefault();
          onMenu(true);
        }
      }}
    >
      {first && (
        <span class="meta" aria-hidden="true">
          <span class="author">{author}</span>{' '}
          <time dateTime={message.createdAt} title={formatFullTime(message.createdAt, me.timezone)}>
            {time}
          </time>
        </span>
      )}
      <span class="body" aria-hidden="true">
        {message.deleted ? (
          <em>{t('message.deleted')}</em>
        ) : (
          splitMentions(message.body, names).map((part, i) =>
            part.mention ? (
              <mark key={i} class={`mention${part.mention === me.name ? ' me' : ''}`}>{part.text}</mark>
            ) : terms.length > 0 ? (
              highlightParts(part.text, terms).map((piece, j) => (piece.match ? <mark key={`${i}-${j}`} class="hit">{piece.text}</mark> : piece.text))
            ) : (
              part.text
            ),
          )
        )}
      </span>
      {!message.deleted && <MessageMenu open={menuOpen} onOpen={onMenu} body={message.body} canDelete={canDelete} onDelete={onDelete} />}
    </li>
  );
}
