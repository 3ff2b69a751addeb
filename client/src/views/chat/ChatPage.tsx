import { useEffect, useState } from 'preact/hooks';
import type { Meeting, User } from '../../../../server/contract/model';
import { apiRequest, type RoomInfo } from '../../api';
import type { ChatStore } from '../../chat/chatStore';
import { t } from '../../i18n';
import { go } from '../../router';
import { Room } from './Room';

/**
 * The member's rooms (with unread counts) beside the open room; on a phone one or the other. `at` opens the room
 * at a message (`#/room/org:3?seq=120&q=党费`, from a search), `query` being what was searched.
 */
export function ChatPage({ store, me, roomId, token, at, query }: { store: ChatStore; me: User; roomId: string | undefined; token: string; at?: number; query?: string }) {
  const rooms = store.rooms.value;
  const [meetingTitle, setMeetingTitle] = useState<string | null>(null);
  const meetingId = roomId?.startsWith('meeting:') ? Number(roomId.slice(8)) : null;

  useEffect(() => {
    if (roomId) store.open(roomId, at);
  }, [roomId, at, store]);
  // A meeting's room is named after the meeting.
  useEffect(() => {
    setMeetingTitle(null);
    if (meetingId) void apiRequest<{ meeting: Meeting }>('GET', `/api/meetings/${meetingId}`, token).then((r) => setMeetingTitle(r.meeting.title)).catch(() => {});
  }, [meetingId]);

  const info = rooms.find((r) => r.id === roomId);
  const roomName = info?.name ?? meetingTitle ?? (meetingId ? t('room.meeting') : '');
  const canModerate = info?.moderator ?? me.role === 'admin';

  return (
    <main id="main" tabIndex={-1} class={`chat${roomId ? ' in-room' : ''}`}>
      <RoomList rooms={rooms} current={roomId} store={store} />
      {roomId ? (
        <Room
          key={roomId}
          store={store}
          roomId={roomId}
          roomName={roomName}
          me={me}
          canModerate={canModerate}
          query={at === undefined ? '' : query}
          onBack={() => {
            store.leave();
            go('/rooms');
          }}
        />
      ) : (
        <section class="room">
          <p class="empty">{rooms.length === 0 ? t('room.noRooms') : t('room.pick')}</p>
        </section>
      )}
    </main>
  );
}

const KIND_ORDER: Record<string, number> = { branch: 0, general_branch: 1, committee: 2 };

function RoomList({ rooms, current, store }: { rooms: RoomInfo[]; current: string | undefined; store: ChatStore }) {
  // One's branch first, then the units above it, then the rest (for organizers and the admin).
  const sorted = [...rooms].sort((a, b) => (KIND_ORDER[a.kind] ?? 3) - (KIND_ORDER[b.kind] ?? 3) || a.name.localeCompare(b.name));
  return (
    <nav class="room-list" aria-labelledby="rooms-title">
      <h1 id="rooms-title" class="visually-hidden">
        {t('room.list')}
      </h1>
      <ul>
        {sorted.map((room) => {
          const unread = store.unreadOf(room.id);
          return (
            <li key={room.id}>
              <a href={`#/room/${room.id}`} aria-current={room.id === current ? 'page' : undefined}>
                <span class="name">{room.name}</span>
                {unread > 0 && (
                  <>
                    <span class="count" aria-hidden="true">
                      {unread > 99 ? '99+' : unread}
                    </span>
                    <span class="visually-hidden"> {t('count.unread', { count: unread })}</span>
                  </>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
