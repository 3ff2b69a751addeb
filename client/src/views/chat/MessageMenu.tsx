import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n';

/**
 * A message's actions behind one button (copy; delete for its author and the room's moderators), so the
 * log is one tab stop and not one per message. Opened from the button, or with Enter on a focused message.
 */
export function MessageMenu({ open, onOpen, body, canDelete, onDelete }: { open: boolean; onOpen: (open: boolean) => void; body: string; canDelete: boolean; onDelete: () => void }) {
  const first = useRef<HTMLButtonElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    // Near the bottom of the log (the message just sent) the menu opens upward, so it stays in sight.
    const menu = list.current;
    const log = button.current?.closest<HTMLElement>('.log');
    if (menu && log && menu.getBoundingClientRect().bottom > log.getBoundingClientRect().bottom) menu.classList.add('up');
    first.current?.focus();
  }, [open]);
  const close = () => {
    onOpen(false);
    button.current?.closest<HTMLElement>('li')?.focus();
  };
  return (
    <span class="msg-menu">
      <button ref={button} type="button" class="icon" tabIndex={-1} aria-haspopup="menu" aria-expanded={open} aria-label={t('message.actions')} onClick={() => onOpen(!open)}>
        ⋯
      </button>
      {open && (
        <div
          ref={list}
          class="menu-list"
          role="menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
          onFocusOut={(e) => {
            if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) onOpen(false);
          }}
        >
          <button
            ref={first}
            type="button"
            role="menuitem"
            class="quiet"
            onClick={() => {
              void navigator.clipboard?.writeText(body);
              close();
            }}
          >
            {t('message.copy')}
          </button>
          {canDelete && (
            <button type="button" role="menuitem" class="danger" onClick={onDelete}>
              {t('message.delete')}
            </button>
          )}
        </div>
      )}
    </span>
  );
}
