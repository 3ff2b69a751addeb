import { useState } from 'preact/hooks';
import type { AuditEntry } from '../../../../server/contract/memberLife';
import type { Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import type { LifeKey } from '../../i18n/life/zh-CN';
import { lifeEn } from '../../i18n/life/en';
import { AdminNav } from '../admin/AdminNav';
import { Page, Picker, Said, UnitPicker } from '../controls';
import { Cards, usePagedList } from '../lists';
import { lifeError, nameOf, tl, useOrgs, type Say } from './common';
import { auditChanges, managedUnits, targetLink } from './logic';

/** The actions the catalog has words for (`audit.action.member.update` …); others are shown as the server names them. */
const KNOWN_ACTIONS = Object.keys(lifeEn)
  .filter((k) => k.startsWith('audit.action.'))
  .map((k) => k.slice('audit.action.'.length));

export const actionLabel = (action: string) => (KNOWN_ACTIONS.includes(action) ? tl(`audit.action.${action}` as LifeKey) : action);
const TYPES = ['user', 'org', 'meeting', 'training', 'transfer'];
const typeLabel = (type: string) => (TYPES.includes(type) ? tl(`audit.type.${type}` as LifeKey) : type);

/** The target by its name when it still has one, else by its kind and id. */
const targetText = (target: AuditEntry['target']) =>
  target.name ? tl('audit.targetNamed', { type: typeLabel(target.type), name: target.name }) : tl('audit.target', { type: typeLabel(target.type), id: target.id });

/** Every change organizers and the admin made under the viewer's units, newest first, never editable. */
export function AuditPage({ token, me }: { token: string; me: Me }) {
  const [say, setSay] = useState<Say>(null);
  const orgs = useOrgs(token, (e) => setSay({ tone: 'error', text: lifeError(e) }));
  const units = managedUnits(orgs ?? [], { role: me.user.role, organizerOf: me.organizerOf });
  const [orgId, setOrgId] = useState('');
  const [action, setAction] = useState('');
  const [actor, setActor] = useState<{ id: number; name: string } | null>(null);
  // A new filter reads from the first page, with no stale rows meanwhile.
  const query = new URLSearchParams({ limit: '30', ...(orgId ? { orgId } : {}), ...(action ? { action } : {}), ...(actor ? { actorId: String(actor.id) } : {}) });
  const entries = usePagedList<AuditEntry>(token, `/api/audit?${query}`, 'entries', (error) => setSay({ tone: 'error', text: lifeError(error) }));

  const zone = me.user.timezone;
  return (
    <Page>
      <h1>{t('nav.audit')}</h1>
      <AdminNav current="audit" />
      <p class="muted">{tl('audit.intro')}</p>
      <Said say={say} onClose={() => setSay(null)} />
      <div class="filters" role="search">
        <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} any="meetings.any" />
        <Picker label={tl('audit.action')} any={t('meetings.any')} choices={KNOWN_ACTIONS.map((a) => [a, actionLabel(a)])} value={action} onChange={setAction} />
      </div>
      {actor && (
        <div class="actions">
          <span>{tl('audit.onlyBy', { name: actor.name })}</span>
          <button type="button" class="quiet" onClick={() => setActor(null)}>
            {tl('audit.everyone')}
          </button>
        </div>
      )}
      <Cards {...entries} empty={tl('audit.none')}>
        {(e) => {
          const changes = auditChanges(e.before, e.after);
          return (
            <li key={e.id} class="card">
              <div class="card-row">
                <strong class="grow">{actionLabel(e.action)}</strong>
                <time class="muted small" dateTime={e.at}>
                  {formatFullTime(e.at, zone)}
                </time>
              </div>
              <span class="small meta-row">
                <span>
                  {tl('audit.by')}{' '}
                  <button type="button" class="link inline-link" onClick={() => setActor(e.actor)} aria-label={tl('audit.onlyBy', { name: e.actor.name })}>
                    {e.actor.name}
                  </button>
                </span>
                {e.orgId !== null && nameOf(orgs, e.orgId) ? <span>{nameOf(orgs, e.orgId)}</span> : null}
              </span>
              <div class="small meta-row">
                {targetLink(e.target) ? <a href={targetLink(e.target)!}>{targetText(e.target)}</a> : <span>{targetText(e.target)}</span>}
                {changes.length > 0 && (
                  <details>
                    <summary>{tl('audit.changes', { count: changes.length })}</summary>
                    <ul class="changes">
                      {changes.map((c) => (
                        <li key={c.field}>
                          {c.field && <code>{c.field}</code>} {c.before !== null && <del>{c.before}</del>} {c.before !== null && c.after !== null && '→'} {c.after !== null && <ins>{c.after}</ins>}
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </div>
            </li>
          );
        }}
      </Cards>
    </Page>
  );
}
