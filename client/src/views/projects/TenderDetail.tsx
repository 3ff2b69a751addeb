import { useEffect, useState } from 'preact/hooks';
import type { Bid, Project, Tender } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { command, type AppSocket } from '../../socket';
import { BackLink, OpenButton, Page, submitted, ToolForm, Unavailable, type Say } from '../controls';
import { managedUnits } from '../life/logic';
import { Meta } from '../lists';
import { nameOf, useOrgs } from '../orgs';
import { ProjectFields, projectsError, tp } from './common';
import { applyCounts, takesPart } from './logic';
import { ClosesAt, StatusPill } from './Tenders';

/**
 * One call for projects: what it asks for, its bids most supported first with a support button each whose count
 * moves live as others back a bid (`tender:watch`, `tender:counts`), a form to propose a bid while it is open, and
 * for the organizers over its unit the award (after a confirmation) that puts a bid into the library.
 */
export function TenderDetail({ id, token, me, socket }: { id: number; token: string; me: Me; socket: AppSocket }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [tender, setTender] = useState<Tender | null>(null);
  const [bids, setBids] = useState<Bid[]>([]);
  const [missing, setMissing] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  const [project, setProject] = useState<Project | null>(null);
  const zone = me.user.timezone;

  const take = (data: { tender: Tender; bids: Bid[] }) => {
    setTender(data.tender);
    setBids(data.bids);
  };
  async function load() {
    try {
      take(await apiRequest<{ tender: Tender; bids: Bid[] }>('GET', `/api/tenders/${id}`, token));
    } catch (error) {
      setMissing(projectsError(error));
    }
  }

  useEffect(() => {
    void load();
    // Watching gives the call as it is now (after a dropped link too), then its counts as they change.
    const watch = async () => {
      const ack = await command(socket, 'tender:watch', { tenderId: id });
      if (ack.ok) take(ack.data);
    };
    const onCounts = (event: { tenderId: number; bids: Array<{ id: number; supporters: number }> }) => {
      if (event.tenderId === id) setBids((old) => applyCounts(old, event.bids));
    };
    socket.on('tender:counts', onCounts);
    socket.on('connect', watch);
    if (socket.connected) void watch();
    return () => {
      socket.off('tender:counts', onCounts);
      socket.off('connect', watch);
      if (socket.connected) void command(socket, 'tender:unwatch', { tenderId: id });
    };
  }, [id]);

  if (missing) return <Unavailable href="#/tenders" back={tp('tender.back')} why={missing} />;
  if (!tender) return <main class="page" id="main" aria-busy="true" />;
  const open = takesPart(tender);
  const organizes = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf }).some((o) => o.id === tender.orgId);

  async function support(bid: Bid) {
    setBusy(bid.id);
    const ack = await command(socket, bid.supportedByMe ? 'bid:unsupport' : 'bid:support', { bidId: bid.id });
    setBusy(null);
    if (!ack.ok) {
      setSay({ tone: 'error', text: projectsError(ack.error, { conflict: 'bid.conflict' }) });
      if (ack.error.code === 'conflict') void load();
      return;
    }
    setSay(null);
    setBids((old) => old.map((b) => (b.id === bid.id ? { ...b, supporters: ack.data.supporters, supportedByMe: !bid.supportedByMe } : b)));
  }

  async function propose(event: Event) {
    const value = submitted(event);
    try {
      const { bid } = await apiRequest<{ bid: Bid }>('POST', `/api/tenders/${id}/bids`, token, { title: value('title'), summary: value('summary'), plan: value('plan'), format: value('format') });
      setBids((old) => [...old.filter((b) => b.id !== bid.id), bid]);
      setTender((old) => old && { ...old, bids: old.bids + 1 });
      setWriting(false);
      setSay({ tone: 'success', text: tp('bid.submitted') });
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error, { conflict: 'bid.conflict' }) });
      if ((error as { code?: string }).code === 'conflict') void load();
    }
  }

  async function award(bid: Bid) {
    if (!confirm(tp('bid.awardConfirm', { title: bid.title }))) return;
    setBusy(bid.id);
    try {
      const result = await apiRequest<{ project: Project }>('POST', `/api/tenders/${id}/award`, token, { bidId: bid.id });
      setProject(result.project);
      setSay({ tone: 'success', text: tp('bid.awarded') });
      await load();
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error, { conflict: 'bid.conflict' }) });
      void load();
    } finally {
      setBusy(null);
    }
  }

  return (
    <Page>
      <BackLink href="#/tenders">{tp('tender.back')}</BackLink>
      <h1>{tender.title}</h1>
      <Meta>
        <StatusPill tender={tender} />
        <span>{nameOf(orgs, tender.orgId)}</span>
        <ClosesAt tender={tender} zone={zone} />
      </Meta>
      <div class="prose">{tender.description}</div>
      {say && (
        <Notice tone={say.tone} onClose={() => setSay(null)}>
          {say.text}
          {project && say.tone === 'success' && (
            <>
              {' '}
              <a href={`#/projects/${project.id}`}>{tp('bid.openProject')}</a>
            </>
          )}
        </Notice>
      )}
      {open ? (
        <div class="actions">
          <OpenButton open={writing} onToggle={setWriting}>
            {tp('bid.new')}
          </OpenButton>
        </div>
      ) : (
        <p class="muted">{tp('tender.notOpen')}</p>
      )}
      {writing && open && (
        <ToolForm id="new-bid" title={tp('bid.new')} submit={tp('bid.submit')} onSubmit={propose}>
          <ProjectFields prefix="bid" />
        </ToolForm>
      )}
      <h2>{tp('tender.bids')}</h2>
      {open && bids.length > 0 && <p class="muted small">{tp('tender.live')}</p>}
      {bids.length === 0 && <p class="empty">{tp('tender.noBids')}</p>}
      <ol class="bids">
        {bids.map((bid) => {
          const won = tender.awardedBidId === bid.id;
          return (
            <li key={bid.id} class={`bid${won ? ' won' : ''}`} data-bid={bid.id}>
              <div class="card-row">
                <h3 class="grow" id={`bid-${bid.id}`}>{bid.title}</h3>
                {won && <span class="pill tender-awarded">{tp('bid.awardedPill')}</span>}
              </div>
              <p class="muted small">{tp('bid.by', { name: bid.author.name })}</p>
              <p>{bid.summary}</p>
              <details>
                <summary>{tp('bid.more')}</summary>
                <div class="prose">{bid.plan}</div>
                <p>
                  <strong>{tp('bid.format')}：</strong>
                  {bid.format}
                </p>
              </details>
              <div class="support-row">
                <span class="support-count" data-testid="supporters" aria-live="polite">
                  {tp('bid.supporters', { count: bid.supporters })}
                </span>
                {open && (
                  <button type="button" class="quiet support" aria-pressed={bid.supportedByMe} aria-describedby={`bid-${bid.id}`} disabled={busy === bid.id} onClick={() => void support(bid)}>
                    {bid.supportedByMe && <span aria-hidden="true">✓ </span>}
                    {tp('bid.support')}
                  </button>
                )}
                {organizes && tender.status !== 'awarded' && (
                  <button type="button" class="award" disabled={busy === bid.id} onClick={() => void award(bid)}>
                    {tp('bid.award')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </Page>
  );
}
