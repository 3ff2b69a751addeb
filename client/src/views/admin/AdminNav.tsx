import { t, type MessageKey } from '../../i18n';

export type AdminSection = 'members' | 'orgs' | 'transfers' | 'lostContact' | 'trainingQueue' | 'audit' | 'stats';

const SECTIONS: Array<[AdminSection, string, MessageKey]> = [
  ['members', '#/admin/members', 'admin.members'],
  ['orgs', '#/admin/orgs', 'admin.orgs'],
  ['transfers', '#/transfers', 'nav.transfers'],
  ['lostContact', '#/lost-contact', 'nav.lostContact'],
  ['trainingQueue', '#/trainings/pending', 'nav.trainingQueue'],
  ['audit', '#/audit', 'nav.audit'],
  ['stats', '#/stats', 'nav.stats'],
];

/** The screens of the console (the unit tree and its members, and the member-life queues and logs). */
export function AdminNav({ current }: { current: AdminSection }) {
  return (
    <nav class="subnav" aria-label={t('admin.sections')}>
      {SECTIONS.map(([id, href, label]) => (
        <a key={id} href={href} aria-current={current === id ? 'page' : undefined}>
          {t(label)}
        </a>
      ))}
    </nav>
  );
}
