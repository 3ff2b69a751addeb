import { useEffect, useState } from 'preact/hooks';
import type { CallRecord } from '../../../server/contract/model';
import { apiRequest, type Me, errorMessage } from '../api';
import { formatFullTime, formatTime, t } from '../i18n';
import { zonedInputToIso } from '../time';

interface Contact {
  id: number;
  name: string;
  organizer: boolean;
  online: boolean;
}
interface GuestLink {
  id: number;
  label: string;
  expiresAt: string;
  revoked: boolean;
  url?: string;
}
interface Checkin {
  id: number;
  organizer: { id: number; name: string };
  member: { id: number; name: string };
  scheduledAt: string;
  status: string;
}

/** Whom to call (with who is online), family links, scheduled check-ins and the call log. */
export function CallsPage({ token, me, startCall }: { token: string; me: Me; startCall: (path: string, name: string) => void }) {
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [calls, setCalls] = useState<CallRecord[]>([]);
  const [links, setLinks] = useState<GuestLink[]>([]);
  const [checkins, setCheckins] = useState<Checkin[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const zone = me.user.timezone;

  const load = () => {
    void apiRequest<{ contacts: Contact[] }>('GET', '/api/contacts?limit=200', token).then((r) => setContacts(r.contacts)).catch(() => {});
    void apiRequest<{ calls: CallRecord[] }>('GET', '/api/calls?limit=100', token).then((r) => setCalls(r.calls)).catch(() => {});
    void apiRequest<{ invites: GuestLink[] }>('GET', '/api/guest-invites', token).then((r) => setLinks((old) => r.invites.map((i) => ({ ...i, url: old.find((o) => o.id === i.id)?.url })))).catch(() => {});
    void apiRequest<{ checkins: Checkin[] }>('GET', '/api/checkins', token).then((r) => setCheckins(r.checkins)).catch(() => {});
  };
  useEffect(load, [token]);

  async function createLink(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      const made = await apiRequest<GuestLink & { url: string; token: string }>('POST', '/api/guest-invites', token, {
        label: String(form.get('label')).trim(),
        ttlMinutes: Math.round(Number(form.get('hours')) * 60),
      });
      setLinks((old) => [{ id: made.id, label: made.label, expiresAt: made.expiresAt, revoked: false, url: made.url }, ...old]);
      (event.currentTarget as HTMLFormElement | null)?.reset();
    } catch (e) {
      setMessage(errorMessage(e, t('error.generic')));
    }
  }

  async function schedule(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      await apiRequest('POST', '/api/checkins', token, {
        memberId: Number(form.get('memberId')),
        scheduledAt: zonedInputToIso(String(form.get('at')), zone),
        note: String(form.get('note') ?? '').trim() || null,
      });
      load();
    } catch (e) {
      setMessage(errorMessage(e, t('error.generic')));
    }
  }

  const other = (c: CallRecord) => (c.caller.id === me.user.id ? c.callee : c.caller);
  const isOrganizer = me.user.role === 'admin' || me.organizerOf.length > 0;

  return (
    <main class="page" id="main">
      <h1>{t('calls.title')}</h1>
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      <h2>{t('calls.contacts')}</h2>
      <ul class="cards">
        {contacts.map((c) => (
          <li key={c.id} class="card contact">
            <span>
              <span class={c.online ? 'dot on' : 'dot'} aria-hidden="true" /> {c.name} {c.organizer && <span class="muted">({t('calls.organizer')})</span>}
              <span class="visually-hidden">, {c.online ? t('calls.online') : t('calls.offline')}</span>
            </span>
            <button type="button" onClick={() => startCall(`/call/user/${c.id}`, c.name)}>
              {t('calls.call', { name: c.name })}
            </button>
          </li>
        ))}
      </ul>

      <h2>{t('calls.checkins')}</h2>
      <ul class="cards">
        {checkins.map((c) => {
          const withWhom = c.member.id === me.user.id ? c.organizer : c.member;
          return (
            <li key={c.id} class="card">
              <span>{t('calls.checkinWith', { name: withWhom.name, time: formatFullTime(c.scheduledAt, zone) })}</span>
              {c.status === 'scheduled' && c.organizer.id === me.user.id && (
                <button type="button" onClick={() => startCall(`/call/user/${c.member.id}?checkin=${c.id}`, c.member.name)}>
                  {t('calls.checkinCall')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {isOrganizer && contacts.length > 0 && (
        <form class="stack" onSubmit={schedule} aria-labelledby="schedule-title">
          <h3 id="schedule-title">{t('calls.schedule')}</h3>
          <label for="ci-member">{t('calls.scheduleMember')}</label>
          <select id="ci-member" name="memberId">
            {contacts.filter((c) => !c.organizer).map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name}
              </option>
            ))}
          </select>
          <label for="ci-at">{t('calls.scheduleAt')}</label>
          <input id="ci-at" name="at" type="datetime-local" required />
          <small class="muted">{t('form.timezoneHint', { zone })}</small>
          <label for="ci-note">{t('calls.scheduleNote')}</label>
          <input id="ci-note" name="note" maxLength={300} />
          <button type="submit">{t('calls.scheduleSubmit')}</button>
        </form>
      )}

      <h2>{t('calls.guestLinks')}</h2>
      <form class="row" onSubmit={createLink}>
        <label for="guest-label">{t('calls.guestLabel')}</label>
        <input id="guest-label" name="label" required maxLength={100} />
        <label for="guest-hours">{t('calls.guestHours')}</label>
        <input id="guest-hours" name="hours" type="number" min={1} max={720} value="24" />
        <button type="submit">{t('calls.guestCreate')}</button>
      </form>
      <ul class="cards">
        {links.map((link) => (
          <li key={link.id} class="card">
            <strong>{link.label}</strong>
            <span class="muted">{link.revoked ? t('calls.guestRevoked') : t('calls.guestExpires', { time: formatFullTime(link.expiresAt, zone) })}</span>
            {link.url && !link.revoked && (
              <>
                <input readOnly value={link.url} aria-label={link.label} onFocus={(e) => e.currentTarget.select()} />
                <button type="button" class="link small" onClick={() => void navigator.clipboard?.writeText(link.url!)}>
                  {t('calls.guestCopy')}
                </button>
              </>
            )}
            {!link.revoked && (
              <span class="row">
                <button type="button" class="secondary" onClick={() => startCall(`/call/guest/${link.id}`, link.label)}>
                  {t('calls.guestCall', { label: link.label })}
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={async () => {
                    await apiRequest('DELETE', `/api/guest-invites/${link.id}`, token).catch(() => {});
                    load();
                  }}
                >
                  {t('calls.guestRevoke')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>

      <h2>{t('calls.log')}</h2>
      {calls.length === 0 && <p class="empty">{t('calls.noCalls')}</p>}
      <ul class="cards">
        {calls.map((c) => (
          <li key={c.id} class="card">
            <span>
              {c.caller.name} → {c.callee.name}
            </span>
            <span class="muted">
              <time dateTime={c.startedAt}>{formatTime(c.startedAt, zone, true)}</time>
              {' · '}
              {c.durationS !== null ? t('calls.duration', { minutes: Math.floor(c.durationS / 60), seconds: c.durationS % 60 }) : c.endReason ? t(`call.reason.${c.endReason}` as never) : ''}
            </span>
            <span class="visually-hidden">{other(c).name}</span>
          </li>
        ))}
      </ul>
    </main>
  );
}
