import type { Meeting, Org } from '../../../../server/contract/model';
import { useState } from 'preact/hooks';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import { isoToZonedInput, zonedInputToIso } from '../../time';
import { named, SelectField, submitted, ZoneHint, type Choice } from '../controls';

/** The fields an organizer writes (the rest of a meeting is the server's). */
export type MeetingFields = Pick<Meeting, 'title' | 'topic' | 'description' | 'startsAt' | 'endsAt' | 'location' | 'online' | 'onlineUrl' | 'capacity'>;

/** Who may sign up for a meeting: the district's members, the host unit's, or the public too. */
export const openToChoices = (): Choice[] => (['all', 'host', 'public'] as const).map((v) => [v, t(`meetings.openTo.${v}`)]);

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
    const value = submitted(event);
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
      online: value('online') === 'on' || onlineUrl !== null,
      onlineUrl,
      capacity: Number(value('capacity')),
    });
  }

  const input = (iso: string | null | undefined) => (iso ? isoToZonedInput(iso, zone) : '');
  return (
    <form class="stack" onSubmit={submit}>
      {hosts && <SelectField id="m-host" label={t('form.host')} name="hostOrgId" choices={named(hosts)} required />}
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
      <ZoneHint id="m-zone" zone={zone} />
      <label for="m-location">{t('form.location')}</label>
      <input id="m-location" name="location" maxLength={300} defaultValue={initial?.location ?? ''} />
      <label class="inline">
        <input type="checkbox" name="online" defaultChecked={initial?.online ?? false} /> {t('form.online')}
      </label>
      <label for="m-url">{t('form.onlineUrl')}</label>
      <input id="m-url" name="onlineUrl" type="url" maxLength={500} placeholder="https://" defaultValue={initial?.onlineUrl ?? ''} />
      <label for="m-capacity">{t('form.capacity')}</label>
      <input id="m-capacity" name="capacity" type="number" min={1} max={100000} required defaultValue={String(initial?.capacity ?? 30)} />
      {hosts && <SelectField id="m-open" label={t('form.openTo')} name="openTo" choices={openToChoices()} />}
      {problem && <Notice tone="error">{problem}</Notice>}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
