import { Component, type ComponentChildren } from 'preact';
import { t } from '../i18n';

/**
 * Catches a page that failed to load or to render, so the rest of the app (tabs, chat, calls) keeps
 * working. The usual cause is a deploy: the page's file from the old build is gone, and only a reload
 * fetches the new one. A new `key` (the next route) starts afresh.
 */
export class PageBoundary extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: unknown) {
    console.error('page failed', error);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main class="page" id="main" tabIndex={-1}>
        <div class="notice error" role="alert">
          <span>{t('error.pageLoad')}</span>
        </div>
        <p>
          <button type="button" onClick={() => location.reload()}>
            {t('action.reload')}
          </button>
        </p>
      </main>
    );
  }
}
