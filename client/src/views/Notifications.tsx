import type { Notification } from '../../../server/domain/types';
import { formatMoney, formatTime, t, type MessageKey } from '../i18n';
import type { NotificationStore } from '../notifications';

/** A notification in the viewer's language when its kind is known, else as the server wrote it. */
export function notificationText(n: Notification): string {
  const key = `notifications.kind.${n.kind}` as MessageKey;
  const name = (value: unknown) => (value && typeof value === 'object' && 'name' in value ? String((value as { name: unknown }).name) : '');
  const amount = typeof n.data.amountDue === 'number' ? formatMoney(n.data.amountDue, String(n.data.currency ?? 'CNY')) : '';
  const text = t(key, { title: String(n.data.title ?? ''), from: name(n.data.from), with: name(n.data.with), period: String(n.data.period ?? ''), amount });
  return text === key ? n.title : text;
}

export function Notifications({ store, timeZone }: { store: NotificationStore; timeZone: string }) {
  const list = store.list.value;
  return (
    <main class="page" id="main">
      <h1>{t('notifications.title')}</h1>
      {list.length === 0 && <p class="empty">{t('notifications.empty')}</p>}
      <ul class="cards">
        {list.map((n) => (
          <li key={n.id} class={`card${n.readAt ? '' : ' unread'}`}>
            {typeof n.data.meetingId === 'number' ? <a href={`#/meetings/${n.data.meetingId}`}>{notificationText(n)}</a> : <span>{notificationText(n)}</span>}
            <span class="muted">
              <time dateTime={n.createdAt}>{formatTime(n.createdAt, timeZone, true)}</time>
            </span>
            {!n.readAt && (
              <button type="button" class="link small" onClick={() => void store.markRead(n.id)}>
                {t('notifications.markRead')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </main>
  );
}
