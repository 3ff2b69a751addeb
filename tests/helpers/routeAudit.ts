import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Checks one screen of the client as a phone user and a screen reader meet it:
 * - nothing wider than the viewport (the document, any visible element or text, any container that scrolls
 *   sideways without being meant to);
 * - every control (link, button, field, summary, menu item) reachable: brought into view, the element at its
 *   centre is itself (or inside it), not something drawn over it;
 * - axe-core's rules for names, labels, ARIA, ids, nesting, target size, contrast.
 * Only for browser tests (routes.test.ts); all problems come back as readable lines.
 */

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs before any page script: counts requests in flight and notes when the DOM last changed. */
export const SETTLE_SCRIPT = `(() => {
  const state = { pending: 0, lastChange: performance.now() };
  Object.defineProperty(window, '__settle', { value: state });
  const original = window.fetch.bind(window);
  window.fetch = (...args) => {
    state.pending++;
    return original(...args).finally(() => {
      state.pending--;
      state.lastChange = performance.now();
    });
  };
  new MutationObserver(() => (state.lastChange = performance.now())).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})();`;

/** Waits until no request is in flight, nothing is busy or loading, and the DOM has been still for 150 ms. */
export async function settle(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __settle?: { pending: number; lastChange: number } }).__settle;
      if (!s) return true;
      const busy = document.querySelector('.content > [role="status"], [aria-busy="true"]');
      return s.pending === 0 && !busy && performance.now() - s.lastChange > 150;
    },
    undefined,
    { timeout, polling: 50 },
  );
}

