import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from './api';
import { t, type MessageKey } from './i18n';

/** What went wrong, as the contract's error code (or `offline` when the server could not be reached). */
export type Failure = { code: string; message?: string };

/** The code of anything a request or a socket command failed with. */
export function codeOf(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  if (error && typeof error === 'object' && 'code' in error && typeof (error as Failure).code === 'string') return (error as Failure).code;
  return 'offline';
}

/**
 * The one way a failure is put into words: its code in the reader's language. A page may say more for
 * a code it knows (`overrides`, e.g. `conflict` on a meeting means "closed or started").
 */
export function describeError(error: unknown, overrides: Partial<Record<string, MessageKey>> = {}): string {
  const code = codeOf(error);
  const key = overrides[code] ?? (`error.${code}` as MessageKey);
  const text = t(key);
  return text === key ? t('error.generic') : text;
}

/** A message about how something went: an error (red, announced at once), a success or plain information. */
export function Notice({ tone, children, onClose }: { tone: 'error' | 'success' | 'info'; children: ComponentChildren; onClose?: () => void }) {
  // A phone is often scrolled down to the form that caused it: bring the message into view.
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.scrollIntoView?.({ block: 'nearest' }), [tone, typeof children === 'string' ? children : null]);
  return (
    <div ref={ref} class={`notice ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span>{children}</span>
      {onClose && (
        <button type="button" class="icon" aria-label={t('action.dismiss')} onClick={onClose}>
          ×
        </button>
      )}
    </div>
  );
}
