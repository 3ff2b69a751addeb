import { useEffect, useState } from 'preact/hooks';
import { TENDER_STATUSES, type Tender, type TenderStatus } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { zonedInputToIso } from '../../time';
import { LoadMore } from '../controls';
import { managedUnits } from '../life/logic';
import { nameOf, useOrgs } from '../orgs';
import type { Say } from '../voice/common';
import { appendPage, mergeById } from '../voice/logic';
import { projectsError, ProjectsNav, tp } from './common';
import { shownStatus } from './logic';

/** A call's status in words and colour. */
export const StatusPill = ({ tender }: { tender: Pick<Tender, 'status' | 'closesAt'> }) => {
  const status = shownStatus(tender);
  return <span class={`pill tender-${status}`}>{tp(`tender.status.${status}`)}</span>;
};

/**
 * Calls for projects ("party-affairs bidding"), newest first, narrowed by status (kept in the address); the
 * organizers of a unit publish one from here.
 */
export function Tenders({ token, me, status }: { token: string; me: Me; status: TenderStatus | null }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [list, setList] = useState<Tender[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const zone = me.user.timezone;

  async function load(cursor?: string) {
    try {
      const params = new URLSearchParams({ limit: '20', ...(status ? { status } : {}), ...(cursor ? { before: cursor } : {}) });
      const page = await apiRequest<{ tenders: Tender[]; nextCursor?: string | null }>('GET', `/api/tenders?${params}`, token);
      setList((old) => (cursor ? appendPage(old ?? [], page.tenders) : page.tenders));
      setNext(page.nextCursor ?? null);
    } catch (error) {
      setList((old) => old ?? []);
      setSay({ tone: 'error', text: projectsError(error) });
    }
  }
  useEffect(() => {
    setList(null);
    void load();
  }, [token, status]);

  async function create(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const closesAt = zonedInputToIso(String(data.get('closesAt') ?? ''), zone);
    if (Date.parse(closesAt) <= Date.now()) {
      setSay({ tone: 'error', text: tp('tender.closesPast') });
      return;
    }
    try {
      const { tender } = await apiRequest<{ tender: Tender }>('POST', '/api/tenders', token, {
        orgId: Number(data.get('orgId')),
        title: String(data.get('title') ?? '').trim(),
        description: String(data.get('description') ?? '').trim(),
        closesAt,
      });
      setList((old) => mergeById(old ?? [], [tender], (a, b) => b.id - a.id));
      setWriting(false);
      go(`/tenders/${tender.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error) });
    }
  }

  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{tp('projects.calls')}</h1>
        <ProjectsNav current="calls" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        <div class="filter-row">
          <label for="tender-status">{tp('tender.status')}</label>
          <select id="tender-status" value={status ?? ''} onChange={(e) => go((e.currentTarget as HTMLSelectElement).value ? `/tenders?status=${(e.currentTarget as HTMLSelectElement).value}` : '/tenders')}>
            <option value="">{tp('tender.status.all')}</option>
            {TENDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {tp(`tender.status.${s}`)}
              </option>
            ))}
          </select>
          {managed.length > 0 && (
            <button type="button" aria-expanded={writing} onClick={() => setWriting(!writing)}>
              {tp('tender.new')}
            </button>
          )}
        </div>
        {writing && (
          <form class="stack tools" onSubmit={create} aria-labelledby="new-tender">
            <h2 id="new-tender">{tp('tender.new')}</h2>
            <label for="tn-org">{tp('tender.unit')}</label>
            <select id="tn-org" name="orgId" required>
              {managed.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
            <label for="tn-title">{t('form.title')}</label>
            <input id="tn-title" name="title" required maxLength={200} />
            <label for="tn-description">{tp('tender.description')}</label>
            <textarea id="tn-description" name="description" required rows={5} maxLength={15000} />
            <label for="tn-closes">{tp('tender.closesAt')}</label>
            <input id="tn-closes" name="closesAt" type="datetime-local" required aria-describedby="tn-zone" />
            <small id="tn-zone" class="muted">
              {t('form.timezoneHint', { zone })}
            </small>
            <button type="submit">{tp('tender.create')}</button>
          </form>
        )}
        {list === null && <p role="status">{t('status.loading')}</p>}
        {list?.length === 0 && <p class="empty">{tp('tender.none')}</p>}
        <ul class="cards">
          {(list ?? []).map((tender) => {
            const open = shownStatus(tender) === 'open';
            return (
              <li key={tender.id} class="card">
                <div class="card-row">
                  <h2 class="grow">
                    <a href={`#/tenders/${tender.id}`}>{tender.title}</a>
                  </h2>
                  <StatusPill tender={tender} />
                </div>
                <p class="excerpt">{tender.description}</p>
                <p class="byline muted small">
                  <span>{nameOf(orgs, tender.orgId)}</span>
                  <span>{tp('tender.bidCount', { count: tender.bids })}</span>
                  <time dateTime={tender.closesAt}>{tp(open ? 'tender.closes' : 'tender.closed', { time: formatFullTime(tender.closesAt, zone) })}</time>
                </p>
              </li>
            );
          })}
        </ul>
        <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      </div>
    </main>
  );
}
