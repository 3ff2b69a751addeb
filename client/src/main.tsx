import { render } from 'preact';
import { locale, t } from './i18n';
import { session } from './session';
import { Login } from './views/Login';
import { Shell } from './views/Shell';
import './styles.css';

function App() {
  // Reading the signals subscribes the whole page to language and session changes.
  document.title = t('app.name');
  void locale.value;
  const current = session.value;
  return current ? <Shell key={current.token} session={current} /> : <Login />;
}

render(<App />, document.getElementById('app')!);
