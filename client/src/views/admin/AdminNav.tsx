import { t } from '../../i18n';

/** The two screens of the console. */
export function AdminNav({ current }: { current: 'members' | 'orgs' }) {
  return (
    <nav class="actions" aria-label={t('admin.sections')}>
      <a class="button-link" href="#/admin/members" aria-current={current === 'members' ? 'page' : undefined}>
        {t('admin.members')}
      </a>
      <a class="button-link" href="#/admin/orgs" aria-current={current === 'orgs' ? 'page' : undefined}>
        {t('admin.orgs')}
      </a>
    </nav>
  );
}
