import { useState } from 'preact/hooks';
import { ApiError, apiRequest } from '../api';
import { t } from '../i18n';
import { signIn, type Session } from '../session';
import { LanguageSwitch } from './LanguageSwitch';

export function Login() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // The answer carries the first screen too (rooms, the home room's latest messages): no second round trip.
      const answer = await apiRequest<{ token: string; user: Session['user'] } & NonNullable<Session['first']>>('POST', '/api/auth/login', null, { email, password });
      signIn({ token: answer.token, user: answer.user, first: { organizerOf: answer.organizerOf, rooms: answer.rooms, home: answer.home } });
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'offline';
      setError(code === 'rate_limited' ? t('login.throttled') : code === 'offline' ? t('login.offline') : t('login.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login" id="main">
      <div class="login-top">
        <LanguageSwitch />
      </div>
      <h1>{t('app.name')}</h1>
      <p class="tagline">{t('app.tagline')}</p>
      <form onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">{t('login.title')}</h2>
        <label for="email">{t('login.email')}</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">{t('login.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
