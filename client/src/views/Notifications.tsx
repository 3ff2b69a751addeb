import { linkOf } from '../notificationLinks';
import { formatTime, t } from '../i18n';
import type { NotificationStore } from '../notifications';

export function Notifications({ store, timeZone }: { store: NotificationStore; timeZone: string }) {
  const list = store.list.value;
  return (
    <main class="page" id="main">
      <h1>{t('notifications.title')}</h1>
      {list.length === 0 && <p class="empty">{t('notifications.empty')}</p>}
      <ul class="cards">
        {list.map((n) => (
          <li key={n.id} class={`card${n.readAt ? '' : ' unread'}`}>
            {linkOf(n) ? <a href={linkOf(n)!}>{n.title}</a> : <span>{n.title}</span>}
            <span class="small">{n.body}</span>
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
