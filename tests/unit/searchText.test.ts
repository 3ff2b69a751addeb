import { describe, expect, it } from 'vitest';
import { indexTokens, MAX_TERMS, queryTerms, snippetOf } from '../../server/domain/searchText';

describe('search text: Chinese without spaces', () => {
  it('cuts Han runs into bigrams plus the last character, and keeps Latin words and numbers whole', () => {
    expect(indexTokens('请按时交党费')).toBe('请按 按时 时交 交党 党费 费');
    expect(indexTokens('2026年的Kite-String计划')).toBe('2026 年的 的 kite string 计划 划');
    expect(indexTokens('党')).toBe('党');
    expect(indexTokens('ＡＢＣ１２３')).toBe('abc123'); // full-width folded (NFKC)
  });

  it('asks a query as phrases of consecutive bigrams; one character and Latin words as prefixes', () => {
    expect(queryTerms('党费')).toEqual([{ kind: 'phrase', tokens: ['党费'] }]);
    expect(queryTerms('按时交党费')).toEqual([{ kind: 'phrase', tokens: ['按时', '时交', '交党', '党费'] }]);
    expect(queryTerms('党')).toEqual([{ kind: 'prefix', token: '党' }]);
    expect(queryTerms('Kite 2026')).toEqual([{ kind: 'prefix', token: 'kite' }, { kind: 'prefix', token: '2026' }]);
  });

  it('treats quotes, stars, OR, brackets and other signs as separators, and cuts long queries', () => {
    expect(queryTerms('"党费" OR * (NEAR) -x')).toEqual([
      { kind: 'phrase', tokens: ['党费'] },
      { kind: 'prefix', token: 'or' },
      { kind: 'prefix', token: 'near' },
      { kind: 'phrase', tokens: ['x'] },
    ]);
    expect(queryTerms('*"()^:')).toEqual([]);
    expect(queryTerms('党费 '.repeat(400))).toHaveLength(1); // a repeated word counts once
    expect(queryTerms(Array.from({ length: 400 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_TERMS);
    const long = queryTerms('流'.repeat(2000));
    expect(long).toHaveLength(1);
    expect((long[0] as { tokens: string[] }).tokens.length).toBeLessThanOrEqual(32);
    // Every token is letters and digits only: nothing reaches FTS5 or tsquery as syntax.
    for (const term of queryTerms(`a'b"c*d:e&f|g!h<->i\\j`)) for (const token of term.kind === 'phrase' ? term.tokens : [term.token]) expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
  });

  it('snippets the text around the first match', () => {
    const text = `${'前面的话'.repeat(30)}请按时交党费${'后面的话'.repeat(30)}`;
    const snippet = snippetOf(text, '党费', 40);
    expect(snippet).toContain('党费');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(42);
    expect(snippetOf('short', 'x')).toBe('short');
  });
});
