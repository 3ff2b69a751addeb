import { useState } from 'preact/hooks';
import type { TrainingKind, TrainingRecord } from '../../../../server/contract/memberLife';
import { apiRequest } from '../../api';
import { formatFullTime } from '../../i18n';
import type { LifeKey } from '../../i18n/life/zh-CN';
import { Said } from '../controls';
import { formatHours, lifeError, tl, type Say } from './common';

export const kindLabel = (kind: TrainingKind) => tl(`training.kind.${kind}` as LifeKey);
export const recordStatus = (record: TrainingRecord) => <span class={`pill record-${record.status}`}>{tl(`training.status.${record.status}` as LifeKey)}</span>;

/**
 * One attendance or self-report: whose, how many hours, its state and note; an organizer over the member
 * confirms a pending one, or rejects it with a reason (the member reads it).
 */
export function RecordItem({ record, token, timeZone, decide, showTraining, mine, onChange }: {
  record: TrainingRecord;
  token: string;
  timeZone: string;
  decide: boolean;
  showTraining?: boolean;
  /** One's own record: its hours, not one's name. */
  mine?: boolean;
  onChange: (record: TrainingRecord, say: Say) => void;
}) {
  const [rejecting, setRejecting] = useState(false);
  const [say, setSay] = useState<Say>(null);
  const [busy, setBusy] = useState(false);
  const noteId = `reject-${record.id}`;

  async function act(action: 'confirm' | 'reject', note?: string) {
    setBusy(true);
    try {
      const { record: next } = await apiRequest<{ record: TrainingRecord }>('POST', `/api/training-records/${record.id}/${action}`, token, action === 'reject' ? { note } : undefined);
      setRejecting(false);
      onChange(next, { tone: 'success', text: tl(action === 'confirm' ? 'training.confirmed' : 'training.rejected', { name: record.user.name, hours: formatHours(record.hours) }) });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'training.decidedMeanwhile' }) });
    } finally {
      setBusy(false);
    }
  }

  function reject(event: Event) {
    event.preventDefault();
    const note = String(new FormData(event.currentTarget as HTMLFormElement).get('note') ?? '').trim();
    if (!note) {
      setSay({ tone: 'error', text: tl('training.rejectNeedsNote') });
      return;
    }
    void act('reject', note);
  }

  return (
    <li class="card">
      <div class="card-row">
        <span class="grow lines">
          <strong>{mine ? formatHours(record.hours) : record.user.name}</strong>
          {showTraining && <a href={`#/trainings/${record.trainingId}`}>{record.training.title}</a>}
          <span class="muted small">
            {mine ? '' : `${formatHours(record.hours)} · `}
            {formatFullTime(record.at, timeZone)}
          </span>
        </span>
        {recordStatus(record)}
      </div>
      {record.note && <span class="description small">{tl(record.status === 'rejected' ? 'training.rejectedBecause' : 'training.noteSaid', { note: record.note })}</span>}
      {record.confirmedBy && record.status !== 'pending' && <span class="muted small">{tl(record.status === 'rejected' ? 'training.rejectedBy' : 'training.confirmedBy', { name: record.confirmedBy.name })}</span>}
      <Said say={say} onClose={() => setSay(null)} />
      {decide && record.status === 'pending' && (
        <div class="actions">
          <button type="button" class="approve" disabled={busy} onClick={() => void act('confirm')} aria-label={tl('training.confirmOf', { name: record.user.name })}>
            {tl('training.confirm')}
          </button>
          <button type="button" class="quiet" aria-expanded={rejecting} onClick={() => setRejecting(!rejecting)} aria-label={tl('training.rejectOf', { name: record.user.name })}>
            {tl('training.reject')}
          </button>
        </div>
      )}
      {rejecting && (
        <form class="stack" onSubmit={reject}>
          <label for={noteId}>{tl('training.rejectNote')}</label>
          <textarea id={noteId} name="note" rows={2} maxLength={1000} required />
          <button type="submit" class="danger" disabled={busy}>
            {tl('training.rejectSubmit')}
          </button>
        </form>
      )}
    </li>
  );
}
