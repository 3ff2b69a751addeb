import { useEffect, useRef, useState } from 'preact/hooks';
import type { Org } from '../../../../server/contract/model';
import { apiRequest } from '../../api';
import { formatFullTime } from '../../i18n';
import type { AppSocket } from '../../socket';
import type { LifeKey } from '../../i18n/life/zh-CN';
import { Said } from '../controls';
import { lifeError, nameOf, tl, type Say } from './common';
import { transferProgress, type ProgressStep, type TransferView } from './logic';

/** The transfer's state as a coloured word. */
export function TransferStatus({ transfer }: { transfer: Pick<TransferView, 'status'> }) {
  return <span class={`pill transfer-${transfer.status}`}>{tl(`transfer.status.${transfer.status}` as LifeKey)}</span>;
}

/** Whose step it is, in words: "第一支部 approves the move out". */
function stepTitle(step: ProgressStep, transfer: TransferView, orgs: Org[] | null): string {
  const unit = nameOf(orgs, step.side === 'from' ? transfer.fromBranchId : step.side === 'to' ? transfer.toBranchId : null);
  const key = `transfer.step.${step.kind}.${step.state === 'stopped' ? 'done' : step.state}` as LifeKey;
  return tl(key, { unit, member: transfer.member.name });
}

/** The transfer's progress: each step with who and when and their note, then the one waiting and those to come. */
export function TransferProgress({ transfer, orgs, timeZone }: { transfer: TransferView; orgs: Org[] | null; timeZone: string }) {
  const steps = transferProgress(transfer);
  return (
    <ol class="steps" aria-label={tl('transfer.progress')}>
      {steps.map((step, i) => (
        <li key={i} class={`step ${step.state} ${step.kind}`} aria-current={step.state === 'current' ? 'step' : undefined}>
          <span class="step-title">
            {stepTitle(step, transfer, orgs)}
            {step.state === 'upcoming' && <span class="visually-hidden"> {tl('transfer.upcoming')}</span>}
          </span>
          {(step.by || step.at) && (
            <span class="muted small">
              {[step.by?.name, step.at ? formatFullTime(step.at, timeZone) : null].filter(Boolean).join(' · ')}
            </span>
          )}
          {step.note && <span class="step-note">{tl('transfer.noteSaid', { note: step.note })}</span>}
        </li>
      ))}
    </ol>
  );
}

/** What a transfer is: who, from where to where, why. */
export function TransferFacts({ transfer, orgs, timeZone, own }: { transfer: TransferView; orgs: Org[] | null; timeZone: string; own?: boolean }) {
  return (
    <dl class="facts">
      {!own && (
        <>
          <dt>{tl('transfer.member')}</dt>
          <dd>{transfer.member.name}</dd>
        </>
      )}
      <dt>{tl('transfer.from')}</dt>
      <dd>{nameOf(orgs, transfer.fromBranchId)}</dd>
      <dt>{tl('transfer.to')}</dt>
      <dd>{nameOf(orgs, transfer.toBranchId)}</dd>
      {transfer.destination && (
        <>
          <dt>{tl('transfer.destinationShort')}</dt>
          <dd>{transfer.destination}</dd>
        </>
      )}
      <dt>{tl('transfer.reason')}</dt>
      <dd class="description">{transfer.reason}</dd>
      <dt>{tl('transfer.requestedAt')}</dt>
      <dd>{formatFullTime(transfer.createdAt, timeZone)}</dd>
      {transfer.requestedBy && transfer.requestedBy.id !== transfer.member.id && (
        <>
          <dt>{tl('transfer.requestedBy')}</dt>
          <dd>{transfer.requestedBy.name}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * Approve (with a note if one likes) or return (a note is required: the member must learn why) the step that
 * is the caller's. The note stays typed when the server refuses.
 */
export function DecideForm({ transfer, token, onDone, idPrefix }: { transfer: TransferView; token: string; onDone: (t: TransferView, say: Say) => void; idPrefix: string }) {
  const [say, setSay] = useState<Say>(null);
  const [busy, setBusy] = useState(false);
  const noteId = `${idPrefix}-note`;

  async function decide(event: Event, action: 'approve' | 'return') {
    event.preventDefault();
    const form = (event.currentTarget as HTMLElement).closest('form')!;
    const note = String(new FormData(form).get('note') ?? '').trim();
    if (action === 'return' && !note) {
      setSay({ tone: 'error', text: tl('transfer.returnNeedsNote') });
      (form.elements.namedItem('note') as HTMLTextAreaElement | null)?.focus();
      return;
    }
    setBusy(true);
    try {
      // The step this screen shows: if someone decided it meanwhile, this is a conflict, never the next step's decision.
      const step = transfer.status === 'pending_out' ? 'out' : 'in';
      const { transfer: next } = await apiRequest<{ transfer: TransferView }>('POST', `/api/transfers/${transfer.id}/${action}`, token, action === 'return' ? { note, step } : note ? { note, step } : { step });
      onDone(next, { tone: 'success', text: tl(action === 'approve' ? 'transfer.approved' : 'transfer.returned', { name: transfer.member.name }) });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'transfer.decidedMeanwhile', forbidden: 'transfer.notYours' }) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="stack decide" onSubmit={(e) => decide(e, 'approve')} aria-label={tl('transfer.decideFor', { name: transfer.member.name })}>
      <Said say={say} onClose={() => setSay(null)} />
      <label for={noteId}>{tl('transfer.note')}</label>
      <textarea id={noteId} name="note" rows={2} maxLength={1000} aria-describedby={`${noteId}-hint`} />
      <small id={`${noteId}-hint`} class="muted">
        {tl('transfer.noteHint')}
      </small>
      <div class="actions">
        <button type="submit" class="approve" disabled={busy}>
          {tl('transfer.approve')}
        </button>
        <button type="button" class="return" disabled={busy} onClick={(e) => decide(e, 'return')}>
          {tl('transfer.return')}
        </button>
      </div>
    </form>
  );
}

/**
 * Calls `reload` when a notification about transfers arrives (a step decided elsewhere), so the page shows
 * the transfer as it is without the member reloading.
 */
export function useTransferNews(socket: AppSocket, reload: () => void): void {
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    const onNotification = (n: { kind: string }) => n.kind.startsWith('transfer_') && latest.current();
    socket.on('notification', onNotification);
    return () => void socket.off('notification', onNotification);
  }, [socket]);
}
