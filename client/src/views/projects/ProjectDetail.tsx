import { useEffect, useState } from 'preact/hooks';
import type { Meeting } from '../../../../server/contract/model';
import type { Project } from '../../../../server/contract/projects';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { zonedInputToIso } from '../../time';
import { managedUnits } from '../life/logic';
import { seatsText } from '../meetings/MeetingsList';
import { nameOf, useOrgs } from '../orgs';
import type { Say } from '../voice/common';
import { Back, projectsError, tp } from './common';
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

  if (missing) {
    return (
      <main class="page" id="main" tabIndex={-1}>
        <div class="inner">
          <Back href="#/projects" label="project.back" />
          <Notice tone="error">{missing}</Notice>
        </div>
      </main>
    );
  }
  if (!data) return <main class="page" id="main" aria-busy="true" />;
  const { project, meetings } = data;

  async function adopt(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
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
        online: form.get('online') === 'on',
        topic: value('topic') || null,
      });
      go(`/meetings/${meeting.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: projectsError(error) });
      setBusy(false);
    }
  }

  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <Back href="#/projects" label="project.back" />
        <h1>{project.title}</h1>
        <p class="byline muted small">
          <span>{nameOf(orgs, project.ownerOrgId)}</span>
          <span>{tp('project.adoptions', { count: project.adoptions })}</span>
          {project.origin && <a href={`#/tenders/${project.origin.tenderId}`}>{tp('project.fromCall')}</a>}
        </p>
        <Topics topics={project.topics} />
        <p>{project.summary}</p>
        <h2>{tp('project.plan')}</h2>
        <div class="prose">{project.plan}</div>
        <h2>{tp('project.format')}</h2>
        <p>{project.format}</p>
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        {hosts.length > 0 && (
          <div class="actions">
            <button type="button" aria-expanded={adopting} onClick={() => setAdopting(!adopting)}>
              {tp('project.adopt')}
            </button>
          </div>
        )}
        {adopting && (
          <form class="stack tools" onSubmit={adopt} aria-labelledby="adopt-heading">
            <h2 id="adopt-heading">{tp('project.adopt')}</h2>
            <p class="muted small">{tp('project.adoptIntro')}</p>
            <label for="ad-host">{tp('project.host')}</label>
            <select id="ad-host" name="hostOrgId" required>
              {hosts.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
            <label for="ad-topic">{t('form.topic')}</label>
            <input id="ad-topic" name="topic" maxLength={100} defaultValue={project.topics[0] ?? ''} />
            <label for="ad-starts">{t('form.startsAt')}</label>
            <input id="ad-starts" name="startsAt" type="datetime-local" required aria-describedby="ad-zone" />
            <label for="ad-ends">{t('form.endsAt')}</label>
            <input id="ad-ends" name="endsAt" type="datetime-local" aria-describedby="ad-zone" />
            <small id="ad-zone" class="muted">
              {t('form.timezoneHint', { zone })}
            </small>
            <label for="ad-location">{t('form.location')}</label>
            <input id="ad-location" name="location" maxLength={300} />
            <label class="inline">
              <input type="checkbox" name="online" /> {t('form.online')}
            </label>
            <label for="ad-capacity">{t('form.capacity')}</label>
            <input id="ad-capacity" name="capacity" type="number" min={1} max={100000} required defaultValue="30" />
            <label for="ad-open">{t('form.openTo')}</label>
            <select id="ad-open" name="openTo">
              <option value="all">{t('meetings.openTo.all')}</option>
              <option value="host">{t('meetings.openTo.host')}</option>
              <option value="public">{t('meetings.openTo.public')}</option>
            </select>
            <button type="submit" disabled={busy}>
              {tp('project.adoptSubmit')}
            </button>
          </form>
        )}
        <h2>{tp('project.meetings')}</h2>
        {meetings.length === 0 && <p class="empty">{tp('project.noMeetings')}</p>}
        <ul class="cards">
          {meetings.map((m) => (
            <li key={m.id} class="card">
              <h3>
                <a href={`#/meetings/${m.id}`}>{m.title}</a>
              </h3>
              <p class="byline muted small">
                <span>{nameOf(orgs, m.hostOrgId)}</span>
                <time dateTime={m.startsAt}>{formatFullTime(m.startsAt, zone)}</time>
                <span>{m.status === 'open' ? seatsText(m) : t(`meetings.status.${m.status}`)}</span>
              </p>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
