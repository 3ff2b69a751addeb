import type { LedgerEntry } from '../../../../server/contract/model';
import { formatFullTime, formatMoney, t, type MessageKey } from '../../i18n';
import type { Ledger } from '../Shell';

/** A member's months: what was due, what was paid, and whether it is paid, due or overdue. */
export function LedgerTable({ periods }: { periods: Ledger['periods'] }) {
  return (
    <div class="table-wrap">
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
          {periods.map((p) => (
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
    </div>
  );
}

/** The ledger's entries, newest first, each time in the viewer's zone (the member's receipt number; not the one made up for cash). */
export function LedgerEntries({ entries, timeZone }: { entries: LedgerEntry[]; timeZone: string }) {
  if (entries.length === 0) return null;
  return (
    <>
      <h2>{t('dues.entries')}</h2>
      <ul class="cards">
        {entries.map((p) => (
          <li key={p.id} class="card">
            <span>
              {p.period} · {formatMoney(p.amount, p.currency)} · {t(p.kind === 'payment' ? 'dues.kind.payment' : 'dues.kind.correction')}
            </span>
            <span class="muted">
              {formatFullTime(p.createdAt, timeZone)}
              {p.recordedBy !== p.userId ? ` · ${t('dues.recordedBy', { name: p.recordedByName })}` : ''}
              {p.reference && p.kind === 'payment' && !p.reference.startsWith('cash-') ? ` · ${p.reference}` : ''}
              {p.note ? ` · ${p.note}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export type { LedgerEntry };
