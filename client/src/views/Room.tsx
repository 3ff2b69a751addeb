import { useEffect, useRef, useState } from 'preact/hooks';
import type { User } from '../../../server/contract/model';
import type { ChatStore } from '../chat/chatStore';
import { formatFullTime, formatTime, t, type MessageKey } from '../i18n';

const MAX_BODY = 4000;

function errorText(code: string): string {
  const key = `error.${code}` as MessageKey;
  const text = t(key);
  return text === key ? t('error.generic') : text;
}

/** One chat room: the message log, who is online and typing, and the composer. */
export function Room({ store, roomId, roomName, me, canModerate }: { store: ChatStore; roomId: string; roomName: string; me: User; canModerate: boolean }) {
  const room = store.room.value;
  const pending = store.pending.value.filter((p) => p.roomId === room?.roomId);
  const [draft, setDraft] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const today = new Date().toDateString();

  useEffect(() => {
    const log = logRef.current;
    if (log && stickToBottom.current) log.scrollTop = log.scrollHeight;
  }, [room?.messages.length, pending.length]);

  // Until the store has switched to this room (an effect, after the first render), show nothing rather
  // than the previous room under this room's name, where a message would go to the wrong room.
  if (!room || room.roomId !== roomId) return null;
  const tooLong = draft.trim().length > MAX_BODY;

  function submit(event: Event) {
    event.preventDefault();
    const body = draft.trim();
    if (!body || tooLong) return;
    store.send(roomId, body);
    setDraft('');
    stickToBottom.current = true;
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
  }

  async function remove(messageId: number) {
    if (!confirm(t('message.deleteConfirm'))) return;
    const code = await store.remove(messageId);
    setNotice(code ? errorText(code) : null);
  }

  const typingNames = room.typing.filter((u) => u.until > Date.now()).map((u) => u.name);

  return (
    <div class="room">
      <section class="messages" aria-labelledby="room-title">
        <h1 id="room-title" class="room-title">
          {roomName}
        </h1>
        {room.hasOlder && room.messages.length > 0 && (
          <button type="button" class="link older" onClick={() => void store.loadOlder()}>
            {t('room.loadOlder')}
          </button>
        )}
        <div
          id="messages"
          class="log"
          ref={logRef}
          role="log"
          aria-live="polite"
          aria-label={t('room.messages', { room: roomName })}
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget;
            stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          }}
        >
        <ol>
          {room.loaded && room.messages.length === 0 && pending.length === 0 && <li class="empty">{t('room.empty')}</li>}
          {room.messages.map((m) => {
            const mine = m.author.id === me.id;
            return (
              <li key={m.seq} class={`msg${mine ? ' mine' : ''}${m.deleted ? ' deleted' : ''}`} data-seq={m.seq}>
                <span class="meta">
                  <span class="author">{mine ? t('message.you') : m.author.name}</span>{' '}
                  <time dateTime={m.createdAt} title={formatFullTime(m.createdAt, me.timezone)}>
                    {formatTime(m.createdAt, me.timezone, new Date(m.createdAt).toDateString() !== today)}
                  </time>
                </span>
                <span class="body">{m.deleted ? <em>{t('message.deleted')}</em> : m.body}</span>
                {!m.deleted && (mine || canModerate) && (
                  <button type="button" class="link small" onClick={() => void remove(m.id)} aria-label={`${t('message.delete')}: ${m.body.slice(0, 40)}`}>
                    {t('message.delete')}
                  </button>
                )}
              </li>
            );
          })}
          {pending.map((p) => (
            <li key={p.clientId} class="msg mine pending" data-pending={p.clientId}>
              <span class="meta">
                <span class="author">{t('message.you')}</span> <span class="badge">{p.error ? t('message.failed', { reason: errorText(p.error) }) : t('message.pending')}</span>
              </span>
              <span class="body">{p.body}</span>
              {p.error && (
                <button type="button" class="link small" onClick={() => store.discard(p.clientId)}>
                  {t('message.discard')}
                </button>
              )}
            </li>
          ))}
        </ol>
        </div>
        <p class="typing" aria-live="polite">
          {typingNames.length > 0 ? t('room.typing', { names: typingNames.join(', ') }) : ' '}
        </p>
        {notice && (
          <p class="error" role="alert">
            {notice}
          </p>
        )}
        <form class="composer" onSubmit={submit}>
          <label for="composer" class="visually-hidden">
            {t('composer.label')}
          </label>
          <textarea
            id="composer"
            rows={2}
            value={draft}
            placeholder={t('composer.placeholder')}
            aria-invalid={tooLong}
            aria-describedby={tooLong ? 'composer-error' : undefined}
            onInput={(e) => {
              setDraft(e.currentTarget.value);
              store.typing();
            }}
            onKeyDown={onKeyDown}
          />
          <button type="submit" disabled={!draft.trim() || tooLong}>
            {t('composer.send')}
          </button>
          {tooLong && (
            <p id="composer-error" class="error">
              {t('composer.tooLong', { max: MAX_BODY })}
            </p>
          )}
        </form>
      </section>
      <aside class="online" aria-labelledby="online-title">
        <details open={typeof window !== 'undefined' && window.innerWidth > 700}>
          <summary id="online-title">{t('room.online', { count: room.online.length })}</summary>
          <ul>
            {room.online.map((u) => (
              <li key={u.id}>{u.id === me.id ? `${u.name} (${t('message.you')})` : u.name}</li>
            ))}
          </ul>
        </details>
      </aside>
    </div>
  );
}
