import { useEffect, useState } from 'preact/hooks';
import type { Training, TrainingRecord } from '../../../../server/contract/memberLife';
import type { Org, User } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me } from '../../api';
import { Notice } from '../../errors';
import { formatFullTime, t } from '../../i18n';
import { named, Page, Picker, Said, submitted, ToolForm } from '../controls';
import { formatHours, lifeError, nameOf, tl, useOrgs, type Say } from './common';
import { managedUnits, parseHours, unitPath } from './logic';
import { kindLabel, RecordItem } from './trainingParts';

/** The members an organizer may record for this training: under them, and in the training's unit. */
async function recordable(token: string, me: Me, training: Training, orgs: Org[]): Promise<User[]> {
  const within = (unit: number, top: number) => unitPath(orgs, unit).some((o) => o.id === top);
  const units = me.user.role === 'admin' ? [training.orgId] : me.organizerOf.map((u) => (within(u, training.orgId) ? u : within(training.orgId, u) ? training.orgId : null)).filter((u): u is number => u !== null);
  const lists = await Promise.all([...new Set(units)].map((u) => apiAll<User>(`/api/members?orgId=${u}`, 'members', token)));
  const seen = new Map<number, User>();
  for (const m of lists.flat()) if (m.id !== me.user.id) seen.set(m.id, m);
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A training: what it is, and its records (an organizer's members, or one's own), recorded or self-reported here. */
export function TrainingDetail({ id, token, me }: { id: number; token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token);
  const [training, setTraining] = useState<Training | null>(null);
  const [records, setRecords] = useState<TrainingRecord[] | null>(null);
  const [members, setMembers] = useState<User[]>([]);
  const [failed, setFailed] = useState<string | null>(null);
  const zone = me.user.timezone;
  const manages = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf }).length > 0;

  const loadRecords = () =>
    void apiRequest<{ records: TrainingRecord[] }>('GET', `/api/trainings/${id}/records`, token)
      .then((r) => setRecords(r.records))
      .catch((e) => {
        setRecords([]);
        setSay({ tone: 'error', text: lifeError(e) });
      });
  useEffect(() => {
    void apiRequest<{ training: Training }>('GET', `/api/trainings/${id}`, token)
      .then((r) => setTraining(r.training))
      .catch((e) => setFailed(lifeError(e)));
    loadRecords();
  }, [id]);
  useEffect(() => {
    if (!training || !orgs || !manages) return;
    void recordable(token, me, training, orgs).then(setMembers).catch(() => setMembers([]));
  }, [training, orgs, manages]);

  const mine = (records ?? []).filter((r) => r.user.id === me.user.id);
  const others = (records ?? []).filter((r) => r.user.id !== me.user.id);
  const forMe = training !== null && me.user.branchId !== null && unitPath(orgs ?? [], me.user.branchId).some((o) => o.id === training.orgId);
  const mayReport = forMe && !mine.some((r) => r.status !== 'rejected');
  const recorded = new Set(others.filter((r) => r.status !== 'rejected').map((r) => r.user.id));
  const choices = members.filter((m) => !recorded.has(m.id));
  const update = (record: TrainingRecord, result: Say) => {
    setRecords((old) => [record, ...(old ?? []).filter((r) => r.id !== record.id)]);
    setSay(result);
  };

  async function recordAttendance(event: Event) {
    const value = submitted(event);
    const hours = value('hours') ? parseHours(value('hours')) : undefined;
    if (hours === null) return setSay({ tone: 'error', text: tl('training.badHours') });
    try {
      const { record } = await apiRequest<{ record: TrainingRecord }>('POST', `/api/trainings/${id}/records`, token, { userId: Number(value('userId')), ...(hours ? { hours } : {}) });
      update(record, { tone: 'success', text: tl('training.recorded', { name: record.user.name, hours: formatHours(record.hours) }) });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'training.alreadyRecorded' }) });
    }
  }

  async function selfReport(event: Event) {
    const value = submitted(event);
    const hours = parseHours(value('hours'));
    if (hours === null) return setSay({ tone: 'error', text: tl('training.badHours') });
    try {
      const { record } = await apiRequest<{ record: TrainingRecord }>('POST', `/api/trainings/${id}/self-report`, token, { hours, note: value('note') });
      update(record, { tone: 'success', text: tl('training.reported') });
    } catch (error) {
      setSay({ tone: 'error', text: lifeError(error, { conflict: 'training.alreadyRecorded' }) });
    }
  }

  return (
    <Page>
      <a href="#/trainings">{tl('training.back')}</a>
      <h1>{training?.title ?? t('nav.trainings')}</h1>
      {failed && <Notice tone="error">{failed}</Notice>}
      {!training && !failed && <p role="status">{t('status.loading')}</p>}
      <Said say={say} onClose={() => setSay(null)} />
      {training && (
        <>
          <dl class="facts">
            <dt>{t('admin.unit')}</dt>
            <dd>{nameOf(orgs, training.orgId)}</dd>
            <dt>{tl('training.kind')}</dt>
            <dd>{kindLabel(training.kind)}</dd>
            <dt>{tl('training.hoursLabel')}</dt>
            <dd>{formatHours(training.hours)}</dd>
            {training.startsAt && (
              <>
                <dt>{tl('training.when')}</dt>
                <dd>{formatFullTime(training.startsAt, zone)}</dd>
              </>
            )}
          </dl>
          {training.description && <p class="description">{training.description}</p>}
          {training.meetingId && (
            <p>
              <a href={`#/meetings/${training.meetingId}`}>{tl('training.meeting')}</a>
            </p>
          )}

          {manages && (
            <section aria-labelledby="records-title">
              <h2 id="records-title">{tl('training.records')}</h2>
              {choices.length > 0 && (
                <form class="row tools" onSubmit={recordAttendance} aria-labelledby="attend-title">
                  <h3 id="attend-title" class="full">
                    {tl('training.recordAttendance')}
                  </h3>
                  <Picker label={t('dues.member')} name="userId" choices={named(choices)} />
                  <label>
                    {tl('training.hoursLabel')}
                    <input name="hours" type="number" min={0.25} max={1000} step={0.25} defaultValue={String(training.hours)} inputMode="decimal" />
                  </label>
                  <button type="submit">{tl('training.recordSubmit')}</button>
                </form>
              )}
              {records !== null && others.length === 0 && <p class="empty">{tl('training.noRecords')}</p>}
              <ul class="cards">
                {others.map((r) => (
                  <RecordItem key={r.id} record={r} token={token} timeZone={zone} decide onChange={update} />
                ))}
              </ul>
            </section>
          )}
          {(mine.length > 0 || mayReport) && <h2>{tl('training.mine')}</h2>}
          <ul class="cards">
            {mine.map((r) => (
              <RecordItem key={r.id} record={r} token={token} timeZone={zone} decide={false} mine onChange={update} />
            ))}
          </ul>
          {mayReport && (
            <ToolForm id="self-title" heading="h3" title={tl('training.selfReport')} intro={tl('training.selfReportHint')} submit={tl('training.selfSubmit')} onSubmit={selfReport}>
              <label for="sr-hours">{tl('training.hoursLabel')}</label>
              <input id="sr-hours" name="hours" type="number" min={0.25} max={1000} step={0.25} required defaultValue={String(training.hours)} inputMode="decimal" />
              <label for="sr-note">{tl('training.selfNote')}</label>
              <textarea id="sr-note" name="note" rows={2} maxLength={1000} required />
            </ToolForm>
          )}
        </>
      )}
    </Page>
  );
}
