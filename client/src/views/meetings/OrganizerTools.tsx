import { useEffect, useState } from 'preact/hooks';
import type { Meeting, SignupStatus } from '../../../../server/contract/model';
import { apiRequest } from '../../api';
import { describeError } from '../../errors';
import { t } from '../../i18n';
import { command, type AppSocket } from '../../socket';
import { Said } from '../controls';
import { MeetingForm, type MeetingFields } from './MeetingForm';

/** A member's sign-up (`user`) or a registration from the public page (`guest`, its contact seen only here). */
interface SignupEntry {
  user?: { id: number; name: string };
  guest?: { name: string; contact: string };
  status: SignupStatus;
  position: number | null;
  checkInCode: string;
}

const MEETING_ERRORS = { conflict: 'meeting.conflict', not_found: 'meeting.noSuchCode' } as const;

/** Edit, capacity, closing and cancelling, the sign-up list and check-in at the door. */
export function OrganizerTools({ meeting, token, socket, zone, onChange }: { meeting: Meeting; token: string; socket: AppSocket; zone: string; onChange: () => void }) {
  const [signups, setSignups] = useState<SignupEntry[]>([]);
  const [code, setCode] = useState('');
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);

  const loadSignups = () => apiRequest<{ signups: SignupEntry[] }>('GET', `/api/meetings/${meeting.id}/signups?limit=200`, token).then((r) => setSignups(r.signups)).catch(() => {});
  useEffect(() => void loadSignups(), [meeting.id, meeting.confirmed, meeting.waitlisted]);

  async function patch(body: Partial<MeetingFields> & { status?: string }, done?: string) {
    try {
      await apiRequest('PATCH', `/api/meetings/${meeting.id}`, token, body);
      setNotice(done ? { tone: 'success', text: done } : null);
      setEditing(false);
      onChange();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e, MEETING_ERRORS) });
    }
  }

  async function attend(target: { userId: number } | { code: string }) {
    const ack = await command(socket, 'meeting:attend', { meetingId: meeting.id, ...target });
    if (!ack.ok) return setNotice({ tone: 'error', text: describeError(ack.error, MEETING_ERRORS) });
    const codeTried = 'code' in target ? target.code.toUpperCase() : null;
    const who = signups.find((s) => (ack.data.userId !== null ? s.user?.id === ack.data.userId : s.checkInCode.toUpperCase() === codeTried));
    const name = who?.user?.name ?? who?.guest?.name ?? '';
    setNotice({ tone: 'success', text: t('meeting.checkedIn', { name }) });
    setCode('');
    void loadSignups();
  }

  const cancelled = meeting.status === 'cancelled';
  return (
    <section class="tools" aria-labelledby="tools-title">
      <h2 id="tools-title">{t('meeting.manage')}</h2>
      <Said say={notice} onClose={() => setNotice(null)} />
      {!cancelled && (
        <div class="actions">
          <button type="button" class="quiet" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t('meeting.edit')}
          </button>
          {meeting.status === 'open' ? (
            <button type="button" class="secondary" onClick={() => patch({ status: 'closed' })}>
              {t('meeting.close')}
            </button>
          ) : (
            <button type="button" class="secondary" onClick={() => patch({ status: 'open' })}>
              {t('meeting.reopen')}
            </button>
          )}
          <button type="button" class="danger" onClick={() => confirm(t('meeting.cancelConfirm')) && patch({ status: 'cancelled' })}>
            {t('meeting.cancelMeeting')}
          </button>
        </div>
      )}
      {editing && <MeetingForm initial={meeting} zone={zone} submitLabel={t('meeting.save')} onSubmit={(fields) => patch(fields, t('meeting.saved'))} />}
      {!cancelled && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (code.trim()) void attend({ code: code.trim() });
          }}
        >
          <label>
            {t('meeting.codeLabel')}
            <input value={code} maxLength={40} autocomplete="off" autocapitalize="characters" onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
          <button type="submit">{t('meeting.codeSubmit')}</button>
        </form>
      )}
      <h3>{t('meeting.signups')}</h3>
      {signups.length === 0 && <p class="empty">{t('meeting.noSignups')}</p>}
      <ol class="signups">
        {signups.map((s) => {
          const name = s.user?.name ?? s.guest?.name ?? '';
          return (
            <li key={s.user ? `u${s.user.id}` : `g${s.checkInCode}`} data-user={s.user?.id}>
              <span>{name}</span>{' '}
              {s.guest && (
                <>
                  <span class="pill">{t('meeting.guest')}</span> <span class="muted contact">{s.guest.contact}</span>{' '}
                </>
              )}
              <span class="muted">{s.status === 'waitlisted' ? t('meeting.waitlistPlace', { position: s.position ?? '?' }) : s.status === 'attended' ? t('meeting.attended') : ''}</span>
              {s.status === 'confirmed' && !cancelled && (
                <button type="button" class="link" onClick={() => attend(s.user ? { userId: s.user.id } : { code: s.checkInCode })}>
                  {t('meeting.markAttended')} {name}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
