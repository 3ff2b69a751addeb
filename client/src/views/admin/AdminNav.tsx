import { t, type MessageKey } from '../../i18n';
import { SubNav } from '../controls';

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
  return <SubNav label={t('admin.sections')} current={current} links={SECTIONS.map(([id, href, key]) => [id, href, t(key)])} />;
}
