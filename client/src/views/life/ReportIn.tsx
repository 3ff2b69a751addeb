import { useEffect, useState } from 'preact/hooks';
import type { Report } from '../../../../server/contract/memberLife';
import { apiRequest, type Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import { session, signIn } from '../../session';
import { Page, Said } from '../controls';
import { Cards } from '../lists';
import { lifeError, RecordNav, tl, type Say } from './common';

/** A member gets back in touch: where they are now, whether they are away from home, a word to the branch. */
export function ReportIn({ token, me }: { token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const [reports, setReports] = useState<Report[] | null>(null);
  const [busy, setBusy] = useState(false);
  const user = me.user;

  useEffect(() => {
    void apiRequest<{ reports: Report[] }>('GET', '/api/me/reports', token)
      .then((r) => setReports(r.reports))
      .catch((e) => {
        setReports([]);
        setSay({ tone: 'error', text: lifeError(e) });
      });
  }, [token]);

  async function report(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const note = String(data.get('note') ?? '').trim();
    setBusy(true);
    try {
      const { report: made } = await apiRequest<{ report: Report }>('POST', '/api/me/report-in', token, {
        location: String(data.get('location') ?? '').trim(),
        mobile: data.get('mobile') === 'on',
        ...(note ? { note } : {}),
      });
      // The report also updates where the member is: keep the account page and the session in step.
      Object.assign(me.user, { location: made.location, mobile: made.mobile, lastSeenAt: made.at });
      if (session.value) signIn({ ...session.value, user: { ...session.value.user, location: made.location, mobile: made.mobile } });
      setReports((old) => [made, ...(old ?? [])]);
      (form.elements.namedItem('note') as HTMLTextAreaElement).value = '';
      setSay({ tone: 'success', text: tl('report.sent') });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page>
      <h1>{t('nav.reportIn')}</h1>
      <RecordNav current="report" />
      <p class="muted">{tl('report.intro')}</p>
      <Said say={say} onClose={() => setSay(null)} />
      <form class="stack" onSubmit={report} aria-label={t('nav.reportIn')}>
        <label for="rep-location">{tl('report.location')}</label>
        <input id="rep-location" name="location" required maxLength={200} defaultValue={user.location ?? ''} aria-describedby="rep-location-hint" />
        <small id="rep-location-hint" class="muted">
          {tl('report.locationHint')}
        </small>
        <label class="inline">
          <input type="checkbox" name="mobile" defaultChecked={user.mobile} /> {tl('report.mobile')}
        </label>
        <label for="rep-note">{tl('report.note')}</label>
        <textarea id="rep-note" name="note" rows={3} maxLength={1000} />
        <button type="submit" disabled={busy}>
          {tl('report.submit')}
        </button>
      </form>
      <h2>{tl('report.history')}</h2>
      <Cards list={reports} empty={tl('report.none')}>
        {(r) => (
          <li key={r.id} class="card">
            <strong>{r.location}</strong>
            <span class="muted small">
              <time dateTime={r.at}>{formatFullTime(r.at, user.timezone)}</time>
              {r.mobile ? ` · ${tl('report.away')}` : ` · ${tl('report.home')}`}
            </span>
            {r.note && <span class="description">{r.note}</span>}
          </li>
        )}
      </Cards>
    </Page>
  );
}
