import { useEffect, useState } from 'preact/hooks';
import type { Org } from '../../../../server/contract/model';
import { apiRequest, type Me } from '../../api';
import { describeError, Notice } from '../../errors';
import { addMessages, formatLocale, formatMoney, t, type MessageKey } from '../../i18n';
import { statsEn } from '../../i18n/stats/en';
import { statsZhCN, type StatsKey } from '../../i18n/stats/zh-CN';
import { go } from '../../router';
import { AdminNav } from '../admin/AdminNav';
import { named, Page, Picker } from '../controls';
import { managedUnits } from '../life/logic';
import { useOrgs } from '../orgs';
import { DuesChart } from './DuesChart';
import { barShare, type DistrictStats } from './logic';
import './stats.css';

addMessages({ 'zh-CN': statsZhCN, en: statsEn });
const ts = (key: StatsKey | MessageKey, params: Record<string, string | number> = {}) => t(key as MessageKey, params);

/** A labelled figure. */
const Figure = ({ label, value }: { label: string; value: string | number }) => (
  <div class="figure">
    <dt>{label}</dt>
    <dd>{value}</dd>
  </div>
);

/**
 * The district in figures, for the admin (the district, or a unit) and for organizers (their units, or one of
 * them): units, members by situation, the voice, transfers, meetings, study hours and a year of dues as a chart
 * (its figures also in a table). Every figure is the server's, from the stored records.
 */
export function StatsPage({ token, me, orgId }: { token: string; me: Me; orgId: number | null }) {
  const orgs = useOrgs(token);
  const [stats, setStats] = useState<DistrictStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const units: Org[] = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const num = (n: number) => n.toLocaleString(formatLocale());

  useEffect(() => {
    setStats(null);
    setError(null);
    apiRequest<DistrictStats>('GET', `/api/stats${orgId ? `?orgId=${orgId}` : ''}`, token).then(setStats, (e) => setError(describeError(e)));
  }, [token, orgId]);

  const members = stats ? (['active', 'mobile', 'abroad', 'inTransit', 'lostContact'] as const).map((k) => [k, stats.members[k]] as const) : [];
  const most = Math.max(1, ...members.map(([, n]) => n));
  return (
    <Page>
      <h1>{t('nav.stats')}</h1>
      <AdminNav current="stats" />
      <Picker class="filter" label={ts('stats.unit')} any={ts(me.user.role === 'admin' ? 'stats.district' : 'stats.allMine')} choices={named(units)} value={orgId ? String(orgId) : ''} onChange={(id) => go(id ? `/stats?orgId=${id}` : '/stats')} />
      <p class="muted small">{ts('stats.scopeNote')}</p>
      {error && <Notice tone="error">{error}</Notice>}
      {!stats && !error && <p role="status">{t('status.loading')}</p>}
      {stats && (
        <>
          <section aria-labelledby="st-units">
            <h2 id="st-units">{ts('stats.units')}</h2>
            <dl class="figures">
              {(['committee', 'general_branch', 'branch'] as const).map((k) => (
                <Figure key={k} label={ts(`stats.unit.${k}`)} value={num(stats.units[k])} />
              ))}
            </dl>
          </section>
          <section aria-labelledby="st-members">
            <h2 id="st-members">{ts('stats.members')}</h2>
            <dl class="hbars" data-testid="member-bars">
              {members.map(([k, n]) => (
                <div key={k} class="hbar">
                  <dt>{ts(`stats.members.${k}`)}</dt>
                  <dd>
                    <span class="hbar-fill" style={{ width: `${barShare(n, most)}%` }} aria-hidden="true" />
                    <span class="hbar-value">{num(n)}</span>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
          <section aria-labelledby="st-life">
            <h2 id="st-life">{ts('stats.meetings')}</h2>
            <dl class="figures">
              <Figure label={ts('stats.meetings.held')} value={num(stats.meetings.held)} />
              <Figure label={ts('stats.meetings.attendance')} value={num(stats.meetings.attendance)} />
              <Figure label={ts('stats.meetings.publicRegistrations')} value={num(stats.meetings.publicRegistrations)} />
              <Figure label={ts('stats.trainingHours')} value={num(Math.round(stats.trainingHours * 10) / 10)} />
            </dl>
          </section>
          <section aria-labelledby="st-voice">
            <h2 id="st-voice">{ts('stats.voice')}</h2>
            <dl class="figures">
              <Figure label={ts('stats.discussions')} value={num(stats.discussions)} />
              <Figure label={ts('stats.posts')} value={num(stats.posts)} />
              <Figure label={ts('stats.announcements')} value={num(stats.announcements)} />
            </dl>
          </section>
          <section aria-labelledby="st-transfers">
            <h2 id="st-transfers">{ts('stats.transfers')}</h2>
            <dl class="figures">
              <Figure label={ts('stats.transfers.completed')} value={num(stats.transfers.completed)} />
              <Figure label={ts('stats.transfers.pending')} value={num(stats.transfers.pending)} />
            </dl>
          </section>
          <section aria-labelledby="st-dues">
            <h2 id="st-dues">{ts('stats.dues')}</h2>
            <DuesChart dues={stats.dues} labels={{ due: ts('stats.dues.due'), paid: ts('stats.dues.paid'), chart: ts('stats.dues.chart') }} />
            <details>
              <summary>{ts('stats.dues.table')}</summary>
              <table class="dues-table">
                <thead>
                  <tr>
                    <th scope="col">{ts('stats.dues.month')}</th>
                    <th scope="col">{ts('stats.dues.due')}</th>
                    <th scope="col">{ts('stats.dues.paid')}</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.dues.map((d) => (
                    <tr key={d.period}>
                      <th scope="row">{d.period}</th>
                      <td>{formatMoney(d.due)}</td>
                      <td>{formatMoney(d.paid)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </section>
        </>
      )}
    </Page>
  );
}
