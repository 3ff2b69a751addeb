import { useEffect, useState } from 'preact/hooks';
import type { Meeting, Org } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me, errorMessage } from '../../api';
import { t } from '../../i18n';
import { go } from '../../router';
import { zonedInputToIso } from '../../time';

/** The organizer's form to publish a meeting for a unit they run. */
export function NewMeeting({ token, me }: { token: string; me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs);
  }, [token]);
  // Units this person may host for: everything for the admin, else the units they organize and below.
  const hosts = me.user.role === 'admin' ? orgs : orgs.filter((o) => me.rooms.some((r) => r.id === `org:${o.id}` && r.moderator));
  const zone = me.user.timezone;

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    setError(null);
    try {
      const { meeting } = await apiRequest<{ meeting: Meeting }>('POST', '/api/meetings', token, {
        hostOrgId: Number(value('hostOrgId')),
        title: value('title'),
        topic: value('topic') || null,
        description: value('description') || null,
        startsAt: zonedInputToIso(value('startsAt'), zone),
        endsAt: value('endsAt') ? zonedInputToIso(value('endsAt'), zone) : null,
        location: value('location') || null,
        online: form.get('online') === 'on',
        capacity: Number(value('capacity')),
        openTo: value('openTo'),
      });
      go(`/meetings/${meeting.id}`);
    } catch (e) {
      setError(errorMessage(e, t('error.generic')));
    }
  }

  return (
    <main class="page" id="main">
      <a href="#/meetings">{t('meeting.back')}</a>
      <h1>{t('meetings.new')}</h1>
      <form class="stack" onSubmit={submit}>
        <label for="m-host">{t('form.host')}</label>
        <select id="m-host" name="hostOrgId" required>
          {hosts.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name}
            </option>
          ))}
        </select>
        <label for="m-title">{t('form.title')}</label>
        <input id="m-title" name="title" required maxLength={200} />
        <label for="m-topic">{t('form.topic')}</label>
        <input id="m-topic" name="topic" maxLength={100} />
        <label for="m-description">{t('form.description')}</label>
        <textarea id="m-description" name="description" rows={3} maxLength={5000} />
        <label for="m-starts">{t('form.startsAt')}</label>
        <input id="m-starts" name="startsAt" type="datetime-local" required aria-describedby="m-zone" />
        <label for="m-ends">{t('form.endsAt')}</label>
        <input id="m-ends" name="endsAt" type="datetime-local" aria-describedby="m-zone" />
        <small id="m-zone" class="muted">
          {t('form.timezoneHint', { zone })}
        </small>
        <label for="m-location">{t('form.location')}</label>
        <input id="m-location" name="location" maxLength={300} />
        <label class="inline">
          <input type="checkbox" name="online" /> {t('form.online')}
        </label>
        <label for="m-capacity">{t('form.capacity')}</label>
        <input id="m-capacity" name="capacity" type="number" min={1} max={100000} required value="30" />
        <label for="m-open">{t('form.openTo')}</label>
        <select id="m-open" name="openTo">
          <option value="all">{t('meetings.openTo.all')}</option>
          <option value="host">{t('meetings.openTo.host')}</option>
        </select>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">{t('form.create')}</button>
      </form>
    </main>
  );
}
