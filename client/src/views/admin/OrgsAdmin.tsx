import { useEffect, useState } from 'preact/hooks';
import type { Org, OrgKind, User } from '../../../../server/contract/model';
import { apiAll, apiRequest, type Me } from '../../api';
import { describeError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { Page, Said, type Say } from '../controls';
import { AdminNav } from './AdminNav';

type Organizer = { id: number; name: string };

interface TreeContext {
  orgs: Org[];
  token: string;
  admin: boolean;
  /** The units the viewer organizes: they appoint and remove the organizers of the units below these. */
  organizerOf: number[];
  done(text: string): void;
  failed(error: unknown): void;
  say(text: string): void;
  addUnit(event: Event, parentId: number | null): Promise<boolean>;
}

/** Where a unit of a kind may go (the server says the same): no child under a branch, no committee under a general branch. */
const mayHold = (parent: Org, kind: OrgKind) => parent.kind !== 'branch' && !(parent.kind === 'general_branch' && kind === 'committee');

/**
 * The organization tree: the admin builds it (add, rename, move units); the admin and organizers above a
 * unit appoint and remove its organizers, chosen from the unit's own members.
 */
export function OrgsAdmin({ token, me }: { token: string; me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [notice, setNotice] = useState<Say>(null);
  const admin = me.user.role === 'admin';
  const load = () => void apiAll<Org>('/api/orgs', 'orgs', token).then(setOrgs).catch((e) => setNotice({ tone: 'error', text: describeError(e) }));
  useEffect(load, [token]);

  const children = (id: number | null) => orgs.filter((o) => o.parentId === id);
  // The admin sees the whole tree; an organizer the units they run.
  const tops = admin ? children(null) : orgs.filter((o) => me.organizerOf.includes(o.id) && !me.organizerOf.includes(o.parentId ?? -1));
  const done = (text: string) => {
    setNotice({ tone: 'success', text });
    load();
  };
  const failed = (e: unknown) => setNotice({ tone: 'error', text: describeError(e, { conflict: 'admin.nameTaken' }) });

  async function addUnit(event: Event, parentId: number | null): Promise<boolean> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name')).trim();
    try {
      await apiRequest('POST', '/api/orgs', token, { name, kind: String(data.get('kind')), parentId });
      form.reset();
      done(t('admin.unitAddedNamed', { name }));
      return true;
    } catch (e) {
      failed(e);
      return false;
    }
  }

  const ctx: TreeContext = { orgs, token, admin, organizerOf: me.organizerOf, done, failed, say: (text) => setNotice({ tone: 'success', text }), addUnit };
  return (
    <Page>
      <h1>{t('admin.title')}</h1>
      <AdminNav current="orgs" />
      <Said say={notice} onClose={() => setNotice(null)} />
      {!admin && <p class="muted">{t('admin.orgsOrganizer')}</p>}
      <ul class="tree" aria-label={t('admin.orgs')}>
        {tops.map((org) => (
          <Unit key={org.id} org={org} ctx={ctx} />
        ))}
      </ul>
      {admin && (
        <section class="tools" aria-labelledby="top-title">
          <h2 id="top-title">{t('admin.addTop')}</h2>
          <AddUnit parent={null} onSubmit={(e) => void addUnit(e, null)} />
        </section>
      )}
    </Page>
  );
}

/** One unit of the tree, its actions, and the units below it. */
function Unit({ org, ctx }: { org: Org; ctx: TreeContext }) {
  const { orgs, token, admin, done, failed, addUnit, say } = ctx;
  const children = (id: number) => orgs.filter((o) => o.parentId === id);
  const [open, setOpen] = useState<'rename' | 'move' | 'add' | 'organizers' | null>(null);
  const [organizers, setOrganizers] = useState<Organizer[] | null>(null);
  const [candidates, setCandidates] = useState<User[]>([]);
  const loadOrganizers = () => void apiRequest<{ organizers: Organizer[] }>('GET', `/api/orgs/${org.id}/organizers`, token).then((r) => setOrganizers(r.organizers)).catch(failed);
  useEffect(() => {
    if (open !== 'organizers') return;
    loadOrganizers();
    // Organizers come from the unit's own members.
    void apiAll<User>(`/api/members?orgId=${org.id}`, 'members', token).then(setCandidates).catch(() => setCandidates([]));
  }, [open]);
  const places = orgs.filter((p) => p.id !== org.id && mayHold(p, org.kind) && !isBelow(p.id, org.id));
  // The admin, or an organizer of a unit strictly above this one (the server's rule).
  const mayAppoint = admin || ctx.organizerOf.some((id) => id !== org.id && isBelow(org.id, id));

  function isBelow(id: number, ancestor: number): boolean {
    for (let o = orgs.find((x) => x.id === id); o; o = orgs.find((x) => x.id === o!.parentId)) if (o.id === ancestor) return true;
    return false;
  }
  async function patch(body: { name?: string; parentId?: number | null }, text: string) {
    try {
      await apiRequest('PATCH', `/api/orgs/${org.id}`, token, body);
      setOpen(null);
      done(text);
    } catch (e) {
      failed(e);
    }
  }
  async function appoint(event: Event) {
    event.preventDefault();
    const userId = Number(new FormData(event.currentTarget as HTMLFormElement).get('userId'));
    const who = candidates.find((c) => c.id === userId)?.name ?? '';
    try {
      await apiRequest('POST', `/api/orgs/${org.id}/organizers`, token, { userId });
      loadOrganizers();
      say(t('admin.appointedWho', { name: who, unit: org.name }));
    } catch (e) {
      failed(e);
    }
  }
  async function dismiss(person: Organizer) {
    if (!confirm(t('admin.dismissConfirm', { name: person.name, unit: org.name }))) return;
    try {
      await apiRequest('DELETE', `/api/orgs/${org.id}/organizers/${person.id}`, token);
      loadOrganizers();
      say(t('admin.dismissedWho', { name: person.name, unit: org.name }));
    } catch (e) {
      failed(e);
    }
  }

  const toggle = (what: NonNullable<typeof open>) => setOpen(open === what ? null : what);
  return (
    <li>
      <div class="unit">
        <span class="grow">{org.name}</span>
        <span class="kind">{t(`org.kind.${org.kind}` as MessageKey)}</span>
        <button type="button" class="quiet" aria-expanded={open === 'organizers'} onClick={() => toggle('organizers')} aria-label={t('admin.organizersOf', { unit: org.name })}>
          {t('admin.organizers')}
        </button>
        {admin && (
          <>
            <button type="button" class="quiet" aria-expanded={open === 'rename'} onClick={() => toggle('rename')} aria-label={t('admin.renameOf', { unit: org.name })}>
              {t('admin.rename')}
            </button>
            <button type="button" class="quiet" aria-expanded={open === 'move'} onClick={() => toggle('move')} aria-label={t('admin.moveOf', { unit: org.name })}>
              {t('admin.move')}
            </button>
            {org.kind !== 'branch' && (
              <button type="button" class="quiet" aria-expanded={open === 'add'} onClick={() => toggle('add')} aria-label={t('admin.addUnder', { unit: org.name })}>
                {t('admin.add')}
              </button>
            )}
          </>
        )}
      </div>
      {open === 'rename' && (
        <form
          class="row tools"
          onSubmit={(e) => {
            e.preventDefault();
            void patch({ name: String(new FormData(e.currentTarget as HTMLFormElement).get('name')).trim() }, t('admin.renamed'));
          }}
        >
          <label>
            {t('admin.unitName')}
            <input name="name" required maxLength={200} defaultValue={org.name} />
          </label>
          <button type="submit">{t('action.save')}</button>
        </form>
      )}
      {open === 'move' && (
        <form
          class="row tools"
          onSubmit={(e) => {
            e.preventDefault();
            const value = String(new FormData(e.currentTarget as HTMLFormElement).get('parentId'));
            void patch({ parentId: value === '' ? null : Number(value) }, t('admin.moved'));
          }}
        >
          <label>
            {t('admin.moveUnder')}
            <select name="parentId">
              {org.kind === 'committee' && (
                <option value="" selected={org.parentId === null}>
                  {t('admin.top')}
                </option>
              )}
              {places.map((p) => (
                <option key={p.id} value={String(p.id)} selected={p.id === org.parentId}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('admin.move')}</button>
        </form>
      )}
      {open === 'add' && <AddUnit parent={org} onSubmit={(e) => void addUnit(e, org.id).then((added) => added && setOpen(null))} />}
      {open === 'organizers' && (
        <div class="tools">
          {organizers && organizers.length === 0 && <p class="empty">{t('admin.noOrganizers')}</p>}
          <ul class="cards">
            {(organizers ?? []).map((p) => (
              <li key={p.id} class="card">
                <div class="card-row">
                  <span class="grow">{p.name}</span>
                  {mayAppoint && (
                  <button type="button" class="danger" onClick={() => void dismiss(p)} aria-label={t('admin.dismissOf', { name: p.name })}>
                    {t('admin.dismiss')}
                  </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
          {mayAppoint && candidates.some((c) => !(organizers ?? []).some((o) => o.id === c.id)) && (
            <form class="row" onSubmit={appoint}>
              <label>
                {t('admin.appointWho')}
                <select name="userId">
                  {candidates
                    .filter((c) => !(organizers ?? []).some((o) => o.id === c.id))
                    .map((c) => (
                      <option key={c.id} value={String(c.id)}>
                        {c.name}
                      </option>
                    ))}
                </select>
              </label>
              <button type="submit">{t('admin.appoint')}</button>
            </form>
          )}
        </div>
      )}
      {children(org.id).length > 0 && (
        <ul>
          {children(org.id).map((child) => (
            <Unit key={child.id} org={child} ctx={ctx} />
          ))}
        </ul>
      )}
    </li>
  );
}

function AddUnit({ parent, onSubmit }: { parent: Org | null; onSubmit: (event: Event) => void }) {
  // The likeliest kind first: a branch under a general branch, a general branch under a committee.
  const kinds: OrgKind[] = parent === null ? ['committee'] : (['branch', 'general_branch', 'committee'] as OrgKind[]).filter((k) => mayHold(parent, k));
  return (
    <form class="row tools" onSubmit={onSubmit}>
      <label>
        {t('admin.unitName')}
        <input name="name" required maxLength={200} />
      </label>
      <label>
        {t('admin.unitKind')}
        <select name="kind">
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`org.kind.${k}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('admin.addSubmit')}</button>
    </form>
  );
}