// The in-page part is a string: functions handed to page.evaluate must not carry the test transpiler's helpers.
const LAYOUT_AUDIT = String.raw`(() => {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const wide = [];
  const covered = [];
  const short = (s, n = 50) => { s = (s || '').replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; };
  const one = (el) => {
    if (!el || el.nodeType !== 1) return String(el);
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    for (const c of el.classList) s += '.' + c;
    const role = el.getAttribute('role');
    if (role) s += '[role=' + role + ']';
    return s;
  };
  const describe = (el) => {
    if (!el || el.nodeType !== 1) return String(el);
    const chain = [];
    for (let a = el; a && a !== document.body && chain.length < 4; a = a.parentElement) chain.unshift(one(a));
    const name = el.getAttribute('aria-label') || (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' ? (el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('placeholder') || el.name) : el.textContent);
    const text = short(name);
    return chain.join(' > ') + (text ? ' "' + text + '"' : '');
  };

  // Containers the stylesheet asks to scroll sideways (overflow-x: auto|scroll written out, e.g. a table's wrapper).
  const xSelectors = [];
  const collect = (rules) => {
    for (const rule of rules) {
      if (rule.media && rule.cssRules) { if (matchMedia(rule.media.mediaText).matches) collect(rule.cssRules); continue; }
      if (rule.style && /auto|scroll/.test(rule.style.overflowX)) xSelectors.push(rule.selectorText);
    }
  };
  for (const sheet of document.styleSheets) { try { collect(sheet.cssRules); } catch (e) { /* a foreign sheet */ } }
  const meantToScrollX = (el) => /auto|scroll/.test(el.style.overflowX) || xSelectors.some((sel) => { try { return el.matches(sel); } catch (e) { return false; } });
  const isClipHidden = (cs) => cs.position === 'absolute' && cs.clip && cs.clip !== 'auto';

  /** How far right an element's painted part can reach (clipped by overflow:hidden ancestors), or null when it is inside a sideways scroller or hidden. */
  const reach = (start, right) => {
    let limit = right;
    // Up to the body, not including it: its overflow is the viewport's, and the viewport's edge is what is checked.
    for (let a = start; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.display === 'none' || cs.visibility === 'hidden' || isClipHidden(cs)) return null;
      if (meantToScrollX(a)) return null;
      if (cs.overflowX === 'hidden' || cs.overflowX === 'clip') limit = Math.min(limit, a.getBoundingClientRect().right);
      if (cs.position === 'fixed') break;
    }
    return limit;
  };

  const hiddenAbove = (start) => {
    for (let a = start; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.display === 'none' || cs.visibility === 'hidden' || isClipHidden(cs)) return true;
    }
    return false;
  };

  const docWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (docWidth > vw) wide.push('the document is ' + docWidth + 'px wide (viewport ' + vw + 'px)');

  const reported = new Set();
  const underReported = (el) => { for (let a = el; a; a = a.parentElement) if (reported.has(a)) return true; return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.display === 'contents') continue;
    // A container that scrolls sideways though nobody asked it to (a page you can drag left and right).
    if (/auto|scroll/.test(cs.overflowX) && !meantToScrollX(el) && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const edge = el.getBoundingClientRect().left + el.clientWidth;
      const inScroller = (c) => { for (let a = c.parentElement; a && a !== el; a = a.parentElement) if (meantToScrollX(a)) return true; return false; };
      const culprits = [...el.querySelectorAll('*')].filter((c) => c.getBoundingClientRect().right > edge + 1 && !inScroller(c) && !(c.parentElement && c.parentElement !== el && c.parentElement.getBoundingClientRect().right > edge + 1)).slice(0, 3);
      wide.push(describe(el) + ' scrolls sideways: content ' + el.scrollWidth + 'px in ' + el.clientWidth + 'px' + (culprits.length ? ', past its edge: ' + culprits.map((c) => describe(c) + ' (right ' + Math.round(c.getBoundingClientRect().right) + 'px)').join('; ') : ''));
    }
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= vw + 1 || underReported(el)) continue;
    const limit = reach(el.parentElement, r.right);
    if (limit === null || limit <= vw + 1) continue;
    if (cs.visibility === 'hidden' || isClipHidden(cs)) continue;
    reported.add(el);
    wide.push(describe(el) + ' reaches ' + Math.round(r.right) + 'px (left ' + Math.round(r.left) + ', width ' + Math.round(r.width) + ')');
  }
  // Text that runs out of its box (a long word, a URL) past the edge.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !node.parentElement || underReported(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    const limit = reach(node.parentElement, r.right);
    if (limit === null || limit <= vw + 1) continue;
    reported.add(node.parentElement);
    wide.push('text "' + short(node.textContent, 40) + '" in ' + describe(node.parentElement) + ' reaches ' + Math.round(r.right) + 'px');
  }

  // Every control: brought into view, is it the one hit at its centre?
  const scrolled = [];
  for (const el of document.querySelectorAll('*')) if (el.scrollTop || el.scrollLeft) scrolled.push([el, el.scrollTop, el.scrollLeft]);
  const winScroll = [window.scrollX, window.scrollY];
  const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=menuitem], [role=link], [role=tab], [role=option]');
  for (const el of controls) {
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden') continue;
    let r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    if (hiddenAbove(el)) continue;
    // Placed off-screen on purpose until focused (a skip link).
    if (r.right <= 0 && document.activeElement !== el) continue;
    el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
    r = el.getBoundingClientRect();
    const x = Math.round(r.left + r.width / 2);
    const y = Math.round(r.top + r.height / 2);
    if (x < 0 || y < 0 || x >= vw || y >= vh) {
      covered.push(describe(el) + ': its centre (' + x + ', ' + y + ') cannot be brought into the viewport');
      continue;
    }
    const hit = document.elementFromPoint(x, y);
    if (hit && (hit === el || el.contains(hit) || (hit.tagName === 'LABEL' && hit.control === el))) continue;
    // An open menu or dialog lies over the page on purpose while it is open (its own controls are checked).
    const popup = hit && hit.closest('[role=menu], [role=dialog], [role=alertdialog], [role=listbox], dialog[open]');
    if (popup && !popup.contains(el)) continue;
    covered.push(describe(el) + ' is covered at (' + x + ', ' + y + ') by ' + (hit ? describe(hit) : 'nothing (outside the page)'));
  }
  for (const [el, top, left] of scrolled) { el.scrollTop = top; el.scrollLeft = left; }
  for (const el of document.querySelectorAll('*')) if (!scrolled.some((s) => s[0] === el) && (el.scrollTop || el.scrollLeft)) { el.scrollTop = 0; el.scrollLeft = 0; }
  window.scrollTo(winScroll[0], winScroll[1]);
  return { wide, covered };
})()`;

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
// Best-practice rules about page structure rather than one control: a single-page app's hash routes share one
// document, so these say little per screen. Everything else (names, labels, ARIA, ids, nesting, target size,
// contrast) is checked.
const AXE_OFF = ['region', 'page-has-heading-one', 'landmark-one-main', 'heading-order', 'landmark-complementary-is-top-level'];

