import { useEffect, useState } from 'preact/hooks';
import { TRAINING_KINDS, type Training, type TrainingRecord } from '../../../../server/contract/memberLife';
import { apiRequest, type Me } from '../../api';
import { t } from '../../i18n';
import { zonedInputToIso } from '../../time';
import { named, OpenButton, Page, Said, SelectField, submitted, TimeField, ToolForm, UnitPicker } from '../controls';
import { Cards } from '../lists';
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
    const value = submitted(event);
    const hours = parseHours(value('hours'));
    if (hours === null) {
      setSay({ tone: 'error', text: tl('training.badHours') });
      return;
    }
    const startsAt = value('startsAt');
    const description = value('description');
    try {
      const { training } = await apiRequest<{ training: Training }>('POST', '/api/trainings', token, {
        orgId: Number(value('orgId')),
        title: value('title'),
        kind: value('kind'),
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
    <Page>
      <h1>{t('nav.trainings')}</h1>
      <RecordNav current="trainings" />
      <Said say={say} onClose={() => setSay(null)} />
      {managed.length > 0 && (
        <div class="actions">
          <OpenButton open={adding} onToggle={setAdding}>
            {tl('training.new')}
          </OpenButton>
          <a class="button-link" href="#/trainings/pending">
            {t('nav.trainingQueue')}
          </a>
        </div>
      )}
      {adding && (
        <ToolForm id="new-training" title={tl('training.new')} submit={tl('training.create')} onSubmit={create}>
          <SelectField id="tn-org" label={t('admin.unit')} name="orgId" choices={named(managed)} required />
          <label for="tn-title">{t('form.title')}</label>
          <input id="tn-title" name="title" required maxLength={200} />
          <SelectField id="tn-kind" label={tl('training.kind')} name="kind" choices={TRAINING_KINDS.map((k) => [k, kindLabel(k)])} />
          <label for="tn-hours">{tl('training.hoursLabel')}</label>
          <input id="tn-hours" name="hours" type="number" min={0.25} max={1000} step={0.25} required defaultValue="2" inputMode="decimal" />
          <TimeField id="tn-starts" hint="tn-zone" label={tl('training.startsAt')} name="startsAt" zone={zone} />
          <label for="tn-description">{t('form.description')}</label>
          <textarea id="tn-description" name="description" rows={3} maxLength={2000} />
        </ToolForm>
      )}
      <div class="filters unit-first">
        <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} any="meetings.any" />
      </div>
      <Cards list={trainings} empty={tl('training.none')}>
        {(x) => (
          <li key={x.id} class="card">
            <div class="card-row">
              <a class="grow" href={`#/trainings/${x.id}`}>
                <strong>{x.title}</strong>
              </a>
              <span class="pill kind">{kindLabel(x.kind)}</span>
            </div>
            <span class="muted small">{[nameOf(orgs, x.orgId), formatHours(x.hours), x.startsAt ? formatDate(x.startsAt, zone) : ''].filter(Boolean).join(' · ')}</span>
          </li>
        )}
      </Cards>
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
    </Page>
  );
}
