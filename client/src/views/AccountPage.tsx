import { useState } from 'preact/hooks';
import type { User } from '../../../server/contract/model';
import { apiRequest, type Me } from '../api';
import { describeError } from '../errors';
import { t } from '../i18n';
import { session, signIn } from '../session';
import { Page, Said } from './controls';

/** A name the browser knows as a time zone (the server checks the same list, IANA's). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** The member's own page: where they are and their time zone (theirs to keep up to date), and their password. */
export function AccountPage({ token, me }: { token: string; me: Me }) {
  const [notice, setNotice] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const user = me.user;

  async function saveProfile(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const zone = String(form.get('timezone') ?? '').trim();
    if (!isTimeZone(zone)) {
      setNotice({ tone: 'error', text: t('account.badZone', { zone }) });
      return;
    }
    try {
      const { user: saved } = await apiRequest<{ user: User }>('PATCH', `/api/members/${user.id}`, token, {
        location: String(form.get('location') ?? '').trim() || null,
        timezone: zone,
        mobile: form.get('mobile') === 'on',
      });
      Object.assign(me.user, saved);
      if (session.value) signIn({ ...session.value, user: saved });
      setNotice({ tone: 'success', text: t('account.saved') });
    } catch (error) {
      setNotice({ tone: 'error', text: describeError(error) });
    }
  }

  async function changePassword(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    try {
      await apiRequest('POST', '/api/me/password', token, { current: String(data.get('current')), next: String(data.get('next')) });
      form.reset();
      setNotice({ tone: 'success', text: t('account.passwordChanged') });
    } catch (error) {
      setNotice({ tone: 'error', text: describeError(error, { invalid: 'account.wrongPassword' }) });
    }
  }

  return (
    <Page>
      <h1>{t('nav.account')}</h1>
      <dl class="facts">
        <dt>{t('member.name')}</dt>
        <dd>{user.name}</dd>
        <dt>{t('member.email')}</dt>
        <dd>{user.email}</dd>
      </dl>
      <p class="muted">{t('account.official')}</p>
      <Said say={notice} onClose={() => setNotice(null)} />
      <form class="stack" onSubmit={saveProfile} aria-labelledby="profile-title">
        <h2 id="profile-title">{t('account.profile')}</h2>
        <label for="acc-location">{t('member.location')}</label>
        <input id="acc-location" name="location" maxLength={200} defaultValue={user.location ?? ''} />
        <label for="acc-timezone">{t('member.timezone')}</label>
        <input id="acc-timezone" name="timezone" maxLength={64} required defaultValue={user.timezone} list="zones" />
        <datalist id="zones">
          {['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Tokyo', 'Asia/Singapore', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Australia/Sydney'].map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <label class="inline">
          <input type="checkbox" name="mobile" defaultChecked={user.mobile} /> {t('member.mobile')}
        </label>
        <button type="submit">{t('action.save')}</button>
      </form>
      <form class="stack" onSubmit={changePassword} aria-labelledby="password-title">
        <h2 id="password-title">{t('account.password')}</h2>
        <label for="acc-current">{t('account.current')}</label>
        <input id="acc-current" name="current" type="password" autocomplete="current-password" maxLength={200} required />
        <label for="acc-next">{t('account.next')}</label>
        <input id="acc-next" name="next" type="password" autocomplete="new-password" minLength={8} maxLength={200} required />
        <button type="submit">{t('account.change')}</button>
      </form>
    </Page>
  );
}
