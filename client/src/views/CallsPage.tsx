import { useEffect, useState } from 'preact/hooks';
import type { CallRecord } from '../../../server/contract/model';
import { apiRequest, type Me } from '../api';
import { describeError } from '../errors';
import { formatFullTime, formatTime, t } from '../i18n';
import { QrImage } from '../qr';
import { zonedInputToIso } from '../time';
import { named, Page, Said, SelectField, submitted, TimeField, ToolForm } from './controls';
import { Cards } from './lists';

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

/** How a call in the log ended, said from the reader's side ("you declined", "no answer from them"). */
export function callOutcome(call: CallRecord, meId: number): string {
  if (call.durationS !== null) return t('calls.duration', { minutes: Math.floor(call.durationS / 60), seconds: call.durationS % 60 });
  const iCalled = call.caller.id === meId;
  // An organizer sees calls of members under them too: said without "you" when they were in neither side.
  const party = iCalled || call.callee.id === meId;
  switch (call.endReason) {
    case 'declined':
      return !party ? t('calls.declined') : iCalled ? t('calls.theyDeclined') : t('calls.youDeclined');
    case 'missed':
    case 'hangup':
      return !party ? t('calls.unanswered') : iCalled ? t('calls.noAnswer') : t('calls.youMissed');
    case null:
      return call.status === 'ringing' ? t('call.ringing') : '';
    default:
      return t(`call.reason.${call.endReason}`);
  }
}

