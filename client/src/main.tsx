import { render } from 'preact';
import { locale, t } from './i18n';
import { route } from './router';
import { session } from './session';
import { GuestPage } from './views/GuestPage';
import { Login } from './views/Login';
import { Shell } from './views/Shell';
import './styles.css';

function App() {
  // Reading the signals subscribes the whole page to language and session changes.
  document.title = t('app.name');
  void locale.value;
  const guest = route.value.match(/^\/guest\/([A-Za-z0-9_-]+)$/);
  if (guest) return <GuestPage token={guest[1]} />;
  const current = session.value;
  return current ? <Shell key={current.token} session={current} /> : <Login />;
}

render(<App />, document.getElementById('app')!);
