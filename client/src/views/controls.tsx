/**
 * The pieces the on-demand pages are built from: the page's frame, its back link and sections, the message it
 * says, choices (a filter or a form's select), a form that opens from a button, a time field with its zone,
 * "load more". None of it is part of the first load: only pages loaded on demand import it.
 */
import type { ComponentChildren } from 'preact';
import { Notice } from '../errors';
import { t, type MessageKey } from '../i18n';

/** What a page says about what just happened (or failed). */
export type Say = { tone: 'error' | 'success' | 'info'; text: string } | null;

/** The page's frame: the main landmark the skip link leads to. */
export function Page({ children }: { children: ComponentChildren }) {
  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="inner">{children}</div>
    </main>
  );
}

/** Back to a list or the page one came from (a phone installed as an app has no back button of its own). */
export function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a class="back-link" href={href}>
      <span aria-hidden="true">‹ </span>
      {children}
    </a>
  );
}

/** Sections (or views of a list) one tap apart, the current one marked: each as its id, address and words. */
export function SubNav<K extends string>(props: { label: string; links: ReadonlyArray<readonly [id: K, href: string, text: string]>; current: K; class?: string }) {
  const { label, links, current } = props;
  return (
    <nav class={props.class ? `subnav ${props.class}` : 'subnav'} aria-label={label}>
      {links.map(([id, href, text]) => (
        <a key={id} href={href} aria-current={current === id ? 'page' : undefined}>
          {text}
        </a>
      ))}
    </nav>
  );
}

/** A page that cannot be shown (gone, or not the viewer's): why, and the way back. */
export function Unavailable({ href, back, why }: { href: string; back: string; why: string }) {
  return (
    <Page>
      <BackLink href={href}>{back}</BackLink>
      <Notice tone="error">{why}</Notice>
    </Page>
  );
}

/** What the page says, dismissed by its close button. */
export function Said({ say, onClose }: { say: Say; onClose: () => void }) {
  return say ? (
    <Notice tone={say.tone} onClose={onClose}>
      {say.text}
    </Notice>
  ) : null;
}

/** A choice as its value and its words. */
export type Choice = readonly [value: string, text: string];

/** Units, members or anything named as choices, by id. */
export const named = (items: readonly { id: number; name: string }[]): Choice[] => items.map((o) => [String(o.id), o.name]);

/** A select's options: "any" first (the empty value) when given, then the choices. */
export function Options({ choices, any }: { choices: readonly Choice[]; any?: string }) {
  return (
    <>
      {any !== undefined && <option value="">{any}</option>}
      {choices.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </>
  );
}

/**
 * A labelled choice, the select inside its label: a filter (`value`, `onChange`) or a form's field (`name`).
 */
export function Picker(props: { label: string; choices: readonly Choice[]; any?: string; value?: string; onChange?: (value: string) => void; name?: string; class?: string }) {
  const { label, choices, any, value, onChange, name } = props;
  return (
    <label class={props.class}>
      {label}
      <select name={name} value={value} onChange={onChange && ((e) => onChange(e.currentTarget.value))}>
        <Options choices={choices} any={any} />
      </select>
    </label>
  );
}

/** A labelled choice of units (a filter), optionally with "any" first. */
export function UnitPicker({ label, units, value, onChange, any }: { label: MessageKey; units: readonly { id: number; name: string }[]; value: string; onChange: (orgId: string) => void; any?: MessageKey }) {
  return <Picker label={t(label)} choices={named(units)} value={value} onChange={onChange} any={any && t(any)} />;
}

/** A list's filter on a row of its own (the label beside the select), with the list's action after it. */
export function FilterRow({ id, label, choices, any, value, onChange, children }: { id: string; label: string; choices: readonly Choice[]; any: string; value: string; onChange: (value: string) => void; children?: ComponentChildren }) {
  return (
    <div class="filter-row">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <Options choices={choices} any={any} />
      </select>
      {children}
    </div>
  );
}

/** A form's select with its label above it (in a `stack` form). */
export function SelectField({ id, label, name, choices, required, defaultValue }: { id: string; label: string; name: string; choices: readonly Choice[]; required?: boolean; defaultValue?: string }) {
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} name={name} required={required} defaultValue={defaultValue}>
        <Options choices={choices} />
      </select>
    </>
  );
}

/** Under a time field: the zone its time is in (the fields point at it with `aria-describedby`). */
export function ZoneHint({ id, zone }: { id: string; zone: string }) {
  return (
    <small id={id} class="muted">
      {t('form.timezoneHint', { zone })}
    </small>
  );
}

/** A date and time in the viewer's zone, its label above it and the zone said under it. */
export function TimeField({ id, hint, label, name, zone, required }: { id: string; hint: string; label: string; name: string; zone: string; required?: boolean }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} name={name} type="datetime-local" required={required} aria-describedby={hint} />
      <ZoneHint id={hint} zone={zone} />
    </>
  );
}

/** The button that opens a form below it (and closes it again). */
export function OpenButton({ open, onToggle, children }: { open: boolean; onToggle: (open: boolean) => void; children: ComponentChildren }) {
  return (
    <button type="button" aria-expanded={open} onClick={() => onToggle(!open)}>
      {children}
    </button>
  );
}

/**
 * A form that makes something (publish, create, propose, add), named by its heading: the fields, then the
 * button that sends it.
 */
export function ToolForm({ id, title, submit, onSubmit, busy, heading = 'h2', intro, children }: { id: string; title: string; submit: string; onSubmit: (event: Event) => void; busy?: boolean; heading?: 'h2' | 'h3'; intro?: string; children: ComponentChildren }) {
  const Heading = heading;
  return (
    <form class="stack tools" onSubmit={onSubmit} aria-labelledby={id}>
      <Heading id={id}>{title}</Heading>
      {intro && <p class="muted small">{intro}</p>}
      {children}
      <button type="submit" disabled={busy}>
        {submit}
      </button>
    </form>
  );
}

/** The fields of a form being sent, as trimmed text (the browser's own submit held back). */
export function submitted(event: Event): (name: string) => string {
  event.preventDefault();
  const data = new FormData(event.currentTarget as HTMLFormElement);
  return (name) => String(data.get(name) ?? '').trim();
}

/** The next page of a list, when there is one. */
export function LoadMore({ next, onMore }: { next: string | null | undefined; onMore: (cursor: string) => void }) {
  if (!next) return null;
  return (
    <div class="actions">
      <button type="button" class="quiet" onClick={() => onMore(next)}>
        {t('action.more')}
      </button>
    </div>
  );
}