/** Whom to call (with who is online), family links, scheduled check-ins and the call log. */
export function CallsPage({ token, me, startCall }: { token: string; me: Me; startCall: (path: string, name: string) => void }) {
  // null while loading: "nobody to call" is said only when it is so.
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [calls, setCalls] = useState<CallRecord[] | null>(null);
  const [links, setLinks] = useState<GuestLink[]>([]);
  const [checkins, setCheckins] = useState<Checkin[] | null>(null);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const zone = me.user.timezone;

  const failed = (error: unknown) => setNotice({ tone: 'error', text: describeError(error) });
  const loadContacts = () => void apiRequest<{ contacts: Contact[] }>('GET', '/api/contacts?limit=200', token).then((r) => setContacts(r.contacts)).catch(failed);
  const load = () => {
    loadContacts();
    void apiRequest<{ calls: CallRecord[] }>('GET', '/api/calls?limit=50', token).then((r) => setCalls(r.calls)).catch(failed);
    void apiRequest<{ invites: GuestLink[] }>('GET', '/api/guest-invites', token).then((r) => setLinks((old) => r.invites.map((i) => ({ ...i, url: old.find((o) => o.id === i.id)?.url })))).catch(failed);
    void apiRequest<{ checkins: Checkin[] }>('GET', '/api/checkins', token).then((r) => setCheckins(r.checkins)).catch(failed);
  };
  useEffect(load, [token]);
  // Who is online changes while the page is open: look again every half minute (one small request).
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && loadContacts(), 30_000);
    return () => clearInterval(timer);
  }, [token]);

  async function createLink(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    try {
      const made = await apiRequest<GuestLink & { url: string; token: string }>('POST', '/api/guest-invites', token, {
        label: String(data.get('label')).trim(),
        ttlMinutes: Math.round(Number(data.get('hours')) * 60),
      });
      // The link itself is shown once, now (only its hash is kept).
      setLinks((old) => [{ id: made.id, label: made.label, expiresAt: made.expiresAt, revoked: false, url: made.url }, ...old]);
      setShown(made.id);
      form.reset();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  async function schedule(event: Event) {
    const value = submitted(event);
    try {
      await apiRequest('POST', '/api/checkins', token, {
        memberId: Number(value('memberId')),
        scheduledAt: zonedInputToIso(value('at'), zone),
        note: value('note') || null,
      });
      setNotice({ tone: 'success', text: t('calls.scheduled') });
      load();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  async function share(link: GuestLink) {
    const data = { title: t('calls.shareTitle'), text: t('calls.shareText', { name: me.user.name }), url: link.url! };
    if (navigator.share) await navigator.share(data).catch(() => {});
    else {
      await navigator.clipboard?.writeText(link.url!);
      setNotice({ tone: 'success', text: t('calls.copied') });
    }
  }

  const isOrganizer = me.user.role === 'admin' || me.organizerOf.length > 0;
  const call = (c: Contact, voice: boolean) => startCall(`/call/user/${c.id}${voice ? '?voice=1' : ''}`, c.name);

  return (
    <Page>
      <h1>{t('calls.title')}</h1>
      <Said say={notice} onClose={() => setNotice(null)} />
      <h2>{t('calls.contacts')}</h2>
      <Cards list={contacts} empty={t('calls.noContacts')}>
        {(c) => (
          <li key={c.id} class="card">
            <div class="card-row">
              <span class="grow lines">
                <span>
                  <span class={c.online ? 'dot on' : 'dot'} aria-hidden="true" /> <strong>{c.name}</strong>
                </span>
                <span class="muted small">{[c.organizer ? t('calls.organizer') : '', c.online ? t('calls.online') : t('calls.offlineHint')].filter(Boolean).join(' · ')}</span>
              </span>
              <button type="button" onClick={() => call(c, false)} aria-label={t('calls.call', { name: c.name })}>
                {t('calls.video')}
              </button>
              <button type="button" class="secondary" onClick={() => call(c, true)} aria-label={t('calls.voiceCall', { name: c.name })}>
                {t('calls.voice')}
              </button>
            </div>
          </li>
        )}
      </Cards>

      <h2>{t('calls.checkins')}</h2>
      {checkins?.length === 0 && <p class="empty">{t('calls.noCheckins')}</p>}
      <ul class="cards">
        {(checkins ?? []).map((c) => {
          const withWhom = c.member.id === me.user.id ? c.organizer : c.member;
          return (
            <li key={c.id} class="card">
              <span>{t('calls.checkinWith', { name: withWhom.name, time: formatFullTime(c.scheduledAt, zone) })}</span>
              {c.status === 'scheduled' && c.organizer.id === me.user.id && (
                <div class="actions">
                  <button type="button" onClick={() => startCall(`/call/user/${c.member.id}?checkin=${c.id}`, c.member.name)}>
                    {t('calls.checkinCall')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {isOrganizer && (contacts ?? []).some((c) => !c.organizer) && (
        <ToolForm id="schedule-title" heading="h3" title={t('calls.schedule')} submit={t('calls.scheduleSubmit')} onSubmit={schedule}>
          <SelectField id="ci-member" label={t('calls.scheduleMember')} name="memberId" choices={named((contacts ?? []).filter((c) => !c.organizer))} />
          <TimeField id="ci-at" hint="ci-zone" label={t('calls.scheduleAt')} name="at" zone={zone} required />
          <label for="ci-note">{t('calls.scheduleNote')}</label>
          <input id="ci-note" name="note" maxLength={300} />
        </ToolForm>
      )}

      <h2>{t('calls.guestLinks')}</h2>
      <p class="muted">{t('calls.guestIntro')}</p>
      <form class="row" onSubmit={createLink}>
        <label>
          {t('calls.guestLabel')}
          <input name="label" required maxLength={100} />
        </label>
        <label>
          {t('calls.guestHours')}
          <input name="hours" type="number" min={1} max={720} value="24" />
        </label>
        <button type="submit">{t('calls.guestCreate')}</button>
      </form>
      <ul class="cards">
        {links.map((link) => (
          <li key={link.id} class="card">
            <strong>{link.label}</strong>
            <span class="muted">{link.revoked ? t('calls.guestRevoked') : t('calls.guestExpires', { time: formatFullTime(link.expiresAt, zone) })}</span>
            {link.url && !link.revoked && (
              <>
                <input readOnly value={link.url} aria-label={t('calls.guestUrl', { label: link.label })} onFocus={(e) => e.currentTarget.select()} />
                <small class="muted">{t('calls.guestOnce')}</small>
                {shown === link.id && <QrImage text={link.url} label={t('calls.guestQr', { label: link.label })} />}
                <div class="actions">
                  <button type="button" class="quiet" onClick={() => void share(link)}>
                    {t('calls.guestShare')}
                  </button>
                  <button type="button" class="quiet" onClick={() => setShown(shown === link.id ? null : link.id)} aria-expanded={shown === link.id}>
                    {t('calls.guestShowQr')}
                  </button>
                </div>
              </>
            )}
            {!link.revoked && (
              <div class="actions">
                <button type="button" class="secondary" onClick={() => startCall(`/call/guest/${link.id}`, link.label)}>
                  {t('calls.guestCall', { label: link.label })}
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={async () => {
                    if (!confirm(t('calls.guestRevokeConfirm', { label: link.label }))) return;
                    await apiRequest('DELETE', `/api/guest-invites/${link.id}`, token).catch((e) => setNotice({ tone: 'error', text: describeError(e) }));
                    load();
                  }}
                >
                  {t('calls.guestRevoke')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>

      <h2>{t('calls.log')}</h2>
      {calls?.length === 0 && <p class="empty">{t('calls.noCalls')}</p>}
      <ul class="cards">
        {(calls ?? []).map((c) => (
          <li key={c.id} class="card">
            <span>
              {c.caller.id === me.user.id ? t('calls.outgoing', { name: c.callee.name }) : c.callee.id === me.user.id ? t('calls.incomingFrom', { name: c.caller.name }) : `${c.caller.name} → ${c.callee.name}`}
            </span>
            <span class="muted">
              <time dateTime={c.startedAt}>{formatTime(c.startedAt, zone, true)}</time> · {callOutcome(c, me.user.id)}
            </span>
          </li>
        ))}
      </ul>
    </Page>
  );
}
