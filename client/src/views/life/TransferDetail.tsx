import { useEffect, useState } from 'preact/hooks';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import type { AppSocket } from '../../socket';
import { Page, Said } from '../controls';
import { lifeError, nameOf, tl, useOrgs, type Say } from './common';
import { isPending, type TransferView } from './logic';
import { DecideForm, TransferFacts, TransferProgress, TransferStatus, useTransferNews } from './transferParts';

/** One transfer: what it is, its steps, and what the viewer may do now (decide their step, or withdraw it). */
export function TransferDetail({ id, token, me, socket, manages }: { id: number; token: string; me: Me; socket: AppSocket; manages: boolean }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [transfer, setTransfer] = useState<TransferView | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const zone = me.user.timezone;

  const load = () =>
    void apiRequest<{ transfer: TransferView }>('GET', `/api/transfers/${id}`, token)
      .then((r) => setTransfer(r.transfer))
      .catch((e) => setFailed(lifeError(e)));
  useEffect(load, [id]);
  useTransferNews(socket, load);

  async function withdraw(x: TransferView) {
    if (!confirm(tl('transfer.withdrawConfirm', { unit: nameOf(orgs, x.toBranchId) }))) return;
    try {
      const r = await apiRequest<{ transfer: TransferView }>('POST', `/api/transfers/${x.id}/withdraw`, token);
      setTransfer(r.transfer);
      setSay({ tone: 'success', text: tl('transfer.withdrawn') });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'transfer.decidedMeanwhile' }) });
      load();
    }
  }

  const own = transfer?.member.id === me.user.id;
  return (
    <Page>
      <a href={manages && !own ? '#/transfers' : '#/transfer'}>{tl(manages && !own ? 'transfer.backToQueue' : 'transfer.backToMine')}</a>
      <h1>{transfer ? tl('transfer.titleOf', { name: transfer.member.name }) : t('nav.transfer')}</h1>
      {failed && <Notice tone="error">{failed}</Notice>}
      {!transfer && !failed && <p role="status">{t('status.loading')}</p>}
      <Said say={say} onClose={() => setSay(null)} />
      {transfer && (
        <>
          <p>
            <TransferStatus transfer={transfer} />
          </p>
          <TransferFacts transfer={transfer} orgs={orgs} timeZone={zone} />
          <h2>{tl('transfer.progress')}</h2>
          <TransferProgress transfer={transfer} orgs={orgs} timeZone={zone} />
          {transfer.mayDecide && isPending(transfer.status) && (
            <section class="tools" aria-labelledby="decide-title">
              <h2 id="decide-title">{tl(transfer.status === 'pending_out' ? 'transfer.decideOut' : 'transfer.decideIn', { unit: nameOf(orgs, transfer.status === 'pending_out' ? transfer.fromBranchId : transfer.toBranchId) })}</h2>
              <DecideForm
                transfer={transfer}
                token={token}
                idPrefix="detail"
                onDone={(updated, result) => {
                  setTransfer(updated);
                  setSay(result);
                }}
              />
            </section>
          )}
          {transfer.mayWithdraw && isPending(transfer.status) && (
            <div class="actions">
              <button type="button" class="danger" onClick={() => void withdraw(transfer)}>
                {tl('transfer.withdraw')}
              </button>
            </div>
          )}
          {own || !manages ? null : (
            <p>
              <a href={`#/members/${transfer.member.id}/card`}>{tl('card.of', { name: transfer.member.name })}</a>
            </p>
          )}
        </>
      )}
    </Page>
  );
}
