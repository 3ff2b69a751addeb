import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { locale, t } from './i18n';
import { route } from './router';
import { session } from './session';
import { GuestPage } from './views/GuestPage';
import { Login } from './views/Login';
import { PageBoundary } from './views/PageBoundary';
import { Shell } from './views/Shell';
import './styles.css';

// A meeting open to the public and a visitor's registration: no account, loaded only when opened.
const PublicPage = lazy(() => import('./views/public/PublicMeeting').then((m) => ({ default: m.PublicPage })));

function App() {
  // Reading the signals subscribes the whole page to language and session changes.
  document.title = t('app.name');
  void locale.value;
  const guest = route.value.match(/^\/guest\/([A-Za-z0-9_-]+)$/);
  if (guest) return <GuestPage token={guest[1]} />;
  const visitor = route.value.match(/^\/public\/(?:meetings\/(\d+)|registrations\/([A-Za-z0-9]{8,40}))$/);
  if (visitor) {
    return (
      <PageBoundary key={route.value}>
        <Suspense fallback={<p class="page" role="status">{t('status.loading')}</p>}>
          <PublicPage meetingId={visitor[1] ? Number(visitor[1]) : null} code={visitor[2] ?? null} />
        </Suspense>
      </PageBoundary>
    );
  }
  const current = session.value;
  return current ? <Shell key={current.token} session={current} /> : <Login />;
}

render(<App />, document.getElementById('app')!);
