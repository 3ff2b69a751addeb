import { useEffect, useState } from 'preact/hooks';
import type { Meeting } from '../../../../server/contract/model';
import { apiRequest } from '../../api';
import { describeError, Notice } from '../../errors';
import { addMessages, formatFullTime, formatTime, t, type MessageKey } from '../../i18n';
import { publicEn } from '../../i18n/public/en';
import { publicZhCN, type PublicKey } from '../../i18n/public/zh-CN';
import { QrImage } from '../../qr';
import { go } from '../../router';
import { LanguageSwitch } from '../LanguageSwitch';
import './public.css';

addMessages({ 'zh-CN': publicZhCN, en: publicEn });
const tu = (key: PublicKey | MessageKey, params: Record<string, string | number> = {}) => t(key as MessageKey, params);
const ERRORS = { not_found: 'public.notFound', rate_limited: 'public.tooMany' } as unknown as Record<string, MessageKey>;

/** Where a visitor's registration for a meeting is remembered on this phone (to find it again from the meeting's page). */
const savedKey = (meetingId: number) => `ks:public:${meetingId}`;

interface Registration {
  status: 'confirmed' | 'waitlisted' | 'attended' | 'cancelled';
  position: number | null;
  checkInCode: string;
  meeting: Meeting;
}

/** The page a visitor without an account opens: the meeting (no member's data), or their registration by its code. */
export function PublicPage({ meetingId, code }: { meetingId: number | null; code: string | null }) {
  return (
    <div class="public-page">
      <header class="public-head">
        <span class="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      {code ? <RegistrationView key={code} code={code} /> : <MeetingView key={meetingId} id={meetingId!} />}
    </div>
  );
}

/** Whether two times fall on one day where the phone is (an end on the same day is said as a time only). */
const sameDay = (a: string, b: string) => new Date(a).toDateString() === new Date(b).toDateString();

/** When and where, in the visitor's own zone (the phone's). */
function Facts({ meeting }: { meeting: Meeting }) {
  return (
    <dl class="facts">
      <dt>{tu('public.when')}</dt>
      <dd>
        <time dateTime={meeting.startsAt}>{formatFullTime(meeting.startsAt, undefined)}</time>
        {meeting.endsAt && (
          <>
            {' – '}
            <time dateTime={meeting.endsAt}>{sameDay(meeting.startsAt, meeting.endsAt) ? formatTime(meeting.endsAt, undefined, false) : formatFullTime(meeting.endsAt, undefined)}</time>
          </>
        )}
      </dd>
      <dt>{tu('public.where')}</dt>
      <dd>{[meeting.online ? tu('public.online') : null, meeting.location].filter(Boolean).join(' · ') || '—'}</dd>
    </dl>
  );
}

function seats(meeting: Meeting): string {
  if (meeting.status === 'cancelled') return tu('public.cancelled');
  if (meeting.status !== 'open' || Date.parse(meeting.startsAt) <= Date.now()) return tu('public.closed');
  const free = Math.max(0, meeting.capacity - meeting.confirmed);
  return free > 0 ? tu('public.seatsLeft', { free, capacity: meeting.capacity }) : tu('public.full');
}

function MeetingView({ id }: { id: number }) {
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const saved = localStorage.getItem(savedKey(id));

  useEffect(() => {
    apiRequest<{ meeting: Meeting }>('GET', `/api/public/meetings/${id}`, null).then((r) => setMeeting(r.meeting), (e) => setProblem(describeError(e, ERRORS)));
  }, [id]);

  async function register(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const r = await apiRequest<{ code: string }>('POST', `/api/public/meetings/${id}/registrations`, null, { name: String(data.get('name') ?? '').trim(), contact: String(data.get('contact') ?? '').trim() });
      localStorage.setItem(savedKey(id), r.code);
      go(`/public/registrations/${r.code}`);
    } catch (e) {
      setError(describeError(e, { ...ERRORS, conflict: 'public.closed' as MessageKey }));
      setBusy(false);
    }
  }

  if (problem) return <main class="page" id="main"><Notice tone="error">{problem}</Notice></main>;
  if (!meeting) return <main class="page" id="main" aria-busy="true"><p role="status">{t('status.loading')}</p></main>;
  const open = meeting.status === 'open' && Date.parse(meeting.startsAt) > Date.now();
  return (
    <main class="page" id="main">
      <div class="inner">
        <h1>{meeting.title}</h1>
        <p class="pill open-pill">{tu('public.open')}</p>
        <Facts meeting={meeting} />
        {meeting.description && <p class="description">{meeting.description}</p>}
        <p class="seats" role="status" aria-live="polite">{seats(meeting)}</p>
        {saved && (
          <p>
            <a href={`#/public/registrations/${saved}`}>{tu('public.yours')}</a>
          </p>
        )}
        {open && (
          <form class="stack tools" onSubmit={register} aria-labelledby="pub-register">
            <h2 id="pub-register">{tu('public.register')}</h2>
            <label for="pub-name">{tu('public.name')}</label>
            <input id="pub-name" name="name" required maxLength={100} autocomplete="name" />
            <label for="pub-contact">{tu('public.contact')}</label>
            <input id="pub-contact" name="contact" required minLength={3} maxLength={200} autocomplete="tel" inputMode="email" aria-describedby="pub-contact-hint" />
            <small id="pub-contact-hint" class="muted">{tu('public.contactHint')}</small>
            {error && <Notice tone="error">{error}</Notice>}
            <button type="submit" disabled={busy}>{tu('public.submit')}</button>
          </form>
        )}
        <p class="muted small">
          <a href="#/">{tu('public.signIn')}</a>
        </p>
      </div>
    </main>
  );
}

