import type { Org } from '../../../server/contract/model';
import { t, type MessageKey } from '../i18n';

/** A labelled choice of units (a filter), optionally with "any" first. */
export function UnitPicker({ label, units, value, onChange, any }: { label: MessageKey; units: Org[]; value: string; onChange: (orgId: string) => void; any?: MessageKey }) {
  return (
    <label>
      {t(label)}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {any && <option value="">{t(any)}</option>}
        {units.map((o) => (
          <option key={o.id} value={String(o.id)}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The next page of a list, when there is one. */
export function LoadMore({ next, onMore }: { next: string | null | undefined; onMore: (cursor: string) => void }) {
  if (!next) return null;
  return (
    <div class="actions">
      <button type="button" class="quiet" onClick={() => onMore(next)}>
        {t('action.more')}
      </button>
    </div>
  );
}
