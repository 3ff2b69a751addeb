import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../../../server/contract/model';
import { apiRequest, type Me } from '../../api';
import { describeError } from '../../errors';
import { formatFullTime, formatMoney, t } from '../../i18n';
import { Page, Said } from '../controls';
import type { Ledger } from '../Shell';
import { LedgerEntries, LedgerTable, type LedgerEntry } from './LedgerTable';


/** One member's ledger for an organizer over them: their months and entries, and a cash payment to record. */
export function MemberLedger({ token, me, memberId }: { token: string; me: Me; memberId: number }) {
  const [member, setMember] = useState<User | null>(null);
  const [ledger, setLedger] = useState<(Ledger & { payments: LedgerEntry[] }) | null>(null);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success' | 'info'; text: string } | null>(null);
  const [period, setPeriod] = useState('');

  const load = () => {
    void apiRequest<{ user: User }>('GET', `/api/members/${memberId}`, token).then((r) => setMember(r.user)).catch((e) => setNotice({ tone: 'error', text: describeError(e) }));
    void apiRequest<Ledger & { payments: LedgerEntry[] }>('GET', `/api/dues/members/${memberId}`, token).then(setLedger).catch(() => {});
  };
  useEffect(load, [memberId]);

  async function record(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    try {
      const answer = await apiRequest<{ payment: LedgerEntry; duplicate?: true }>('POST', `/api/dues/members/${memberId}/payments`, token, {
        period: String(data.get('period')),
        amount: Math.round(Number(data.get('amount')) * 100),
        reference: String(data.get('reference') ?? '').trim() || undefined,
        note: String(data.get('note') ?? '').trim() || null,
      });
      const p = answer.payment;
      setNotice(answer.duplicate ? { tone: 'info', text: t('dues.duplicate', { period: p.period, amount: formatMoney(p.amount, p.currency), time: formatFullTime(p.createdAt, me.user.timezone) }) } : { tone: 'success', text: t('dues.recorded', { period: p.period, amount: formatMoney(p.amount, p.currency) }) });
      form.reset();
      load();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  const unpaid = ledger?.periods.filter((p) => p.status !== 'paid') ?? [];
  // The oldest unpaid month first (as on the member's own page), with what is still owed filled in.
  const choices = unpaid.length > 0 ? [...unpaid].reverse() : (ledger?.periods ?? []);
  const chosen = choices.find((p) => p.period === period) ?? choices[0];
  return (
    <Page>
      <a href="#/dues">{t('dues.backToDues')}</a>
      <h1>{member ? t('dues.ledgerOf', { name: member.name }) : t('dues.title')}</h1>
      <Said say={notice} onClose={() => setNotice(null)} />
      {ledger && (
        <>
          <p class="seats">{t('dues.balance', { amount: formatMoney(ledger.balanceDue, ledger.rate?.currency ?? 'CNY') })}</p>
          {ledger.periods.length > 0 ? <LedgerTable periods={ledger.periods} /> : <p class="empty">{t('dues.noRateMember')}</p>}
        </>
      )}
      {ledger && ledger.periods.length > 0 && (
        <form class="stack tools" onSubmit={record} aria-labelledby="cash-title">
          <h2 id="cash-title">{t('dues.recordCash')}</h2>
          <label for="cash-period">{t('dues.period')}</label>
          <select id="cash-period" name="period" value={chosen?.period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {choices.map((p) => (
              <option key={p.period} value={p.period}>
                {p.period}
              </option>
            ))}
          </select>
          <label for="cash-amount">{t('dues.payAmount')}</label>
          <input id="cash-amount" name="amount" type="number" min={0.01} step={0.01} required key={chosen?.period} defaultValue={chosen && chosen.amount > chosen.paid ? ((chosen.amount - chosen.paid) / 100).toFixed(2) : ''} />
          <label for="cash-reference">{t('dues.receipt')}</label>
          <input id="cash-reference" name="reference" maxLength={100} autocomplete="off" />
          <label for="cash-note">{t('dues.note')}</label>
          <input id="cash-note" name="note" maxLength={300} />
          <button type="submit">{t('dues.submit')}</button>
        </form>
      )}
      {ledger && <LedgerEntries entries={ledger.payments} timeZone={me.user.timezone} />}
    </Page>
  );
}
