import { useEffect, useState } from 'preact/hooks';
import type { Org, User } from '../../../../server/contract/model';
import { apiAll, apiRequest, downloadWithToken, type Me } from '../../api';
import { describeError } from '../../errors';
import { formatMoney, formatFullTime, t, type MessageKey } from '../../i18n';
import { named, Page, Picker, Said, UnitPicker, type Say } from '../controls';
import type { Ledger } from '../Shell';
import { LedgerEntries, LedgerTable } from './LedgerTable';
import { periodOf } from '../../../../server/contract/time';

interface Arrear {
  user: { id: number; name: string };
  period: string;
  amountDue: number;
  currency: string;
}


/** This month in the viewer's own zone (where the organizer is, not UTC). */
const currentPeriod = (timeZone: string) => periodOf(Date.now(), timeZone);

/** The member's dues month by month with a payment form; organizer and admin tools below. */
export function DuesPage({ token, me, ledger, reload }: { token: string; me: Me; ledger: Ledger | null; reload: () => void }) {
  const organizes = me.user.role === 'admin' || me.organizerOf.length > 0;
  return (
    <Page>
      <h1>{t('dues.title')}</h1>
      {me.user.branchId !== null && <MyDues me={me} ledger={ledger} reload={reload} token={token} />}
      {organizes && <OrganizerDues token={token} me={me} />}
      {me.user.role === 'admin' && <QueueState token={token} />}
    </Page>
  );
}

