import { useEffect, useState } from 'preact/hooks';
import type { LostContact as Silent } from '../../../../server/contract/memberLife';
import type { Me } from '../../api';
import { t } from '../../i18n';
import { AdminNav } from '../admin/AdminNav';
import { Page, Picker, Said, UnitPicker } from '../controls';
import { Cards, usePagedList } from '../lists';
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
  useEffect(() => {
    if (!orgId && units[0]) setOrgId(String(units[0].id));
  }, [units.length]);
  // Read once a unit is chosen (the first the viewer runs, when the units have come).
  const query = new URLSearchParams({ orgId, days: String(days), limit: '50' });
  const silent = usePagedList<Silent>(token, orgId ? `/api/members/lost-contact?${query}` : null, 'members', (e) => setSay({ tone: 'error', text: lifeError(e) }), (m) => m.user.id);
  const { list: members, next } = silent;

  const zone = me.user.timezone;
  return (
    <Page>
      <h1>{t('nav.lostContact')}</h1>
      <AdminNav current="lostContact" />
      <p class="muted">{tl('lost.intro')}</p>
      <Said say={say} onClose={() => setSay(null)} />
      <div class="filters unit-first" role="search">
        <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} />
        <Picker label={tl('lost.days')} choices={DAYS.map((d) => [String(d), tl('lost.daysOption', { days: d })])} value={String(days)} onChange={(d) => setDays(Number(d))} />
      </div>
      {members !== null && (
        <p class="seats" role="status">
          {members.length ? tl(next ? 'lost.countMore' : 'lost.count', { count: members.length, days }) : tl('lost.none', { days })}
        </p>
      )}
      <Cards {...silent} list={orgId ? members : []}>
        {({ user, lastSeenAt, daysSilent }) => (
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
        )}
      </Cards>
    </Page>
  );
}
