/**
 * How text becomes search tokens, the same for what is stored and for what is asked (docs/search.md).
 *
 * Chinese has no spaces, so a run of Han (or kana, hangul) characters is cut into overlapping character
 * pairs (bigrams): `请按时交党费` → `请按 按时 时交 交党 党费`, plus the run's last character alone (so every
 * character starts some token, which a one-character query needs). A query is cut the same way and asked
 * as a phrase of consecutive tokens, which is exactly "this text contains that substring": `党费` is one
 * token, `按时交` the phrase `按时 时交`. Latin words and numbers (inside Chinese too: `2026年`) are tokens of
 * their own, in lower case. Tokens hold only letters and digits, so no query syntax can ride in on them.
 */

const HAN = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
/** Does a run start with a Han character (tested on the whole code point, rare characters included)? */
const CJK = new RegExp(`^[${HAN}]`, 'u');
/** Runs of Han characters, and runs of other letters and digits (Latin words, numbers). */
const RUNS = new RegExp(`[${HAN}]+|(?:(?![${HAN}])[\\p{L}\\p{N}])+`, 'gu');

/**
 * The longest text indexed per item (a message is at most 4,000 characters; a post is cut here): it makes at
 * most as many tokens as characters, below PostgreSQL's 16,383 word positions, so phrases late in a long
 * post are found the same on both databases.
 */
export const MAX_INDEXED = 16_000;
/** The longest text a member may write where it is searched (posts, discussions, announcements): all of it is indexed. */
export const MAX_SEARCHABLE_TEXT = 15_000;

function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The tokens of one run of Han characters, in order: bigrams, then the last character alone. */
function cjkTokens(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  out.push(chars[chars.length - 1]);
  return out;
}

/** The tokens of a text, space-separated, as stored in the index. */
export function indexTokens(text: string): string {
  const out: string[] = [];
  for (const match of normalize(text.slice(0, MAX_INDEXED)).matchAll(RUNS)) {
    const run = match[0];
    if (CJK.test(run)) out.push(...cjkTokens(run));
    else out.push(run);
  }
  return out.join(' ');
}

/**
 * One term of a query: a phrase of tokens that must follow each other, or a single character or a Latin
 * word start that is matched as a prefix.
 */
export type QueryTerm = { kind: 'phrase'; tokens: string[] } | { kind: 'prefix'; token: string };

/** At most this many terms are asked (a query of 2,000 characters is cut, never refused). */
export const MAX_TERMS = 8;
/** And at most this many tokens in one phrase. */
export const MAX_PHRASE = 32;

/**
 * The terms of a query: each run of Han characters a phrase of its bigrams (one character: a prefix), each
 * Latin word or number a prefix (2 characters or more) or an exact token; a word repeated counts once. Quotes,
 * `*`, `OR`, brackets and every other sign are separators; `or` is a word like any other.
 */
export function queryTerms(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  for (const match of normalize(query).matchAll(RUNS)) {
    if (terms.length >= MAX_TERMS) break;
    const run = match[0];
    // A word asked twice is asked once (it would only make the index work harder).
    if (seen.has(run)) continue;
    seen.add(run);
    if (CJK.test(run)) {
      const chars = [...run];
      if (chars.length === 1) terms.push({ kind: 'prefix', token: run });
      else {
        const tokens: string[] = [];
        for (let i = 0; i + 1 < chars.length && tokens.length < MAX_PHRASE; i++) tokens.push(chars[i] + chars[i + 1]);
        terms.push({ kind: 'phrase', tokens });
      }
    } else terms.push(run.length >= 2 ? { kind: 'prefix', token: run.slice(0, 64) } : { kind: 'phrase', tokens: [run] });
  }
  return terms;
}

/**
 * A short piece of `text` around the first place one of the query's words occurs (the whole query first),
 * for a result list: at most `width` characters, with `…` where it was cut.
 */
export function snippetOf(text: string, query: string, width = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const words = [query.trim().toLowerCase(), ...(query.toLowerCase().match(RUNS) ?? [])].filter((w) => w.length > 0);
  let at = -1;
  for (const w of words) {
    at = lower.indexOf(w);
    if (at >= 0) break;
  }
  if (flat.length <= width) return flat;
  const start = Math.max(0, Math.min(at < 0 ? 0 : at - Math.floor(width / 3), flat.length - width));
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + width)}${start + width < flat.length ? '…' : ''}`;
}
