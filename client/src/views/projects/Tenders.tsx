import { useState } from 'preact/hooks';
import { TENDER_STATUSES, type Tender, type TenderStatus } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { zonedInputToIso } from '../../time';
import { FilterRow, named, OpenButton, Page, Said, SelectField, submitted, TimeField, ToolForm, type Say } from '../controls';
import { managedUnits } from '../life/logic';
import { Card, Cards, Meta, usePagedList } from '../lists';
import { nameOf, useOrgs } from '../orgs';
import { mergeById } from '../voice/logic';
import { projectsError, ProjectsNav, tp } from './common';
import { shownStatus, takesPart } from './logic';

/** A call's status in words and colour. */
export const StatusPill = ({ tender }: { tender: Pick<Tender, 'status' | 'closesAt'> }) => {
  const status = shownStatus(tender);
  return <span class={`pill tender-${status}`}>{tp(`tender.status.${status}`)}</span>;
};

/** When a call closes, or closed, in the viewer's zone. */
export const ClosesAt = ({ tender, zone }: { tender: Pick<Tender, 'status' | 'closesAt'>; zone: string }) => (
  <time dateTime={tender.closesAt}>{tp(takesPart(tender) ? 'tender.closes' : 'tender.closed', { time: formatFullTime(tender.closesAt, zone) })}</time>
);

/**
 * Calls for projects ("party-affairs bidding"), newest first, narrowed by status (kept in the address); the
 * organizers of a unit publish one from here.
 */
export function Tenders({ token, me, status }: { token: string; me: Me; status: TenderStatus | null }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const params = new URLSearchParams({ limit: '20', ...(status ? { status } : {}) });
  const tenders = usePagedList<Tender>(token, `/api/tenders?${params}`, 'tenders', (error) => setSay({ tone: 'error', text: projectsError(error) }));
  const [writing, setWriting] = useState(false);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const zone = me.user.timezone;

  async function create(event: Event) {
    const value = submitted(event);
    const closesAt = zonedInputToIso(value('closesAt'), zone);
    if (Date.parse(closesAt) <= Date.now()) {
      setSay({ tone: 'error', text: tp('tender.closesPast') });
      return;
    }
    try {
      const { tender } = await apiRequest<{ tender: Tender }>('POST', '/api/tenders', token, { orgId: Number(value('orgId')), title: value('title'), description: value('description'), closesAt });
      tenders.setList((old) => mergeById(old ?? [], [tender], (a, b) => b.id - a.id));
      setWriting(false);
      go(`/tenders/${tender.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error) });
    }
  }

  return (
    <Page>
      <h1>{tp('projects.calls')}</h1>
      <ProjectsNav current="calls" />
      <Said say={say} onClose={() => setSay(null)} />
      <FilterRow id="tender-status" label={tp('tender.status')} any={tp('tender.status.all')} choices={TENDER_STATUSES.map((s) => [s, tp(`tender.status.${s}`)])} value={status ?? ''} onChange={(s) => go(s ? `/tenders?status=${s}` : '/tenders')}>
        {managed.length > 0 && (
          <OpenButton open={writing} onToggle={setWriting}>
            {tp('tender.new')}
          </OpenButton>
        )}
      </FilterRow>
      {writing && (
        <ToolForm id="new-tender" title={tp('tender.new')} submit={tp('tender.create')} onSubmit={create}>
          <SelectField id="tn-org" label={tp('tender.unit')} name="orgId" choices={named(managed)} required />
          <label for="tn-title">{t('form.title')}</label>
          <input id="tn-title" name="title" required maxLength={200} />
          <label for="tn-description">{tp('tender.description')}</label>
          <textarea id="tn-description" name="description" required rows={5} maxLength={15000} />
          <TimeField id="tn-closes" hint="tn-zone" label={tp('tender.closesAt')} name="closesAt" zone={zone} required />
        </ToolForm>
      )}
      <Cards {...tenders} empty={tp('tender.none')}>
        {(tender) => (
          <Card key={tender.id} href={`#/tenders/${tender.id}`} title={tender.title} marks={<StatusPill tender={tender} />} excerpt={tender.description}>
            <Meta>
              <span>{nameOf(orgs, tender.orgId)}</span>
              <span>{tp('tender.bidCount', { count: tender.bids })}</span>
              <ClosesAt tender={tender} zone={zone} />
            </Meta>
          </Card>
        )}
      </Cards>
    </Page>
  );
}
