import type { Me } from '../api';
import { formatTime, t } from '../i18n';
import { linkOf } from '../notificationLinks';
import type { NotificationStore } from '../notifications';
import { Page } from './controls';

/** The member's notifications: opening one marks it read; a missed call can be returned from here. */
export function Notifications({ store, me, startCall }: { store: NotificationStore; me: Me; startCall: (to: string, name: string) => void }) {
  const list = store.list.value;
  const unread = store.unread.value;
  return (
    <Page>
      <div class="page-head">
        <h1>{t('notifications.title')}</h1>
        {unread > 0 && (
          <button type="button" class="quiet" onClick={() => void store.markAllRead()}>
            {t('notifications.markAllRead')}
          </button>
        )}
      </div>
      {list.length === 0 && <p class="empty">{t('notifications.empty')}</p>}
      <ul class="cards">
        {list.map((n) => {
          const link = linkOf(n);
          return (
            <li key={n.id} class={`card${n.readAt ? '' : ' unread'}`}>
              {link ? (
                <a href={link} onClick={() => void store.markRead(n.id)}>
                  {n.title}
                </a>
              ) : (
                <strong>{n.title}</strong>
              )}
              <span>{n.body}</span>
              <span class="muted">
                <time dateTime={n.createdAt}>{formatTime(n.createdAt, me.user.timezone, true)}</time>
                {!n.readAt && ` · ${t('notifications.unread')}`}
              </span>
              <div class="actions">
                {n.kind === 'missed_call' && n.data.from.id !== null && (
                  <button
                    type="button"
                    onClick={() => {
                      void store.markRead(n.id);
                      startCall(`/call/user/${n.data.from.id}`, n.data.from.name);
                    }}
                  >
                    {t('notifications.callBack', { name: n.data.from.name })}
                  </button>
                )}
                {!n.readAt && (
                  <button type="button" class="quiet" onClick={() => void store.markRead(n.id)}>
                    {t('notifications.markRead')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </Page>
  );
}
