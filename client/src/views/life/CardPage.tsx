import { useEffect, useState } from 'preact/hooks';
import type { ActivityCard } from '../../../../server/contract/memberLife';
import { apiRequest, downloadWithToken, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, formatMoney, t } from '../../i18n';
import type { LifeKey } from '../../i18n/life/zh-CN';
import { Said } from '../controls';
import { LedgerTable } from '../dues/LedgerTable';
import { formatDate, formatHours, lifeError, RecordNav, tl, useOrgs, nameOf, type Say } from './common';
import { kindLabel, recordStatus } from './trainingParts';
import { TransferStatus } from './transferParts';

/** A section of the card: a heading, and its rows or "nothing yet". */
function Section({ id, title, empty, children }: { id: string; title: string; empty: boolean; children: preact.ComponentChildren }) {
  return (
    <section class="card-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p class="empty">{tl('card.nothing')}</p> : children}
    </section>
  );
}

/**
 * The member's electronic activity card: who they are, their branches and transfers, the meetings, calls and
 * training they took part in, their dues and reports home. All of it from what happened; printable (the
 * browser makes the PDF) and downloadable as CSV.
 */
export function CardPage({ memberId, token, me }: { memberId: number; token: string; me: Me }) {
  const [card, setCard] = useState<ActivityCard | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const own = memberId === me.user.id;
  const zone = me.user.timezone;

  useEffect(() => {
    void apiRequest<ActivityCard>('GET', `/api/members/${memberId}/card`, token)
      .then(setCard)
      .catch((e) => setFailed(lifeError(e)));
  }, [memberId]);

  async function csv() {
    try {
      await downloadWithToken(`/api/members/${memberId}/card?format=csv`, token, `activity-card-${memberId}.csv`);
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error) });
    }
  }

  const m = card?.member;
  const when = (iso: string | null) => (iso ? formatDate(iso, zone) : '');
  return (
    <main class="page card-page" id="main" tabIndex={-1}>
      <div class="inner">
        <p class="print-only print-head">
          {t('app.name')} · {t('nav.card')}
        </p>
        <h1>{own || !m ? t('nav.card') : tl('card.of', { name: m.name })}</h1>
        {own && <RecordNav current="card" />}
        {failed && <Notice tone="error">{failed}</Notice>}
        {!card && !failed && <p role="status">{t('status.loading')}</p>}
        <Said say={say} onClose={() => setSay(null)} />
        {card && m && (
          <>
            <div class="actions no-print">
              <button type="button" onClick={() => window.print()}>
                {tl('card.print')}
              </button>
              <button type="button" class="quiet" onClick={() => void csv()}>
                {tl('card.csv')}
              </button>
            </div>

            <Section id="card-basic" title={tl('card.basic')} empty={false}>
              <dl class="facts">
                <dt>{t('member.name')}</dt>
                <dd>{m.name}</dd>
                <dt>{t('member.branch')}</dt>
                <dd>{card.branch?.name ?? '—'}</dd>
                <dt>{tl('card.status')}</dt>
                <dd>{tl(`card.status.${m.status}` as LifeKey)}</dd>
                <dt>{t('member.location')}</dt>
                <dd>{[m.location, m.mobile ? t('member.mobile') : ''].filter(Boolean).join(' · ') || '—'}</dd>
                <dt>{tl('card.lastSeen')}</dt>
                <dd>{card.lastSeenAt ? formatFullTime(card.lastSeenAt, zone) : tl('lost.neverSeen')}</dd>
                <dt>{tl('card.yearHours', { year: card.trainingHours.year })}</dt>
                <dd>{formatHours(card.trainingHours.hours)}</dd>
              </dl>
            </Section>

            <Section id="card-branches" title={tl('card.branches')} empty={card.branchHistory.length === 0 && card.transfers.length === 0}>
              {card.branchHistory.length > 0 && (
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('member.branch')}</th>
                        <th scope="col">{tl('card.from')}</th>
                        <th scope="col">{tl('card.to')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {card.branchHistory.map((b, i) => (
                        <tr key={i}>
                          <th scope="row">{b.name || nameOf(orgs, b.branchId)}</th>
                          <td>{when(b.from)}</td>
                          <td>{b.to ? when(b.to) : tl('card.now')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {card.transfers.length > 0 && (
                <>
                  <h3>{tl('card.transfers')}</h3>
                  <ul class="plain">
                    {card.transfers.map((x) => (
                      <li key={x.id}>
                        <a href={`#/transfers/${x.id}`}>{tl('transfer.fromTo', { from: nameOf(orgs, x.fromBranchId), to: nameOf(orgs, x.toBranchId) })}</a> <TransferStatus transfer={x} />{' '}
                        <span class="muted small">{when(x.completedAt ?? x.createdAt)}</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </Section>

            <Section id="card-meetings" title={tl('card.meetings')} empty={card.meetings.length === 0}>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{tl('card.meeting')}</th>
                      <th scope="col">{tl('card.date')}</th>
                      <th scope="col">{tl('card.took')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {card.meetings.map((x) => (
                      <tr key={x.meetingId}>
                        <th scope="row">
                          <a href={`#/meetings/${x.meetingId}`}>{x.title}</a>
                        </th>
                        <td>{when(x.startsAt)}</td>
                        <td>{x.attendedAt ? tl('card.attended') : x.meetingStatus === 'cancelled' ? tl('card.meetingCancelled') : tl(`card.signup.${x.status}` as LifeKey)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>

            <Section id="card-calls" title={tl('card.calls')} empty={card.checkins.length === 0 && card.calls.length === 0}>
              <ul class="plain">
                {card.checkins.map((c) => (
                  <li key={`c${c.id}`}>
                    {tl('card.checkin', { name: c.organizer.name, date: when(c.scheduledAt) })} <span class="muted small">{tl(`card.checkin.${c.status}` as LifeKey)}</span>
                    {c.note && <span class="muted small"> · {c.note}</span>}
                  </li>
                ))}
                {card.calls.map((c) => (
                  <li key={c.id}>
                    {tl('card.call', { from: c.caller.name, to: c.callee.name, date: when(c.startedAt) })}{' '}
                    <span class="muted small">{c.durationS !== null ? t('calls.duration', { minutes: Math.floor(c.durationS / 60), seconds: c.durationS % 60 }) : tl('card.callUnanswered')}</span>
                  </li>
                ))}
              </ul>
            </Section>

            <Section id="card-training" title={tl('card.training')} empty={card.trainings.length === 0}>
              <p>{tl('card.hoursThisYear', { year: card.trainingHours.year, hours: formatHours(card.trainingHours.hours) })}</p>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{tl('card.trainingName')}</th>
                      <th scope="col">{tl('training.hoursLabel')}</th>
                      <th scope="col">{tl('card.state')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {card.trainings.map((r) => (
                      <tr key={r.id}>
                        <th scope="row">
                          {r.training.title}
                          <span class="muted small block">
                            {kindLabel(r.training.kind)} · {when(r.at)}
                          </span>
                        </th>
                        <td>{formatHours(r.hours)}</td>
                        <td>{recordStatus(r)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>

            <Section id="card-dues" title={tl('card.dues')} empty={card.dues.periods.length === 0}>
              <p>{t('dues.balance', { amount: formatMoney(card.dues.balanceDue, card.dues.rate?.currency ?? 'CNY') })}</p>
              <LedgerTable periods={card.dues.periods} />
            </Section>

            <Section id="card-reports" title={tl('card.reports')} empty={card.reports.length === 0}>
              <ul class="plain">
                {card.reports.map((r) => (
                  <li key={r.id}>
                    {when(r.at)} · {r.location}
                    {r.note && <span class="muted small"> · {r.note}</span>}
                  </li>
                ))}
              </ul>
            </Section>
            <p class="muted small">{tl('card.madeAt', { time: formatFullTime(new Date().toISOString(), zone) })}</p>
          </>
        )}
      </div>
    </main>
  );
}
