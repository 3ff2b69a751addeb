import { useEffect, useState } from 'preact/hooks';
import type { LostContact as Silent } from '../../../../server/contract/memberLife';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import { AdminNav } from '../admin/AdminNav';
import { LoadMore, UnitPicker } from '../controls';
import { formatDate, lifeError, nameOf, tl, useOrgs, type Say } from './common';
import { managedUnits } from './logic';

const DAYS = [30, 60, 90, 180, 365];

/**
 * Members under a unit with no sign of life for a while, the most silent first: call one at once (the call is
 * the check-in; offline, it leaves them a missed call), or open their card.
 */
export function LostContact({ token, me, startCall }: { token: string; me: Me; startCall: (path: string, name: string) => void }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token, (e) => setSay({ tone: 'error', text: lifeError(e) }));
  const units = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const [orgId, setOrgId] = useState('');
  const [days, setDays] = useState(90);
  const [members, setMembers] = useState<Silent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);

  useEffect(() => {
    if (!orgId && units[0]) setOrgId(String(units[0].id));
  }, [units.length]);
  async function load(cursor?: string) {
    if (!cursor) setMembers(null);
    const query = new URLSearchParams({ orgId, days: String(days), limit: '50', ...(cursor ? { before: cursor } : {}) });
    try {
      const page = await apiRequest<{ members: Silent[]; nextCursor?: string | null }>('GET', `/api/members/lost-contact?${query}`, token);
      setMembers((old) => [...(cursor ? old ?? [] : []), ...page.members]);
      setNext(page.nextCursor ?? null);
    } catch (e) {
      setMembers((old) => old ?? []);
      setSay({ tone: 'error', text: lifeError(e) });
    }
  }
  useEffect(() => void (orgId && load()), [orgId, days]);

  const zone = me.user.timezone;
  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{t('nav.lostContact')}</h1>
        <AdminNav current="lostContact" />
        <p class="muted">{tl('lost.intro')}</p>
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        <div class="filters unit-first" role="search">
          <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} />
          <label>
            {tl('lost.days')}
            <select value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
              {DAYS.map((d) => (
                <option key={d} value={String(d)}>
                  {tl('lost.daysOption', { days: d })}
                </option>
              ))}
            </select>
          </label>
        </div>
        {orgId && members === null && <p role="status">{t('status.loading')}</p>}
        {members !== null && (
          <p class="seats" role="status">
            {members.length ? tl(next ? 'lost.countMore' : 'lost.count', { count: members.length, days }) : tl('lost.none', { days })}
          </p>
        )}
        <ul class="cards">
          {(members ?? []).map(({ user, lastSeenAt, daysSilent }) => (
            <li key={user.id} class="card">
              <div class="card-row">
                <span class="grow lines">
                  <strong>{user.name}</strong>
                  <span class="muted small">{[nameOf(orgs, user.branchId), user.mobile ? t('admin.mobileYes') : '', user.location ?? ''].filter(Boolean).join(' · ')}</span>
                </span>
                <span class="silent">{tl('lost.silentDays', { days: daysSilent })}</span>
              </div>
              <span class="muted small">{lastSeenAt ? tl('lost.lastSeen', { date: formatDate(lastSeenAt, zone) }) : tl('lost.neverSeen')}</span>
              <div class="actions">
                <button type="button" onClick={() => startCall(`/call/user/${user.id}`, user.name)} aria-label={tl('lost.callOf', { name: user.name })}>
                  {tl('lost.call')}
                </button>
                <button type="button" class="secondary" onClick={() => startCall(`/call/user/${user.id}?voice=1`, user.name)} aria-label={t('calls.voiceCall', { name: user.name })}>
                  {t('calls.voice')}
                </button>
                <a class="button-link" href={`#/members/${user.id}/card`} aria-label={tl('card.of', { name: user.name })}>
                  {tl('lost.card')}
                </a>
              </div>
            </li>
          ))}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
