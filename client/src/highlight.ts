/**
 * What a search matched, marked in a text: the search page's snippets and the message a result opens in its
 * room. Pure (no DOM), unit-tested in tests/unit/voiceClient.test.ts.
 */

/** The words of a query to mark: split at spaces (Chinese has none, so `党费` stays one), quotes and operators dropped, longest first. */
export function searchTerms(query: string): string[] {
  const words = query
    .normalize('NFKC')
    .replace(/["'“”‘’*()]/g, ' ')
    .split(/\s+/)
    .map((w) => w.trim())
    .filter((w) => w && !/^(AND|OR|NOT|NEAR)$/.test(w) && !/^[-+^:]+$/.test(w));
  return [...new Set(words.map((w) => w.replace(/^[-+^]+/, '')).filter(Boolean))].sort((a, b) => b.length - a.length).slice(0, 10);
}

/** A text cut into parts, those that match a term (case-insensitively) marked. */
export function highlightParts(text: string, terms: readonly string[]): Array<{ text: string; match: boolean }> {
  if (!text) return [];
  // Case-insensitively where lowercasing keeps the length (positions line up), as typed otherwise.
  const folds = text.toLowerCase().length === text.length;
  const lower = folds ? text.toLowerCase() : text;
  const wanted = terms.map((term) => (folds ? term.toLowerCase() : term)).filter(Boolean);
  if (wanted.length === 0) return [{ text, match: false }];
  const out: Array<{ text: string; match: boolean }> = [];
  let plain = 0;
  let at = 0;
  while (at < text.length) {
    const term = wanted.find((w) => lower.startsWith(w, at));
    if (!term) {
      at += 1;
      continue;
    }
    if (at > plain) out.push({ text: text.slice(plain, at), match: false });
    out.push({ text: text.slice(at, at + term.length), match: true });
    at += term.length;
    plain = at;
  }
  if (plain < text.length) out.push({ text: text.slice(plain), match: false });
  return out;
}
