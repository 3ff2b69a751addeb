import { useMemo, useRef, useState } from 'preact/hooks';
import type { UserRef } from '../../../../server/contract/model';
import { mentionAt } from '../../chat/roomState';
import { t } from '../../i18n';

const MAX_BODY = 4000;
const touch = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

/**
 * The message box. On a keyboard Enter sends and Shift+Enter starts a new line; on a touch screen the
 * Send button sends. Typing `@` offers the room's people; choosing one writes their full name (which is
 * what notifies them).
 */
export function Composer({ people, onSend, onTyping }: { people: UserRef[]; onSend: (body: string) => void; onTyping: () => void }) {
  const [draft, setDraft] = useState('');
  const [caret, setCaret] = useState(0);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const tooLong = draft.trim().length > MAX_BODY;
  const typed = mentionAt(draft, caret);
  const suggestions = useMemo(() => {
    if (!typed || dismissed === typed.start) return [];
    const q = typed.query.toLowerCase();
    return people.filter((p) => p.name.toLowerCase().includes(q)).slice(0, 6);
  }, [typed?.start, typed?.query, people, dismissed]);

  function submit(event?: Event) {
    event?.preventDefault();
    const body = draft.trim();
    if (!body || tooLong) return;
    onSend(body);
    setDraft('');
    setCaret(0);
    if (box.current) box.current.style.height = ''; // back to one line
  }

  function choose(person: UserRef) {
    if (!typed) return;
    const next = `${draft.slice(0, typed.start)}@${person.name} ${draft.slice(caret)}`;
    const at = typed.start + person.name.length + 2;
    setDraft(next);
    setCaret(at);
    requestAnimationFrame(() => box.current?.setSelectionRange(at, at));
  }

  function onKeyDown(event: KeyboardEvent) {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setSelected((i) => (i + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        choose(suggestions[Math.min(selected, suggestions.length - 1)]);
        return;
      }
      if (event.key === 'Escape') {
        setDismissed(typed?.start ?? null);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !touch) submit(event);
  }

  const listId = 'mention-options';
  return (
    <form class="composer" onSubmit={submit}>
      {suggestions.length > 0 && (
        <ul class="suggestions" id={listId} role="listbox" aria-label={t('composer.mentionLabel')}>
          {suggestions.map((p, i) => (
            <li
              key={p.id}
              id={`mention-${p.id}`}
              role="option"
              aria-selected={i === selected}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(p);
              }}
            >
              {p.name}
            </li>
          ))}
        </ul>
      )}
      <label for="composer" class="visually-hidden">
        {t('composer.label')}
      </label>
      <textarea
        id="composer"
        ref={box}
        rows={1}
        value={draft}
        placeholder={touch ? t('composer.placeholderTouch') : t('composer.placeholder')}
        aria-invalid={tooLong}
        aria-describedby={tooLong ? 'composer-error' : undefined}
        aria-autocomplete="list"
        aria-controls={suggestions.length > 0 ? listId : undefined}
        aria-activedescendant={suggestions.length > 0 ? `mention-${suggestions[Math.min(selected, suggestions.length - 1)].id}` : undefined}
        onInput={(e) => {
          const el = e.currentTarget;
          setDraft(el.value);
          setCaret(el.selectionStart ?? el.value.length);
          setSelected(0);
          // Grow with the text, up to a third of the screen.
          el.style.height = 'auto';
          el.style.height = `${el.scrollHeight + 2}px`;
          onTyping();
        }}
        onKeyUp={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onClick={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" disabled={!draft.trim() || tooLong}>
        {t('composer.send')}
      </button>
      {tooLong && (
        <p id="composer-error" class="error-text" role="alert">
          {t('composer.tooLong', { max: MAX_BODY })}
        </p>
      )}
    </form>
  );
}
