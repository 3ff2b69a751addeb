import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { appendPage } from '../../client/src/views/voice/logic';

/**
 * The pieces the on-demand pages share (client/src/views/controls.tsx, client/src/views/lists.tsx): what they
 * put on the page, rendered here to plain markup (they hold no state of their own), and where a list's next
 * page is read from.
 */
type Controls = typeof import('../../client/src/views/controls');
type Lists = typeof import('../../client/src/views/lists');
let controls: Controls;
let lists: Lists;

// The client's modules read the browser's language and storage when loaded: give them the bare minimum.
beforeAll(async () => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
    document: { documentElement: { lang: '' } },
  });
  Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-GB', languages: ['en-GB'] }, configurable: true });
  const i18n = await import('../../client/src/i18n');
  i18n.setLocale('en');
  [controls, lists] = await Promise.all([import('../../client/src/views/controls'), import('../../client/src/views/lists')]);
});

/** A vnode as markup: components are called (these keep no state), elements written with their attributes. */
function markup(node: unknown): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(markup).join('');
  const { type, props } = node as { type: unknown; props: Record<string, unknown> };
  if (typeof type === 'function') return markup((type as (p: unknown) => unknown)(props));
  const { children, ...attrs } = props;
  const written = Object.entries(attrs)
    .filter(([name, value]) => value !== undefined && value !== false && typeof value !== 'function' && name !== 'key')
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${String(value)}"`))
    .join('');
  return `<${type}${written}>${markup(children)}</${type}>`;
}

describe('a list read a page at a time', () => {
  it('asks for the next page after the cursor, the first page as it is', () => {
    expect(lists.pagePath('/api/tenders?limit=20&status=open')).toBe('/api/tenders?limit=20&status=open');
    expect(lists.pagePath('/api/tenders?limit=20', 'MjAyNi0xMi0wMXwx')).toBe('/api/tenders?limit=20&before=MjAyNi0xMi0wMXwx');
    expect(lists.pagePath('/api/announcements', 'a b+c')).toBe('/api/announcements?before=a+b%2Bc');
  });

  it('adds a page after what is shown, by any id (a lost-contact row is known by its member)', () => {
    const shown = [{ user: { id: 7 } }, { user: { id: 3 } }];
    const page = [{ user: { id: 3 } }, { user: { id: 1 } }];
    expect(appendPage(shown, page, (m) => m.user.id).map((m) => m.user.id)).toEqual([7, 3, 1]);
  });

  it('says it is loading, then that it is empty, and offers more only when there is more', () => {
    const render = (list: Array<{ id: number }> | null, next: string | null) =>
      markup(lists.Cards({ list, empty: 'Nothing yet', next, onMore: () => {}, children: (x) => ({ type: 'li', props: { children: `#${x.id}` }, key: x.id }) as never }));
    expect(render(null, null)).toBe(`<p role="status">${en['status.loading']}</p><ul class="cards"></ul>`);
    expect(render([], null)).toBe('<p class="empty">Nothing yet</p><ul class="cards"></ul>');
    expect(render([{ id: 1 }, { id: 2 }], 'c')).toBe(`<ul class="cards"><li>#1</li><li>#2</li></ul><div class="actions"><button type="button" class="quiet">${en['action.more']}</button></div>`);
  });

  it('shows a card with its title as a linked heading, the marks beside it only when it has some', () => {
    const plain = markup(lists.Card({ href: '#/projects/2', title: 'A project', excerpt: 'What it is' }));
    expect(plain).toBe('<li class="card"><h2><a href="#/projects/2">A project</a></h2><p class="excerpt">What it is</p></li>');
    const marked = markup(lists.Card({ href: '#/tenders/1', title: 'A call', marks: { type: 'span', props: { class: 'pill', children: 'Open' } } as never, class: 'unread' }));
    expect(marked).toBe('<li class="card unread"><div class="card-row"><h2 class="grow"><a href="#/tenders/1">A call</a></h2><span class="pill">Open</span></div></li>');
  });
});

describe('choices, sections and forms', () => {
  it('offers "any" first, then each choice by its value', () => {
    const picker = markup(controls.Picker({ label: 'Unit', any: 'Any', choices: controls.named([{ id: 4, name: 'First Branch' }]), value: '', onChange: () => {} }));
    expect(picker).toBe('<label>Unit<select value=""><option value="">Any</option><option value="4">First Branch</option></select></label>');
    expect(markup(controls.SelectField({ id: 'tn-org', label: 'Unit', name: 'orgId', choices: [['4', 'First Branch']], required: true }))).toBe(
      '<label for="tn-org">Unit</label><select id="tn-org" name="orgId" required><option value="4">First Branch</option></select>',
    );
  });

  it('marks the section one is in', () => {
    const nav = markup(controls.SubNav({ label: 'Sections', current: 'b', links: [['a', '#/a', 'A'], ['b', '#/b', 'B']], class: 'minor' }));
    expect(nav).toBe('<nav class="subnav minor" aria-label="Sections"><a href="#/a">A</a><a href="#/b" aria-current="page">B</a></nav>');
  });

  it('names a form by its heading, its button last', () => {
    const form = markup(controls.ToolForm({ id: 'new-bid', title: 'Propose a project', submit: 'Send', heading: 'h3', intro: 'Say what', onSubmit: () => {}, children: { type: 'input', props: { name: 'title' } } as never }));
    expect(form).toBe('<form class="stack tools" aria-labelledby="new-bid"><h3 id="new-bid">Propose a project</h3><p class="muted small">Say what</p><input name="title"></input><button type="submit">Send</button></form>');
  });
});
