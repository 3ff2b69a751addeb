import { useEffect, useState } from 'preact/hooks';
import type { Org, User } from '../../../server/contract/model';
import { apiAll, apiRequest, downloadWithToken, errorMessage, type Me } from '../api';
import { formatMoney, t, type MessageKey } from '../i18n';

export interface Ledger {
  rate: { monthlyAmount: number; currency: string } | null;
  periods: Array<{ period: string; amount: number; currency: string; paid: number; status: 'paid' | 'due' | 'overdue' }>;
  balanceDue: number;
}

interface Arrear {
  user: { id: number; name: string };
  period: string;
  amountDue: number;
  currency: string;
}

const currentPeriod = () => new Date().toISOString().slice(0, 7);

/** The member's dues month by month with a payment form; organizer and admin tools below. */
export function DuesPage({ token, me, ledger, reload }: { token: string; me: Me; ledger: Ledger | null; reload: () => void }) {
  const unpaid = ledger?.periods.filter((p) => p.status !== 'paid') ?? [];
  const [period, setPeriod] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const chosen = ledger?.periods.find((p) => p.period === (period || unpaid[unpaid.length - 1]?.period));

  async function pay(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      const amount = Math.round(Number(form.get('amount')) * 100);
      const { payment } = await apiRequest<{ payment: { period: string; amount: number; currency: string } }>('POST', '/api/dues/payments', token, {
        period: String(form.get('period')),
        amount,
        reference: String(form.get('reference')).trim(),
      });
      setMessage(t('dues.recorded', { period: payment.period, amount: formatMoney(payment.amount, payment.currency) }));
      (event.target as HTMLFormElement).reset();
      setPeriod('');
      reload();
    } catch (e) {
      setMessage(errorMessage(e, t('error.generic')));
    }
  }

  const organizes = me.user.role === 'admin' || me.organizerOf.length > 0;
  return (
    <main class="page" id="main">
      <h1>{t('dues.title')}</h1>
      {ledger && !ledger.rate && ledger.periods.length === 0 && <p class="empty">{t('dues.noRate')}</p>}
      {ledger?.rate && <p>{t('dues.rate', { amount: formatMoney(ledger.rate.monthlyAmount, ledger.rate.currency) })}</p>}
      {ledger && (
        <p class="seats" data-testid="balance">
          {t('dues.balance', { amount: formatMoney(ledger.balanceDue, ledger.rate?.currency ?? 'CNY') })}
        </p>
      )}
      {ledger && ledger.periods.length > 0 && (
        <table class="ledger">
          <thead>
            <tr>
              <th scope="col">{t('dues.period')}</th>
              <th scope="col">{t('dues.amount')}</th>
              <th scope="col">{t('dues.paid')}</th>
              <th scope="col">{t('dues.status')}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.periods.map((p) => (
              <tr key={p.period}>
                <th scope="row">{p.period}</th>
                <td>{formatMoney(p.amount, p.currency)}</td>
                <td>{formatMoney(p.paid, p.currency)}</td>
                <td>
                  <span class={`pill ${p.status}`}>{t(`dues.status.${p.status}` as MessageKey)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
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
      {organizes && <OrganizerDues token={token} me={me} />}
      {me.user.role === 'admin' && <QueueState token={token} />}
    </main>
  );
}

function OrganizerDues({ token, me }: { token: string; me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [orgId, setOrgId] = useState('');
  const [period, setPeriod] = useState(currentPeriod());
  const [arrears, setArrears] = useState<Arrear[] | null>(null);
  const [members, setMembers] = useState<User[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const units = me.user.role === 'admin' ? orgs : orgs.filter((o) => me.rooms.some((r) => r.id === `org:${o.id}` && r.moderator));

  useEffect(() => void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs), [token]);
  useEffect(() => {
    if (!orgId && units[0]) setOrgId(String(units[0].id));
  }, [units.length]);
  const load = () => {
    if (!orgId) return;
    void apiAll<Arrear>(`/api/dues/arrears?orgId=${orgId}&period=${period}`, 'members', token).then(setArrears).catch(() => setArrears([]));
    void apiAll<User>(`/api/members?orgId=${orgId}`, 'members', token).then(setMembers).catch(() => {});
  };
  useEffect(load, [orgId, period]);

  const downloadCsv = () => downloadWithToken(`/api/dues/arrears?orgId=${orgId}&period=${period}&format=csv`, token, `arrears-${orgId}-${period}.csv`);

  async function remind(stage: string) {
    try {
      const r = await apiRequest<{ enqueued: number }>('POST', '/api/dues/reminders/run', token, { period, stage, orgId: Number(orgId) });
      setMessage(t('dues.enqueued', { count: r.enqueued }));
    } catch (e) {
      setMessage(errorMessage(e, t('error.generic')));
    }
  }

  async function setRate(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      await apiRequest('PUT', `/api/dues/rates/${form.get('userId')}`, token, { monthlyAmount: Math.round(Number(form.get('monthly')) * 100) });
      setMessage(t('dues.rateSaved'));
      load();
    } catch (e) {
      setMessage(errorMessage(e, t('error.generic')));
    }
  }

  return (
    <section class="tools" aria-labelledby="org-dues">
      <h2 id="org-dues">{t('dues.organizer')}</h2>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <div class="row">
        <label for="dues-unit">{t('dues.unit')}</label>
        <select id="dues-unit" value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)}>
          {units.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name}
            </option>
          ))}
        </select>
        <label for="dues-period">{t('dues.period')}</label>
        <input id="dues-period" type="month" value={period} onInput={(e) => e.currentTarget.value && setPeriod(e.currentTarget.value)} />
      </div>
      <h3>{t('dues.arrears', { period })}</h3>
      {arrears && arrears.length === 0 && <p class="empty">{t('dues.noArrears')}</p>}
      <ul>
        {(arrears ?? []).map((a) => (
          <li key={a.user.id}>
            {a.user.name} · {formatMoney(a.amountDue, a.currency)}
          </li>
        ))}
      </ul>
      <div class="row">
        <button type="button" class="secondary" onClick={downloadCsv}>
          {t('dues.csv')}
        </button>
        {(['first', 'second', 'escalation'] as const).map((stage) => (
          <button key={stage} type="button" onClick={() => remind(stage)}>
            {t('dues.remindNow')}: {t(`dues.stage.${stage}` as MessageKey)}
          </button>
        ))}
      </div>
      <form class="row" onSubmit={setRate}>
        <span>{t('dues.setRate')}</span>
        <label for="rate-member" class="visually-hidden">
          {t('dues.member')}
        </label>
        <select id="rate-member" name="userId">
          {members.map((m) => (
            <option key={m.id} value={String(m.id)}>
              {m.name}
            </option>
          ))}
        </select>
        <label for="rate-amount" class="visually-hidden">
          {t('dues.monthly')}
        </label>
        <input id="rate-amount" name="monthly" type="number" min={0} step={0.01} required placeholder={t('dues.monthly')} />
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
