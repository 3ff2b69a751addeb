import { useEffect, useState } from 'preact/hooks';
import { apiRequest, type Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import type { AppSocket } from '../../socket';
import { Page, Said } from '../controls';
import { lifeError, nameOf, RecordNav, tl, useOrgs, type Say } from './common';
import { branchChoices, isPending, type TransferView } from './logic';
import { TransferFacts, TransferProgress, TransferStatus, useTransferNews } from './transferParts';

/**
 * The member moves their organizational relationship to another branch: asks for it (a branch, why, where
 * they are going), follows it step by step, and may withdraw it while it waits.
 */
export function TransferPage({ token, me, socket }: { token: string; me: Me; socket: AppSocket }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token, (e) => setSay({ tone: 'error', text: lifeError(e) }));
  const [mine, setMine] = useState<TransferView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const zone = me.user.timezone;

  const load = () =>
    void apiRequest<{ transfers: TransferView[] }>('GET', '/api/transfers?limit=50', token)
      .then((r) => setMine(r.transfers.filter((x) => x.member.id === me.user.id)))
      .catch((e) => {
        setMine((old) => old ?? []);
        setSay({ tone: 'error', text: lifeError(e) });
      });
  useEffect(load, [token]);
  useTransferNews(socket, load);

  // The transfer under way, or else the latest one (how it ended, and the organizer's note): its steps in full.
  const newest = [...(mine ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const pending = newest.find((x) => isPending(x.status)) ?? null;
  const shown = pending ?? newest[0] ?? null;
  const past = newest.filter((x) => x !== shown);
  const choices = branchChoices(orgs ?? [], me.user.branchId);

  async function request(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setBusy(true);
    try {
      const { transfer } = await apiRequest<{ transfer: TransferView }>('POST', '/api/transfers', token, {
        toBranchId: Number(data.get('toBranchId')),
        reason: String(data.get('reason') ?? '').trim(),
        ...(String(data.get('destination') ?? '').trim() ? { destination: String(data.get('destination')).trim() } : {}),
      });
      me.user.status = 'in_transit';
      setMine((old) => [transfer, ...(old ?? [])]);
      setSay({ tone: 'success', text: tl('transfer.requested', { unit: nameOf(orgs, transfer.toBranchId) }) });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'transfer.alreadyPending', invalid: 'transfer.invalidBranch' }) });
    } finally {
      setBusy(false);
    }
  }

  async function withdraw(transfer: TransferView) {
    if (!confirm(tl('transfer.withdrawConfirm', { unit: nameOf(orgs, transfer.toBranchId) }))) return;
    setBusy(true);
    try {
      const { transfer: next } = await apiRequest<{ transfer: TransferView }>('POST', `/api/transfers/${transfer.id}/withdraw`, token);
      me.user.status = 'active';
      setMine((old) => (old ?? []).map((x) => (x.id === next.id ? next : x)));
      setSay({ tone: 'success', text: tl('transfer.withdrawn') });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'transfer.decidedMeanwhile' }) });
      load();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page>
      <h1>{t('nav.transfer')}</h1>
      <RecordNav current="transfer" />
      <Said say={say} onClose={() => setSay(null)} />
      {mine === null && <p role="status">{t('status.loading')}</p>}

      {shown && (
        <section class="card transfer" aria-labelledby="shown-title">
          <div class="card-row">
            <h2 id="shown-title" class="grow">
              {tl(`transfer.title.${shown.status}`, { unit: nameOf(orgs, shown.toBranchId) })}
            </h2>
            <TransferStatus transfer={shown} />
          </div>
          {pending && <p class="muted">{tl('transfer.inTransit', { unit: nameOf(orgs, pending.fromBranchId) })}</p>}
          <h3>{tl('transfer.progress')}</h3>
          <TransferProgress transfer={shown} orgs={orgs} timeZone={zone} />
          <TransferFacts transfer={shown} orgs={orgs} timeZone={zone} own />
          {pending && pending.mayWithdraw !== false && (
            <div class="actions">
              <button type="button" class="danger" disabled={busy} onClick={() => void withdraw(pending)}>
                {tl('transfer.withdraw')}
              </button>
            </div>
          )}
        </section>
      )}

      {mine !== null && !pending && (
        <form class="stack" onSubmit={request} aria-labelledby="request-title">
          <h2 id="request-title">{tl('transfer.request')}</h2>
          <p class="muted">{tl('transfer.intro')}</p>
          <p class="muted">{tl('transfer.currentBranch', { unit: nameOf(orgs, me.user.branchId) || '—' })}</p>
          <label for="tr-to">{tl('transfer.to')}</label>
          <select id="tr-to" name="toBranchId" required>
            <option value="">{tl('transfer.pickBranch')}</option>
            {choices.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.name}
              </option>
            ))}
          </select>
          <label for="tr-destination">{tl('transfer.destination')}</label>
          <input id="tr-destination" name="destination" maxLength={200} aria-describedby="tr-destination-hint" />
          <small id="tr-destination-hint" class="muted">
            {tl('transfer.destinationHint')}
          </small>
          <label for="tr-reason">{tl('transfer.reason')}</label>
          <textarea id="tr-reason" name="reason" rows={3} maxLength={1000} required />
          <button type="submit" disabled={busy || me.user.branchId === null}>
            {tl('transfer.submit')}
          </button>
        </form>
      )}

      {past.length > 0 && (
        <>
          <h2>{tl('transfer.history')}</h2>
          <ul class="cards">
            {past.map((x) => (
              <li key={x.id} class="card">
                <div class="card-row">
                  <a class="grow" href={`#/transfers/${x.id}`}>
                    {tl('transfer.fromTo', { from: nameOf(orgs, x.fromBranchId), to: nameOf(orgs, x.toBranchId) })}
                  </a>
                  <TransferStatus transfer={x} />
                </div>
                <span class="muted small">{formatFullTime(x.completedAt ?? x.steps[x.steps.length - 1]?.at ?? x.createdAt, zone)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
