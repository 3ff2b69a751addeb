import { useEffect, useState } from 'preact/hooks';
import type { Meeting, SignupStatus } from '../../../../server/contract/model';
import { apiRequest, errorMessage } from '../../api';
import { t } from '../../i18n';
import { command, type AppSocket } from '../../socket';

interface SignupEntry {
  user: { id: number; name: string };
  status: SignupStatus;
  position: number | null;
  checkInCode: string;
}

/** Capacity, closing and cancelling, the sign-up list and check-in at the door. */
export function OrganizerTools({ meeting, token, socket, onChange }: { meeting: Meeting; token: string; socket: AppSocket; onChange: () => void }) {
  const [signups, setSignups] = useState<SignupEntry[]>([]);
  const [capacity, setCapacity] = useState(String(meeting.capacity));
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const loadSignups = () => apiRequest<{ signups: SignupEntry[] }>('GET', `/api/meetings/${meeting.id}/signups?limit=200`, token).then((r) => setSignups(r.signups)).catch(() => {});
  useEffect(() => void loadSignups(), [meeting.id, meeting.confirmed, meeting.waitlisted]);

  async function patch(body: Record<string, unknown>) {
    try {
      await apiRequest('PATCH', `/api/meetings/${meeting.id}`, token, body);
      setMessage(null);
      onChange();
    } catch (e) {
      setMessage(errorMessage(e, t('error.generic')));
    }
  }

  async function attend(target: { userId: number } | { code: string }) {
    const ack = await command(socket, 'meeting:attend', { meetingId: meeting.id, ...target });
    if (!ack.ok) return setMessage(ack.error.message);
    const name = signups.find((s) => s.user.id === ack.data.userId)?.user.name ?? '';
    setMessage(t('meeting.checkedIn', { name }));
    setCode('');
    void loadSignups();
  }

  return (
    <section class="tools" aria-labelledby="tools-title">
      <h2 id="tools-title">{t('meeting.manage')}</h2>
      {message && (
        <p role="status" class="notice">
          {message}
        </p>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void patch({ capacity: Number(capacity) });
        }}
      >
        <label for="capacity">{t('meeting.capacity')}</label>
        <input id="capacity" type="number" min={1} max={100000} value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />
        <button type="submit">{t('meeting.save')}</button>
      </form>
      <div class="row">
        {meeting.status === 'open' && (
          <button type="button" class="secondary" onClick={() => patch({ status: 'closed' })}>
            {t('meeting.close')}
          </button>
        )}
        {meeting.status === 'closed' && (
          <button type="button" class="secondary" onClick={() => patch({ status: 'open' })}>
            {t('meeting.reopen')}
          </button>
        )}
        {meeting.status !== 'cancelled' && (
          <button type="button" class="danger" onClick={() => confirm(t('meeting.cancelConfirm')) && patch({ status: 'cancelled' })}>
            {t('meeting.cancelMeeting')}
          </button>
        )}
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) void attend({ code: code.trim() });
        }}
      >
        <label for="checkin-code">{t('meeting.codeLabel')}</label>
        <input id="checkin-code" value={code} maxLength={8} autocomplete="off" onInput={(e) => setCode(e.currentTarget.value)} />
        <button type="submit">{t('meeting.codeSubmit')}</button>
      </form>
      <h3>{t('meeting.signups')}</h3>
      <ol class="signups">
        {signups.map((s) => (
          <li key={s.user.id} data-user={s.user.id}>
            <span>{s.user.name}</span>{' '}
            <span class="muted">
              {s.status === 'waitlisted' ? `#${s.position}` : s.status === 'attended' ? t('meeting.attended') : ''}
            </span>
            {s.status === 'confirmed' && (
              <button type="button" class="link small" onClick={() => attend({ userId: s.user.id })}>
                {t('meeting.markAttended')} {s.user.name}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
