import { Component, type ComponentChildren } from 'preact';
import { t } from '../i18n';

/**
 * Catches a page that failed to load or to render, so the rest of the app (tabs, chat, calls) keeps
 * working. Usually the link dropped while the page's file was fetched (it loads again by itself when the
 * phone is back online), or a deploy replaced the file (only reloading the app fetches the new one).
 * Trying again mounts the page afresh; a new `key` (the next route) starts afresh too.
 */
export class PageBoundary extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  state = { failed: false };
  private readonly retry = () => this.setState({ failed: false });

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: unknown) {
    console.error('page failed', error);
  }

  componentDidMount() {
    addEventListener('online', this.retry);
  }

  componentWillUnmount() {
    removeEventListener('online', this.retry);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    const offline = !navigator.onLine;
    return (
      <main class="page" id="main" tabIndex={-1}>
        <div class="notice error" role="alert">
          <span>{offline ? t('error.pageOffline') : t('error.pageLoad')}</span>
        </div>
        <p class="actions">
          <button type="button" onClick={this.retry}>
            {t('action.retry')}
          </button>
          {!offline && (
            <button type="button" class="quiet" onClick={() => location.reload()}>
              {t('action.reload')}
            </button>
          )}
        </p>
      </main>
    );
  }
}