function RegistrationView({ code }: { code: string }) {
  const [reg, setReg] = useState<Registration | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [say, setSay] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const link = `${location.origin}${location.pathname}#/public/registrations/${code}`;

  const load = () => apiRequest<Registration>('GET', `/api/public/registrations/${encodeURIComponent(code)}`, null).then(setReg, (e) => setProblem(describeError(e, { ...ERRORS, not_found: 'public.noSuchCode' as MessageKey })));
  useEffect(() => {
    void load();
    // A waiting-list place may have moved up meanwhile: asked again when the visitor comes back to the page.
    const back = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', back);
    return () => document.removeEventListener('visibilitychange', back);
  }, [code]);

  async function cancel() {
    if (!confirm(tu('public.cancelConfirm'))) return;
    try {
      await apiRequest('DELETE', `/api/public/registrations/${encodeURIComponent(code)}`, null);
      await load();
    } catch (e) {
      setSay({ tone: 'error', text: describeError(e, ERRORS) });
    }
  }
  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setSay({ tone: 'success', text: tu('public.copied') });
    } catch {
      setSay(null);
    }
  }

  if (problem) return <main class="page" id="main"><Notice tone="error">{problem}</Notice></main>;
  if (!reg) return <main class="page" id="main" aria-busy="true"><p role="status">{t('status.loading')}</p></main>;
  const { meeting, status } = reg;
  const holds = status === 'confirmed' || status === 'attended';
  const statusText =
    status === 'confirmed' ? tu('public.confirmed') : status === 'waitlisted' ? tu('public.waitlisted', { position: reg.position ?? '?' }) : status === 'attended' ? tu('public.attended') : tu('public.cancelledYours');
  return (
    <main class="page" id="main">
      <div class="inner">
        <p>
          <a class="back-link" href={`#/public/meetings/${meeting.id}`}>
            <span aria-hidden="true">‹ </span>
            {meeting.title}
          </a>
        </p>
        <h1>{tu('public.yours')}</h1>
        <p class={`reg-status reg-${status}`} role="status" data-testid="registration-status">
          {statusText}
        </p>
        <Facts meeting={meeting} />
        {meeting.onlineUrl && holds && (
          <p>
            <a href={meeting.onlineUrl} target="_blank" rel="noopener noreferrer">
              {tu('public.joinOnline')}
            </a>
          </p>
        )}
        {holds && reg.checkInCode && (
          <section class="checkin" aria-labelledby="pub-checkin">
            <h2 id="pub-checkin">{tu('public.checkIn')}</h2>
            <p class="code" data-testid="checkin-code">{reg.checkInCode}</p>
            <QrImage text={reg.checkInCode} label={tu('public.checkIn')} />
            <p class="muted small">{tu('public.checkInHint')}</p>
          </section>
        )}
        {status !== 'cancelled' && (
          <section aria-labelledby="pub-link">
            <h2 id="pub-link">{tu('public.link')}</h2>
            <p class="muted small">{tu('public.codeHint')}</p>
            <p class="reg-link">
              <a href={link}>{link}</a>
            </p>
            <div class="actions">
              <button type="button" class="quiet" onClick={() => void copy()}>
                {tu('public.copy')}
              </button>
              <button type="button" class="danger" onClick={() => void cancel()}>
                {tu('public.cancel')}
              </button>
            </div>
          </section>
        )}
        {say && <Notice tone={say.tone} onClose={() => setSay(null)}>{say.text}</Notice>}
      </div>
    </main>
  );
}
