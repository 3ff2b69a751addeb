import { useEffect, useState } from 'preact/hooks';
import type { Meeting, Org } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';

export function seatsText(m: Pick<Meeting, 'capacity' | 'confirmed' | 'waitlisted'>): string {
  const left = Math.max(0, m.capacity - m.confirmed);
  return left > 0 ? t('meetings.seatsLeft', { left, capacity: m.capacity }) : t('meetings.full', { waitlisted: m.waitlisted });
}

/** Meetings the member may join, upcoming first, filtered by topic and host unit. */
export function MeetingsList({ token, me }: { token: string; me: Me }) {
  const [meetings, setMeetings] = useState<Meeting[] | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [topic, setTopic] = useState('');
  const [orgId, setOrgId] = useState('');

  useEffect(() => {
    void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs).catch(() => {});
  }, [token]);
  useEffect(() => {
    const query = new URLSearchParams({ ...(topic ? { topic } : {}), ...(orgId ? { orgId } : {}) }).toString();
    void apiRequest<{ meetings: Meeting[] }>('GET', `/api/meetings${query ? `?${query}` : ''}`, token).then((r) => setMeetings(r.meetings)).catch(() => setMeetings([]));
  }, [token, topic, orgId]);

  const topics = [...new Set((meetings ?? []).map((m) => m.topic).filter((x): x is string => Boolean(x)))];
  const canCreate = me.user.role === 'admin' || me.organizerOf.length > 0;
  const orgName = (id: number) => orgs.find((o) => o.id === id)?.name ?? '';

  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>{t('meetings.title')}</h1>
        {canCreate && (
          <button type="button" onClick={() => go('/meetings/new')}>
            {t('meetings.new')}
          </button>
        )}
      </div>
      <div class="filters">
        <label>
          {t('meetings.filterTopic')}{' '}
          <select value={topic} onChange={(e) => setTopic(e.currentTarget.value)}>
            <option value="">{t('meetings.any')}</option>
            {topics.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('meetings.filterUnit')}{' '}
          <select value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)}>
            <option value="">{t('meetings.any')}</option>
            {orgs.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {meetings && meetings.length === 0 && <p class="empty">{t('meetings.empty')}</p>}
      <ul class="cards">
        {(meetings ?? []).map((m) => (
          <li key={m.id} class={`card status-${m.status}`}>
            <a href={`#/meetings/${m.id}`}>
              <strong>{m.title}</strong>
            </a>
            <span class="muted">
              {formatFullTime(m.startsAt, me.user.timezone)} · {m.online ? t('meetings.online') : m.location ?? ''}
            </span>
            <span class="muted">{orgName(m.hostOrgId)}</span>
            <span>{m.status === 'open' ? seatsText(m) : t(`meetings.status.${m.status}`)}</span>
          </li>
        ))}
      </ul>
    </main>
  );
}
