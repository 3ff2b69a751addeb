import { useEffect, useState } from 'preact/hooks';
import { TRAINING_KINDS, type Training, type TrainingRecord } from '../../../../server/contract/memberLife';
import { apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { t } from '../../i18n';
import { zonedInputToIso } from '../../time';
import { UnitPicker } from '../controls';
import { formatDate, formatHours, lifeError, nameOf, RecordNav, tl, useOrgs, type Say } from './common';
import { managedUnits, parseHours, unitPath } from './logic';
import { kindLabel, recordStatus } from './trainingParts';

/** The calendar year of an instant in the viewer's zone. */
const yearOf = (iso: string, timeZone: string) => Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(new Date(iso)));

/** Trainings of the viewer's units and those above them; organizers add one for a unit they run. */
export function Trainings({ token, me }: { token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token, (e) => setSay({ tone: 'error', text: lifeError(e) }));
  const [orgId, setOrgId] = useState('');
  const [trainings, setTrainings] = useState<Training[] | null>(null);
  const [adding, setAdding] = useState(false);
  const managed = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  // The units whose trainings concern the viewer: their branch and what is above it, and what they run.
  const mineUp = unitPath(orgs ?? [], me.user.branchId);
  const units = (orgs ?? []).filter((o) => mineUp.includes(o) || managed.includes(o));
  const zone = me.user.timezone;

  const load = () =>
    void apiRequest<{ trainings: Training[] }>('GET', `/api/trainings${orgId ? `?orgId=${orgId}` : ''}`, token)
      .then((r) => setTrainings(r.trainings))
      .catch((e) => {
        setTrainings((old) => old ?? []);
        setSay({ tone: 'error', text: lifeError(e) });
      });
  useEffect(load, [orgId]);
  // The viewer's own hours: what is confirmed this year, and what still waits.
  const [mine, setMine] = useState<TrainingRecord[] | null>(null);
  useEffect(() => {
    void apiRequest<{ records: TrainingRecord[] }>('GET', `/api/training-records?userId=${me.user.id}`, token)
      .then((r) => setMine(r.records))
      .catch(() => setMine([]));
  }, [token]);
  const year = yearOf(new Date().toISOString(), zone);
  const yearHours = (mine ?? []).filter((r) => r.status === 'confirmed' && yearOf(r.at, zone) === year).reduce((n, r) => n + r.hours, 0);

  async function create(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const hours = parseHours(String(data.get('hours') ?? ''));
    if (hours === null) {
      setSay({ tone: 'error', text: tl('training.badHours') });
      return;
    }
    const startsAt = String(data.get('startsAt') ?? '');
    const description = String(data.get('description') ?? '').trim();
    try {
      const { training } = await apiRequest<{ training: Training }>('POST', '/api/trainings', token, {
        orgId: Number(data.get('orgId')),
        title: String(data.get('title') ?? '').trim(),
        kind: String(data.get('kind')),
        hours,
        ...(description ? { description } : {}),
        ...(startsAt ? { startsAt: zonedInputToIso(startsAt, zone) } : {}),
      });
      setTrainings((old) => [training, ...(old ?? [])]);
      setAdding(false);
      setSay({ tone: 'success', text: tl('training.created', { title: training.title }) });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error) });
    }
  }

  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">
        <h1>{t('nav.trainings')}</h1>
        <RecordNav current="trainings" />
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
        {managed.length > 0 && (
          <div class="actions">
            <button type="button" aria-expanded={adding} onClick={() => setAdding(!adding)}>
              {tl('training.new')}
            </button>
            <a class="button-link" href="#/trainings/pending">
              {t('nav.trainingQueue')}
            </a>
          </div>
        )}
        {adding && (
          <form class="stack tools" onSubmit={create} aria-labelledby="new-training">
            <h2 id="new-training">{tl('training.new')}</h2>
            <label for="tn-org">{t('admin.unit')}</label>
            <select id="tn-org" name="orgId" required>
              {managed.map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.name}
                </option>
              ))}
            </select>
            <label for="tn-title">{t('form.title')}</label>
            <input id="tn-title" name="title" required maxLength={200} />
            <label for="tn-kind">{tl('training.kind')}</label>
            <select id="tn-kind" name="kind">
              {TRAINING_KINDS.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
            <label for="tn-hours">{tl('training.hoursLabel')}</label>
            <input id="tn-hours" name="hours" type="number" min={0.25} max={1000} step={0.25} required defaultValue="2" inputMode="decimal" />
            <label for="tn-starts">{tl('training.startsAt')}</label>
            <input id="tn-starts" name="startsAt" type="datetime-local" aria-describedby="tn-zone" />
            <small id="tn-zone" class="muted">
              {t('form.timezoneHint', { zone })}
            </small>
            <label for="tn-description">{t('form.description')}</label>
            <textarea id="tn-description" name="description" rows={3} maxLength={2000} />
            <button type="submit">{tl('training.create')}</button>
          </form>
        )}
        <div class="filters unit-first">
          <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} any="meetings.any" />
        </div>
        {trainings === null && <p role="status">{t('status.loading')}</p>}
        {trainings?.length === 0 && <p class="empty">{tl('training.none')}</p>}
        <ul class="cards">
          {(trainings ?? []).map((x) => (
            <li key={x.id} class="card">
              <div class="card-row">
                <a class="grow" href={`#/trainings/${x.id}`}>
                  <strong>{x.title}</strong>
                </a>
                <span class="pill kind">{kindLabel(x.kind)}</span>
              </div>
              <span class="muted small">{[nameOf(orgs, x.orgId), formatHours(x.hours), x.startsAt ? formatDate(x.startsAt, zone) : ''].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
        </ul>
        {mine && mine.length > 0 && (
          <section aria-labelledby="my-hours">
            <h2 id="my-hours">{tl('training.mine')}</h2>
            <p>{tl('training.yearTotal', { year, hours: formatHours(yearHours) })}</p>
            <ul class="cards">
              {mine.map((r) => (
                <li key={r.id} class="card">
                  <div class="card-row">
                    <a class="grow" href={`#/trainings/${r.trainingId}`}>
                      {r.training.title}
                    </a>
                    {recordStatus(r)}
                  </div>
                  <span class="muted small">
                    {formatHours(r.hours)} · {formatDate(r.at, zone)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </main>
  );
}
