import { useEffect, useState } from 'preact/hooks';
import type { TrainingRecord } from '../../../../server/contract/memberLife';
import { apiRequest, type Me } from '../../api';
import { t } from '../../i18n';
import { AdminNav } from '../admin/AdminNav';
import { Page, Said, UnitPicker } from '../controls';
import { lifeError, tl, useOrgs, type Say } from './common';
import { managedUnits } from './logic';
import { RecordItem } from './trainingParts';

/** An organizer's queue: hours members reported themselves, to confirm or to reject with a reason. */
export function TrainingQueue({ token, me }: { token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token, (e) => setSay({ tone: 'error', text: lifeError(e) }));
  const units = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const [orgId, setOrgId] = useState('');
  const [records, setRecords] = useState<TrainingRecord[] | null>(null);

  useEffect(() => {
    void apiRequest<{ records: TrainingRecord[] }>('GET', `/api/training-records?status=pending${orgId ? `&orgId=${orgId}` : ''}`, token)
      .then((r) => setRecords(r.records))
      .catch((e) => {
        setRecords([]);
        setSay({ tone: 'error', text: lifeError(e) });
      });
  }, [orgId]);

  const pending = (records ?? []).filter((r) => r.status === 'pending');
  return (
    <Page>
      <h1>{t('nav.trainingQueue')}</h1>
      <AdminNav current="trainingQueue" />
      <div class="actions">
        <a class="button-link" href="#/trainings">
          {tl('training.all')}
        </a>
      </div>
      <Said say={say} onClose={() => setSay(null)} />
      <div class="filters unit-first" role="search">
        <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} any="meetings.any" />
      </div>
      {records === null && <p role="status">{t('status.loading')}</p>}
      {records !== null && <p class="seats">{pending.length ? tl('training.pendingCount', { count: pending.length }) : tl('training.nonePending')}</p>}
      <ul class="cards">
        {(records ?? []).map((r) => (
          <RecordItem
            key={r.id}
            record={r}
            token={token}
            timeZone={me.user.timezone}
            decide
            showTraining
            onChange={(next, result) => {
              setRecords((old) => (old ?? []).map((x) => (x.id === next.id ? next : x)));
              setSay(result);
            }}
          />
        ))}
      </ul>
    </Page>
  );
}
