import { useState } from 'preact/hooks';
import type { Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import type { AppSocket } from '../../socket';
import { AdminNav } from '../admin/AdminNav';
import { Page, Picker, Said, UnitPicker } from '../controls';
import { Cards, usePagedList } from '../lists';
import { lifeError, nameOf, tl, useOrgs, type Say } from './common';
import { managedUnits, queueOrder, type TransferView } from './logic';
import { DecideForm, TransferStatus, useTransferNews } from './transferParts';

const STATUSES = ['pending', 'completed', 'returned', 'withdrawn', ''] as const;

/** An organizer's transfers: those waiting for them first, each decided in place (approve, or return with a note). */
export function TransfersQueue({ token, me, socket }: { token: string; me: Me; socket: AppSocket }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token, (e) => setSay({ tone: 'error', text: lifeError(e) }));
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('pending');
  const [orgId, setOrgId] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const units = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  // A new filter reads from the first page, with no stale rows meanwhile; news of a transfer reads again.
  const query = new URLSearchParams({ limit: '30', ...(status ? { status } : {}), ...(orgId ? { orgId } : {}) });
  const transfers = usePagedList<TransferView>(token, `/api/transfers?${query}`, 'transfers', (error) => setSay({ tone: 'error', text: lifeError(error) }));
  const { list, setList } = transfers;
  useTransferNews(socket, transfers.reload);

  const shown = list && (status === 'pending' ? queueOrder(list) : list);
  const mine = (shown ?? []).filter((x) => x.mayDecide).length;

  return (
    <Page>
      <h1>{t('nav.transfers')}</h1>
      <AdminNav current="transfers" />
      <Said say={say} onClose={() => setSay(null)} />
      <div class="filters" role="search">
        <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} any="meetings.any" />
        <Picker label={tl('transfer.filterStatus')} choices={STATUSES.map((s) => [s, tl(s ? `transfer.filter.${s}` : 'transfer.filter.all')])} value={status} onChange={(s) => setStatus(s as typeof status)} />
      </div>
      {status === 'pending' && list !== null && <p class="seats">{mine > 0 ? tl('transfer.waitingForYou', { count: mine }) : tl('transfer.nothingForYou')}</p>}
      <Cards {...transfers} list={shown} empty={tl('transfer.none')}>
        {(x) => (
          <li key={x.id} class={`card${x.mayDecide ? ' yours' : ''}`}>
            <div class="card-row">
              <a class="grow" href={`#/transfers/${x.id}`}>
                <strong>{x.member.name}</strong>
              </a>
              <TransferStatus transfer={x} />
            </div>
            <span>{tl('transfer.fromTo', { from: nameOf(orgs, x.fromBranchId), to: nameOf(orgs, x.toBranchId) })}</span>
            <span class="muted small clamp">
              {x.destination ? `${x.destination} · ` : ''}
              {x.reason}
            </span>
            <span class="muted small">{tl('transfer.askedOn', { time: formatFullTime(x.createdAt, me.user.timezone) })}</span>
            {x.mayDecide && (
              <>
                <div class="actions">
                  <button type="button" aria-expanded={open === x.id} onClick={() => setOpen(open === x.id ? null : x.id)} aria-label={tl('transfer.decideFor', { name: x.member.name })}>
                    {tl('transfer.decide')}
                  </button>
                </div>
                {open === x.id && (
                  <DecideForm
                    transfer={x}
                    token={token}
                    idPrefix={`q${x.id}`}
                    onDone={(updated, result) => {
                      setOpen(null);
                      setSay(result);
                      setList((old) => (old ?? []).map((y) => (y.id === updated.id ? { ...updated, mayDecide: updated.mayDecide ?? false } : y)));
                    }}
                  />
                )}
              </>
            )}
          </li>
        )}
      </Cards>
    </Page>
  );
}
