import { formatMoney, t, type MessageKey } from '../../i18n';
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