async function axe(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // The app's CSP forbids inline scripts, so axe goes in the way the DevTools console would put it.
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const script = `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, rules: ${JSON.stringify(Object.fromEntries(AXE_OFF.map((id) => [id, { enabled: false }])))}, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary || '' })) })))`;
  const violations = (await page.evaluate(script)) as Array<{ id: string; help: string; impact: string; nodes: Array<{ target: string; html: string; summary: string }> }>;
  const lines: string[] = [];
  for (const v of violations) {
    for (const n of v.nodes) {
      const why = n.summary.split('\n').map((s) => s.trim()).filter((s) => s && !/^Fix (any|all) of the following:$/.test(s)).slice(0, 2).join('; ');
      lines.push(`axe ${v.id} (${v.impact}): ${v.help} — ${n.target} ${short(n.html.replace(/ aria-current="page"/g, ''), 120)}${why ? ` — ${why}` : ''}`);
    }
  }
  return lines;
}

const short = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** Every problem on the screen as it is now, one line each. */
export async function auditScreen(page: Page): Promise<string[]> {
  const layout = (await page.evaluate(LAYOUT_AUDIT)) as { wide: string[]; covered: string[] };
  const access = await axe(page);
  return [...layout.wide.map((w) => `too wide: ${w}`), ...layout.covered.map((c) => `not tappable: ${c}`), ...access];
}

/** Collects problems per screen (route plus state, e.g. "#/calls (account menu open)") and prints them as one list. */
export class Findings {
  private readonly byScreen = new Map<string, string[]>();
  constructor(readonly who: string) {}

  add(screen: string, problems: string[]): void {
    const list = this.byScreen.get(screen) ?? [];
    for (const p of problems) if (!list.includes(p)) list.push(p);
    this.byScreen.set(screen, list);
  }

  async check(page: Page, screen: string): Promise<void> {
    const started = Date.now();
    this.add(screen, await auditScreen(page));
    if (process.env.ROUTES_DEBUG) console.log(`${this.who} ${screen}: checked in ${Date.now() - started} ms`);
  }

  get count(): number {
    return [...this.byScreen.values()].reduce((n, l) => n + l.length, 0);
  }

  /**
   * One list per screen. A problem seen on several screens (the header, the tab bar) is listed once, with the
   * screens it was seen on, so each screen's own list stays short.
   */
  report(): string {
    const seenOn = new Map<string, string[]>();
    for (const [screen, list] of this.byScreen) for (const p of list) seenOn.set(p, [...(seenOn.get(p) ?? []), screen]);
    const parts: string[] = [];
    const shared = [...seenOn].filter(([, screens]) => screens.length > 1);
    if (shared.length) parts.push(`on several screens\n${shared.map(([p, screens]) => `  - ${p}\n      on ${screens.join(', ')}`).join('\n')}`);
    for (const [screen, list] of this.byScreen) {
      const own = list.filter((p) => seenOn.get(p)!.length === 1);
      if (own.length) parts.push(`${screen}\n${own.map((p) => `  - ${p}`).join('\n')}`);
    }
    return parts.length ? `${this.who}: ${this.count} problem(s) in all\n${parts.join('\n')}` : '';
  }
}
