import { useEffect, useState } from 'preact/hooks';
import type { Meeting, Org } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me } from '../../api';
import { describeError, Notice } from '../../errors';
import { t } from '../../i18n';
import { go } from '../../router';
import { Page } from '../controls';
import { MeetingForm } from './MeetingForm';

/** The organizer's form to publish a meeting for a unit they run. */
export function NewMeeting({ token, me }: { token: string; me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs).catch(() => {});
  }, [token]);
  // Units this person may host for: everything for the admin, else the units they moderate (run) and below.
  const hosts = me.user.role === 'admin' ? orgs : orgs.filter((o) => me.rooms.some((r) => r.id === `org:${o.id}` && r.moderator));

  return (
    <Page>
      <a href="#/meetings">{t('meeting.back')}</a>
      <h1>{t('meetings.new')}</h1>
      {error && <Notice tone="error" onClose={() => setError(null)}>{error}</Notice>}
      <MeetingForm
        hosts={hosts}
        zone={me.user.timezone}
        submitLabel={t('form.create')}
        onSubmit={async (fields) => {
          try {
            const { meeting } = await apiRequest<{ meeting: Meeting }>('POST', '/api/meetings', token, fields);
            go(`/meetings/${meeting.id}`);
          } catch (e) {
            setError(describeError(e));
          }
        }}
      />
    </Page>
  );
}
