import { useEffect, useState } from 'preact/hooks';
import type { Meeting, Org } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me } from '../../api';
import { describeError, Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { LoadMore, Page, UnitPicker } from '../controls';

export function seatsText(m: Pick<Meeting, 'capacity' | 'confirmed' | 'waitlisted'>): string {
  const left = Math.max(0, m.capacity - m.confirmed);
  return left > 0 ? t('meetings.seatsLeft', { left, capacity: m.capacity }) : t('meetings.full', { waitlisted: m.waitlisted });
}

/** Meetings the member may join, upcoming first, filtered by topic and host unit, a page at a time. */
export function MeetingsList({ token, me }: { token: string; me: Me }) {
  const [meetings, setMeetings] = useState<Meeting[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [topic, setTopic] = useState('');
  const [orgId, setOrgId] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs).catch(() => {});
  }, [token]);

  const query = (cursor?: string) => new URLSearchParams({ ...(topic ? { topic } : {}), ...(orgId ? { orgId } : {}), ...(cursor ? { before: cursor } : {}) }).toString();
  async function load(cursor?: string) {
    try {
      const page = await apiRequest<{ meetings: Meeting[]; nextCursor: string | null }>('GET', `/api/meetings?${query(cursor)}`, token);
      setMeetings((old) => (cursor ? [...(old ?? []), ...page.meetings] : page.meetings));
      setNext(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(describeError(e));
      if (!cursor) setMeetings([]);
    }
  }
  useEffect(() => void load(), [token, topic, orgId]);

  const topics = [...new Set((meetings ?? []).map((m) => m.topic).filter((x): x is string => Boolean(x)))];
  const canCreate = me.user.role === 'admin' || me.organizerOf.length > 0;
  const orgName = (id: number) => orgs.find((o) => o.id === id)?.name ?? '';

  return (
    <Page>
      <div class="page-head">
        <h1>{t('meetings.title')}</h1>
        {canCreate && (
          <a class="button-link" href="#/meetings/new">
            {t('meetings.new')}
          </a>
        )}
      </div>
      <div class="filters">
        <label>
          {t('meetings.filterTopic')}
          <select value={topic} onChange={(e) => setTopic(e.currentTarget.value)}>
            <option value="">{t('meetings.any')}</option>
            {topics.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <UnitPicker label="meetings.filterUnit" units={orgs} value={orgId} onChange={setOrgId} any="meetings.any" />
      </div>
      {error && <Notice tone="error">{error}</Notice>}
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
      <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
    </Page>
  );
}
