import { useEffect, useState } from 'preact/hooks';
import type { Org, User } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me } from '../../api';
import { describeError } from '../../errors';
import { t } from '../../i18n';
import { LoadMore, Page, Said, UnitPicker, type Say } from '../controls';
import { AdminNav } from './AdminNav';
import { ImportMembers } from './ImportMembers';
import { MemberForm } from './MemberForm';


/** Members under a unit: find them, add one, edit, deactivate, import a list. */
export function MembersAdmin({ token, me }: { token: string; me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [orgId, setOrgId] = useState('');
  const [q, setQ] = useState('');
  const [mobile, setMobile] = useState('');
  const [members, setMembers] = useState<User[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [notice, setNotice] = useState<Say>(null);
  const units = me.user.role === 'admin' ? orgs : orgs.filter((o) => me.rooms.some((r) => r.id === `org:${o.id}` && r.moderator));
  const branches = orgs.filter((o) => o.kind === 'branch' && units.some((u) => u.id === o.id));
  const orgName = (id: number | null) => orgs.find((o) => o.id === id)?.name ?? '';

  useEffect(() => void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs).catch((e) => setNotice({ tone: 'error', text: describeError(e) })), [token]);
  useEffect(() => {
    if (!orgId && units[0]) setOrgId(String(units[0].id));
  }, [units.length]);

  async function load(cursor?: string) {
    if (!orgId) return;
    const query = new URLSearchParams({ orgId, limit: '50', ...(q.trim() ? { q: q.trim() } : {}), ...(mobile ? { mobile } : {}), ...(cursor ? { before: cursor } : {}) });
    try {
      const page = await apiRequest<{ members: User[]; nextCursor: string | null }>('GET', `/api/members?${query}`, token);
      setMembers((old) => (cursor ? [...(old ?? []), ...page.members] : page.members));
      setNext(page.nextCursor);
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }
  // Search as one types, a moment after the last key.
  useEffect(() => {
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [orgId, q, mobile]);

  async function deactivate(user: User) {
    if (!confirm(t('admin.deactivateConfirm', { name: user.name }))) return;
    try {
      await apiRequest('DELETE', `/api/members/${user.id}`, token);
      setNotice({ tone: 'success', text: t('admin.deactivated', { name: user.name }) });
      void load();
    } catch (e) {
      setNotice({ tone: 'error', text: describeError(e) });
    }
  }

  return (
    <Page>
      <h1>{t('admin.title')}</h1>
      <AdminNav current="members" />
      <Said say={notice} onClose={() => setNotice(null)} />
      <div class="filters" role="search">
        <UnitPicker label="admin.unit" units={units} value={orgId} onChange={setOrgId} />
        <label>
          {t('admin.search')}
          <input type="search" value={q} maxLength={100} placeholder={t('admin.searchHint')} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <label>
          {t('member.mobile')}
          <select value={mobile} onChange={(e) => setMobile(e.currentTarget.value)}>
            <option value="">{t('meetings.any')}</option>
            <option value="true">{t('admin.mobileYes')}</option>
            <option value="false">{t('admin.mobileNo')}</option>
          </select>
        </label>
      </div>
      <div class="actions">
        <button type="button" aria-expanded={editing === 'new'} onClick={() => setEditing(editing === 'new' ? null : 'new')}>
          {t('admin.addMember')}
        </button>
      </div>
      {editing === 'new' && (
        <MemberForm
          token={token}
          branches={branches}
          onDone={(user, password) => {
            setEditing(null);
            setNotice({ tone: 'success', text: t('admin.created', { name: user.name, password }) });
            void load();
          }}
        />
      )}
      {members && members.length === 0 && <p class="empty">{t('admin.noMembers')}</p>}
      <ul class="cards">
        {(members ?? []).map((m) => (
          <li key={m.id} class="card">
            <div class="card-row">
              <strong class="grow">{m.name}</strong>
              <button type="button" class="quiet" aria-expanded={editing === m.id} onClick={() => setEditing(editing === m.id ? null : m.id)} aria-label={t('admin.editOf', { name: m.name })}>
                {t('action.edit')}
              </button>
              <button type="button" class="danger" onClick={() => void deactivate(m)} aria-label={t('admin.deactivateOf', { name: m.name })}>
                {t('admin.deactivate')}
              </button>
            </div>
            <span class="muted">
              {m.email} · {orgName(m.branchId)}
            </span>
            <span class="muted">
              {[m.mobile ? t('admin.mobileYes') : null, m.location, m.timezone].filter(Boolean).join(' · ')} · <a href={`#/dues/members/${m.id}`}>{t('admin.ledger')}</a>
            </span>
            {editing === m.id && (
              <MemberForm
                token={token}
                branches={branches}
                member={m}
                onDone={(user) => {
                  setEditing(null);
                  setMembers((list) => (list ?? []).map((x) => (x.id === user.id ? user : x)));
                  setNotice({ tone: 'success', text: t('admin.saved', { name: user.name }) });
                }}
              />
            )}
          </li>
        ))}
      </ul>
      <LoadMore next={next} onMore={(cursor) => void load(cursor)} />
      <ImportMembers token={token} onImported={() => void load()} />
    </Page>
  );
}
