import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiRequest, type Me } from '../api';
import { ChatStore } from '../chat/chatStore';
import { t } from '../i18n';
import { signOut, type Session } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { Room } from './Room';

/** The signed-in page: header with room choice, language and sign-out; the connection banner; the room. */
export function Shell({ session }: { session: Session }) {
  const [me, setMe] = useState<Me | null>(null);
  const store = useMemo(() => new ChatStore(session.token, session.user, signOutIfRevoked), [session.token]);
  const [roomId, setRoomId] = useState<string | null>(() => location.hash.match(/^#\/room\/(.+)$/)?.[1] ?? null);

  async function signOutIfRevoked() {
    try {
      await apiRequest<Me>('GET', '/api/me', session.token);
    } catch (error) {
      if ((error as { status?: number }).status === 401) signOut();
    }
  }

  useEffect(() => {
    apiRequest<Me>('GET', '/api/me', session.token)
      .then((result) => {
        setMe(result);
        const home = result.user.branchId ? `org:${result.user.branchId}` : result.rooms[0]?.id;
        setRoomId((current) => (current && result.rooms.some((r) => r.id === current) ? current : home ?? null));
      })
      .catch((error) => {
        if (error.status === 401) signOut();
      });
    return () => store.close();
  }, [store]);

  useEffect(() => {
    if (!roomId) return;
    store.open(roomId);
    history.replaceState(null, '', `#/room/${roomId}`);
  }, [roomId, store]);

  async function logout() {
    await apiRequest('POST', '/api/auth/logout', session.token).catch(() => {});
    store.close();
    signOut();
  }

  const connection = store.connection.value;
  const rooms = me?.rooms ?? [];
  const roomName = rooms.find((r) => r.id === roomId)?.name ?? roomId ?? '';

  return (
    <div class="shell">
      <a class="skip" href="#messages">
        {t('app.skip')}
      </a>
      <header class="bar">
        <strong class="brand">{t('app.name')}</strong>
        {rooms.length > 1 && (
          <label class="room-picker">
            <span class="visually-hidden">{t('nav.room')}</span>
            <select value={roomId ?? ''} onChange={(e) => setRoomId(e.currentTarget.value)}>
              {rooms.map((room) => (
                <option value={room.id} key={room.id}>
                  {room.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span class="spacer" />
        <span class="who" title={t('nav.signedInAs', { name: session.user.name })}>
          {session.user.name}
        </span>
        <LanguageSwitch />
        <button type="button" class="link" onClick={logout}>
          {t('nav.logout')}
        </button>
      </header>
      <p class={`status status-${connection}`} role="status" data-connection={connection}>
        {connection === 'online' ? t('status.online') : connection === 'connecting' ? t('status.connecting') : t('status.offline')}
      </p>
      {roomId ? <Room store={store} roomName={roomName} me={session.user} canModerate={rooms.find((r) => r.id === roomId)?.moderator ?? false} /> : me && <p class="empty">{t('room.noRooms')}</p>}
    </div>
  );
}