/** The member's own months and the form to record a payment. */
function MyDues({ token, me, ledger, reload }: { token: string; me: Me; ledger: Ledger | null; reload: () => void }) {
  const unpaid = ledger?.periods.filter((p) => p.status !== 'paid') ?? [];
  const [period, setPeriod] = useState('');
  const [notice, setNotice] = useState<Say>(null);
  const chosen = ledger?.periods.find((p) => p.period === (period || unpaid[unpaid.length - 1]?.period));

  async function pay(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    try {
      const answer = await apiRequest<{ payment: { period: string; amount: number; currency: string; createdAt: string }; duplicate?: true }>('POST', '/api/dues/payments', token, {
        period: String(data.get('period')),
        amount: Math.round(Number(data.get('amount')) * 100),
        reference: String(data.get('reference')).trim(),
      });
      const p = answer.payment;
      // The same reference again records nothing new: say so, with what was recorded then.
      setNotice(
        answer.duplicate
          ? { tone: 'info', text: t('dues.duplicate', { period: p.period, amount: formatMoney(p.amount, p.currency), time: formatFullTime(p.createdAt, me.user.timezone) }) }
          : { tone: 'success', text: t('dues.recorded', { period: p.period, amount: formatMoney(p.amount, p.currency) }) },
      );
      if (!answer.duplicate) form.reset();
      setPeriod('');
      reload();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  return (
    <>
        {ledger && !ledger.rate && ledger.periods.length === 0 && <p class="empty">{t('dues.noRate')}</p>}
        {ledger?.rate && <p>{t('dues.rate', { amount: formatMoney(ledger.rate.monthlyAmount, ledger.rate.currency) })}</p>}
        {ledger && (
          <p class="seats" data-testid="balance">
            {t('dues.balance', { amount: formatMoney(ledger.balanceDue, ledger.rate?.currency ?? 'CNY') })}
          </p>
        )}
        {ledger && ledger.periods.length > 0 && <LedgerTable periods={ledger.periods} />}
        {ledger && <LedgerEntries entries={ledger.payments} timeZone={me.user.timezone} />}
        <Said say={notice} onClose={() => setNotice(null)} />
        {unpaid.length > 0 && (
          <form class="stack" onSubmit={pay} aria-labelledby="pay-title">
            <h2 id="pay-title">{t('dues.record')}</h2>
            <label for="pay-period">{t('dues.period')}</label>
            <select id="pay-period" name="period" value={chosen?.period} onChange={(e) => setPeriod(e.currentTarget.value)}>
              {unpaid.map((p) => (
                <option key={p.period} value={p.period}>
                  {p.period}
                </option>
              ))}
            </select>
            <label for="pay-amount">{t('dues.payAmount')}</label>
            <input id="pay-amount" name="amount" type="number" min={0.01} step={0.01} required value={chosen ? ((chosen.amount - chosen.paid) / 100).toFixed(2) : ''} key={chosen?.period} />
            <label for="pay-reference">{t('dues.reference')}</label>
            <input id="pay-reference" name="reference" required maxLength={100} autocomplete="off" />
            <button type="submit">{t('dues.submit')}</button>
          </form>
        )}
    </>
  );
}

function OrganizerDues({ token, me }: { token: string; me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [orgId, setOrgId] = useState('');
  const [period, setPeriod] = useState(currentPeriod(me.user.timezone));
  const [arrears, setArrears] = useState<Arrear[] | null>(null);
  const [members, setMembers] = useState<User[]>([]);
  const [notice, setNotice] = useState<Say>(null);
  const units = me.user.role === 'admin' ? orgs : orgs.filter((o) => me.rooms.some((r) => r.id === `org:${o.id}` && r.moderator));

  useEffect(() => void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs).catch(() => {}), [token]);
  useEffect(() => {
    if (!orgId && units[0]) setOrgId(String(units[0].id));
  }, [units.length]);
  const load = () => {
    if (!orgId) return;
    void apiAll<Arrear>(`/api/dues/arrears?orgId=${orgId}&period=${period}`, 'members', token).then(setArrears).catch(() => setArrears([]));
    void apiAll<User>(`/api/members?orgId=${orgId}`, 'members', token).then(setMembers).catch(() => {});
  };
  useEffect(load, [orgId, period]);

  const unitName = units.find((u) => String(u.id) === orgId)?.name ?? '';
  const downloadCsv = () => downloadWithToken(`/api/dues/arrears?orgId=${orgId}&period=${period}&format=csv`, token, `arrears-${orgId}-${period}.csv`);

  async function remind(stage: 'first' | 'second' | 'escalation') {
    if (!confirm(t('dues.remindConfirm', { stage: t(`dues.stage.${stage}` as MessageKey), unit: unitName, period }))) return;
    try {
      const r = await apiRequest<{ enqueued: number }>('POST', '/api/dues/reminders/run', token, { period, stage, orgId: Number(orgId) });
      setNotice({ tone: 'success', text: t('dues.enqueued', { count: r.enqueued }) });
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  async function setRate(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      await apiRequest('PUT', `/api/dues/rates/${form.get('userId')}`, token, { monthlyAmount: Math.round(Number(form.get('monthly')) * 100) });
      setNotice({ tone: 'success', text: t('dues.rateSaved') });
      load();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  return (
    <section class="tools" aria-labelledby="org-dues">
      <h2 id="org-dues">{t('dues.organizer')}</h2>
      <Said say={notice} onClose={() => setNotice(null)} />
      <div class="filters">
        <UnitPicker label="dues.unit" units={units} value={orgId} onChange={setOrgId} />
        <label>
          {t('dues.period')}
          <input type="month" value={period} onInput={(e) => e.currentTarget.value && setPeriod(e.currentTarget.value)} />
        </label>
      </div>
      <h3>{t('dues.arrears', { period })}</h3>
      {arrears && arrears.length === 0 && <p class="empty">{t('dues.noArrears')}</p>}
      <ul class="cards">
        {(arrears ?? []).map((a) => (
          <li key={a.user.id} class="card">
            <div class="card-row">
              <a class="grow" href={`#/dues/members/${a.user.id}`}>
                {a.user.name}
              </a>
              <span>{formatMoney(a.amountDue, a.currency)}</span>
            </div>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" class="quiet" onClick={downloadCsv}>
          {t('dues.csv')}
        </button>
        {(['first', 'second', 'escalation'] as const).map((stage) => (
          <button key={stage} type="button" class="secondary" onClick={() => remind(stage)}>
            {t('dues.remindStage', { action: t('dues.remindNow'), stage: t(`dues.stage.${stage}` as MessageKey) })}
          </button>
        ))}
      </div>
      <h3>{t('dues.members')}</h3>
      <ul class="cards">
        {members.map((m) => (
          <li key={m.id} class="card">
            <a href={`#/dues/members/${m.id}`}>{t('dues.openLedger', { name: m.name })}</a>
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={setRate} aria-labelledby="rate-title">
        <h3 id="rate-title" style="flex-basis:100%">
          {t('dues.setRate')}
        </h3>
        <Picker label={t('dues.member')} name="userId" choices={named(members)} />
        <label>
          {t('dues.monthly')}
          <input name="monthly" type="number" min={0} step={0.01} required />
        </label>
        <button type="submit">{t('dues.saveRate')}</button>
      </form>
    </section>
  );
}

function QueueState({ token }: { token: string }) {
  const [state, setState] = useState<{ counts: Record<string, number>; failed: Array<{ id: string; name: string; failedReason: string }> } | null>(null);
  useEffect(() => {
    const load = () => void apiRequest<typeof state>('GET', '/api/dues/queue', token).then(setState).catch(() => {});
    load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, [token]);
  if (!state) return null;
  const c = state.counts;
  return (
    <section class="tools" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('dues.queue')}</h2>
      <p>{t('dues.queueCounts', { waiting: c.waiting ?? 0, delayed: c.delayed ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 })}</p>
      {state.failed.length > 0 && (
        <>
          <h3>{t('dues.failedJobs')}</h3>
          <ul>
            {state.failed.map((job) => (
              <li key={job.id}>
                {job.name} #{job.id}: {job.failedReason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
