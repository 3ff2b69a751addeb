import { useEffect, useState } from 'preact/hooks';
import type { Meeting } from '../../../../server/contract/model';
import type { Project } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { zonedInputToIso } from '../../time';
import { BackLink, named, OpenButton, Page, Said, SelectField, submitted, ToolForm, Unavailable, ZoneHint, type Say } from '../controls';
import { managedUnits } from '../life/logic';
import { Meta } from '../lists';
import { openToChoices } from '../meetings/MeetingForm';
import { seatsText } from '../meetings/MeetingsList';
import { nameOf, useOrgs } from '../orgs';
import { projectsError, tp } from './common';
import { Topics } from './Projects';

/**
 * A project of the library: what it is, how it is run, where it came from, the meetings units made from it;
 * an organizer adopts it, which creates an open meeting filled from it and goes there.
 */
export function ProjectDetail({ id, token, me }: { id: number; token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [data, setData] = useState<{ project: Project; meetings: Meeting[] } | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [adopting, setAdopting] = useState(false);
  const [busy, setBusy] = useState(false);
  const zone = me.user.timezone;
  const hosts = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });

  useEffect(() => {
    apiRequest<{ project: Project; meetings: Meeting[] }>('GET', `/api/projects/${id}`, token).then(setData, (error) => setMissing(projectsError(error)));
  }, [id, token]);

  if (missing) return <Unavailable href="#/projects" back={tp('project.back')} why={missing} />;
  if (!data) return <main class="page" id="main" aria-busy="true" />;
  const { project, meetings } = data;

  async function adopt(event: Event) {
    const value = submitted(event);
    if (value('endsAt') && value('endsAt') <= value('startsAt')) {
      setSay({ tone: 'error', text: t('form.endsBeforeStart') });
      return;
    }
    setBusy(true);
    try {
      const { meeting } = await apiRequest<{ meeting: Meeting }>('POST', `/api/projects/${id}/adopt`, token, {
        hostOrgId: Number(value('hostOrgId')),
        startsAt: zonedInputToIso(value('startsAt'), zone),
        endsAt: value('endsAt') ? zonedInputToIso(value('endsAt'), zone) : null,
        capacity: Number(value('capacity')),
        openTo: value('openTo') === 'host' || value('openTo') === 'public' ? value('openTo') : 'all',
        location: value('location') || null,
        online: value('online') === 'on',
        topic: value('topic') || null,
      });
      go(`/meetings/${meeting.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error) });
      setBusy(false);
    }
  }

  return (
    <Page>
      <BackLink href="#/projects">{tp('project.back')}</BackLink>
      <h1>{project.title}</h1>
      <Meta>
        <span>{nameOf(orgs, project.ownerOrgId)}</span>
        <span>{tp('project.adoptions', { count: project.adoptions })}</span>
        {project.origin && <a href={`#/tenders/${project.origin.tenderId}`}>{tp('project.fromCall')}</a>}
      </Meta>
      <Topics topics={project.topics} />
      <p>{project.summary}</p>
      <h2>{tp('project.plan')}</h2>
      <div class="prose">{project.plan}</div>
      <h2>{tp('project.format')}</h2>
      <p>{project.format}</p>
      <Said say={say} onClose={() => setSay(null)} />
      {hosts.length > 0 && (
        <div class="actions">
          <OpenButton open={adopting} onToggle={setAdopting}>
            {tp('project.adopt')}
          </OpenButton>
        </div>
      )}
      {adopting && (
        <ToolForm id="adopt-heading" title={tp('project.adopt')} intro={tp('project.adoptIntro')} submit={tp('project.adoptSubmit')} onSubmit={adopt} busy={busy}>
          <SelectField id="ad-host" label={tp('project.host')} name="hostOrgId" choices={named(hosts)} required />
          <label for="ad-topic">{t('form.topic')}</label>
          <input id="ad-topic" name="topic" maxLength={100} defaultValue={project.topics[0] ?? ''} />
          <label for="ad-starts">{t('form.startsAt')}</label>
          <input id="ad-starts" name="startsAt" type="datetime-local" required aria-describedby="ad-zone" />
          <label for="ad-ends">{t('form.endsAt')}</label>
          <input id="ad-ends" name="endsAt" type="datetime-local" aria-describedby="ad-zone" />
          <ZoneHint id="ad-zone" zone={zone} />
          <label for="ad-location">{t('form.location')}</label>
          <input id="ad-location" name="location" maxLength={300} />
          <label class="inline">
            <input type="checkbox" name="online" /> {t('form.online')}
          </label>
          <label for="ad-capacity">{t('form.capacity')}</label>
          <input id="ad-capacity" name="capacity" type="number" min={1} max={100000} required defaultValue="30" />
          <SelectField id="ad-open" label={t('form.openTo')} name="openTo" choices={openToChoices()} />
        </ToolForm>
      )}
      <h2>{tp('project.meetings')}</h2>
      {meetings.length === 0 && <p class="empty">{tp('project.noMeetings')}</p>}
      <ul class="cards">
        {meetings.map((m) => (
          <li key={m.id} class="card">
            <h3>
              <a href={`#/meetings/${m.id}`}>{m.title}</a>
            </h3>
            <Meta>
              <span>{nameOf(orgs, m.hostOrgId)}</span>
              <time dateTime={m.startsAt}>{formatFullTime(m.startsAt, zone)}</time>
              <span>{m.status === 'open' ? seatsText(m) : t(`meetings.status.${m.status}`)}</span>
            </Meta>
          </li>
        ))}
      </ul>
    </Page>
  );
}
