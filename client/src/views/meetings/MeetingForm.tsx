import type { Meeting, Org } from '../../../../server/contract/model';
import { useState } from 'preact/hooks';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import { isoToZonedInput, zonedInputToIso } from '../../time';

/** The fields an organizer writes (the rest of a meeting is the server's). */
export type MeetingFields = Pick<Meeting, 'title' | 'topic' | 'description' | 'startsAt' | 'endsAt' | 'location' | 'online' | 'onlineUrl' | 'capacity'>;

/**
 * A meeting's fields, to publish one or to edit it: times typed in the organizer's own zone. Publishing adds
 * the host unit and who may sign up (`hosts`).
 */
export function MeetingForm({ initial, zone, hosts, submitLabel, onSubmit }: {
  initial?: Meeting;
  zone: string;
  hosts?: Org[];
  submitLabel: string;
  onSubmit: (fields: MeetingFields & { hostOrgId?: number; openTo?: string }) => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const onlineUrl = value('onlineUrl') || null;
    // Said here, beside the fields, before the server would refuse it in general words.
    if (value('endsAt') && value('endsAt') <= value('startsAt')) {
      setProblem(t('form.endsBeforeStart'));
      return;
    }
    setProblem(null);
    onSubmit({
      ...(hosts ? { hostOrgId: Number(value('hostOrgId')), openTo: value('openTo') } : {}),
      title: value('title'),
      topic: value('topic') || null,
      description: value('description') || null,
      startsAt: zonedInputToIso(value('startsAt'), zone),
      endsAt: value('endsAt') ? zonedInputToIso(value('endsAt'), zone) : null,
      location: value('location') || null,
      online: form.get('online') === 'on' || onlineUrl !== null,
      onlineUrl,
      capacity: Number(value('capacity')),
    });
  }

  const input = (iso: string | null | undefined) => (iso ? isoToZonedInput(iso, zone) : '');
  return (
    <form class="stack" onSubmit={submit}>
      {hosts && (
        <>
          <label for="m-host">{t('form.host')}</label>
          <select id="m-host" name="hostOrgId" required>
            {hosts.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.name}
              </option>
            ))}
          </select>
        </>
      )}
      <label for="m-title">{t('form.title')}</label>
      <input id="m-title" name="title" required maxLength={200} defaultValue={initial?.title ?? ''} />
      <label for="m-topic">{t('form.topic')}</label>
      <input id="m-topic" name="topic" maxLength={100} defaultValue={initial?.topic ?? ''} />
      <label for="m-description">{t('form.description')}</label>
      <textarea id="m-description" name="description" rows={3} maxLength={5000} defaultValue={initial?.description ?? ''} />
      <label for="m-starts">{t('form.startsAt')}</label>
      <input id="m-starts" name="startsAt" type="datetime-local" required aria-describedby="m-zone" defaultValue={input(initial?.startsAt)} />
      <label for="m-ends">{t('form.endsAt')}</label>
      <input id="m-ends" name="endsAt" type="datetime-local" aria-describedby="m-zone" defaultValue={input(initial?.endsAt)} />
      <small id="m-zone" class="muted">
        {t('form.timezoneHint', { zone })}
      </small>
      <label for="m-location">{t('form.location')}</label>
      <input id="m-location" name="location" maxLength={300} defaultValue={initial?.location ?? ''} />
      <label class="inline">
        <input type="checkbox" name="online" defaultChecked={initial?.online ?? false} /> {t('form.online')}
      </label>
      <label for="m-url">{t('form.onlineUrl')}</label>
      <input id="m-url" name="onlineUrl" type="url" maxLength={500} placeholder="https://" defaultValue={initial?.onlineUrl ?? ''} />
      <label for="m-capacity">{t('form.capacity')}</label>
      <input id="m-capacity" name="capacity" type="number" min={1} max={100000} required defaultValue={String(initial?.capacity ?? 30)} />
      {hosts && (
        <>
          <label for="m-open">{t('form.openTo')}</label>
          <select id="m-open" name="openTo">
            <option value="all">{t('meetings.openTo.all')}</option>
            <option value="host">{t('meetings.openTo.host')}</option>
            <option value="public">{t('meetings.openTo.public')}</option>
          </select>
        </>
      )}
      {problem && <Notice tone="error">{problem}</Notice>}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
