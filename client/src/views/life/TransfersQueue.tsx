import { useEffect, useState } from 'preact/hooks';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import type { AppSocket } from '../../socket';
import { AdminNav } from '../admin/AdminNav';
import { LoadMore, UnitPicker } from '../controls';
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
  const [list, setList] = useState<TransferView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const units = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });

  async function load(cursor?: string) {
    const query = new URLSearchParams({ limit: '30', ...(status ? { status } : {}), ...(orgId ? { orgId } : {}), ...(cursor ? { before: cursor } : {}) });
    if (!cursor) setList(null); // a new filter: no stale rows meanwhile
    try {
      const page = await apiRequest<{ transfers: TransferView[]; nextCursor?: string | null }>('GET', `/api/transfers?${query}`, token);
      setList((old) => (cursor ? [...(old ?? []), ...page.transfers] : page.transfers));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      setList((old) => old ?? []);
      setSay({ tone: 'error', text: lifeError(error) });
    }
  }
  useEffect(() => void load(), [status, orgId]);
  useTransferNews(socket, () => void load());

  const shown = status === 'pending' ? queueOrder(list ?? []) : list ?? [];
  const mine = shown.filter((x) => x.mayDecide).length;

  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{t('nav.transfers')}</h1>
        <AdminNav current="transfers" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        <div class="filters" role="search">
          <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} any="meetings.any" />
          <label>
            {tl('transfer.filterStatus')}
            <select value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {tl(s ? `transfer.filter.${s}` : 'transfer.filter.all')}
                </option>
              ))}
            </select>
          </label>
        </div>
        {list === null && <p role="status">{t('status.loading')}</p>}
        {status === 'pending' && list !== null && <p class="seats">{mine > 0 ? tl('transfer.waitingForYou', { count: mine }) : tl('transfer.nothingForYou')}</p>}
        {list?.length === 0 && <p class="empty">{tl('transfer.none')}</p>}
        <ul class="cards">
          {shown.map((x) => (
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
          ))}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
