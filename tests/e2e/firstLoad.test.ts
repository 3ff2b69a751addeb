import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * The first load on a slow phone link: what the built client/dist/index.html makes the browser fetch before
 * anything is shown (the HTML, its module script and every module that script imports statically, module
 * preloads, stylesheets), gzipped as the server sends it (the `compression` middleware at zlib's default
 * level), stays within 60 KB. The heavy libraries (simple-peer for calls, the QR code generator) load on demand.
 */

const DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));
const BUDGET = 60 * 1024;

/** Distinctive strings of the on-demand libraries, as they stand in the built chunks. */
const HEAVY = {
  'simple-peer': ['ERR_WEBRTC_SUPPORT', 'ERR_ICE_CONNECTION_FAILURE'],
  'qrcode-generator': ['getBCHTypeInfo'],
};

function firstLoad(): { html: string; files: string[] } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const wanted = new Set<string>();
  const attr = (tag: string, name: string) => tag.match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`))?.[1];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
    const src = attr(tag, 'src');
    if (src) wanted.add(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const rel = attr(tag, 'rel') ?? '';
    const href = attr(tag, 'href');
    if (href && /\b(modulepreload|stylesheet|preload)\b/.test(rel)) wanted.add(href);
  }
  // A module's static imports load with it, preloaded or not (dynamic import(...) does not match here).
  const files: string[] = [];
  const queue = [...wanted].map((u) => posix.normalize(u.replace(/^\//, '')));
  while (queue.length) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(join(DIST, file), 'utf8');
    for (const [, spec] of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g)) {
      if (spec.startsWith('.') || spec.startsWith('/')) queue.push(spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(file), spec));
    }
    for (const [, spec] of code.matchAll(/\bexport\s*(?:\*|\{[^}]*\})\s*from\s*["']([^"']+)["']/g)) {
      if (spec.startsWith('.')) queue.push(posix.join(posix.dirname(file), spec));
    }
  }
  return { html, files };
}

describe('the first load', () => {
  it('is at most 60 KB gzipped, and simple-peer and the QR code library are not part of it', () => {
    expect(existsSync(join(DIST, 'index.html')), 'client/dist/index.html: build the client first (vite build)').toBe(true);
    const { html, files } = firstLoad();
    expect(files.some((f) => f.endsWith('.js')), 'a module script').toBe(true);
    expect(files.some((f) => f.endsWith('.css')), 'a stylesheet').toBe(true);

    const gz = (data: Buffer | string) => gzipSync(data).length; // zlib's default level, as `compression` uses
    const rows = [{ file: 'index.html', raw: Buffer.byteLength(html), gzip: gz(html), gzip9: gzipSync(html, { level: 9 }).length }];
    for (const file of files) {
      const data = readFileSync(join(DIST, file));
      rows.push({ file, raw: data.length, gzip: gz(data), gzip9: gzipSync(data, { level: 9 }).length });
    }
    const total = rows.reduce((n, r) => n + r.gzip, 0);
    const total9 = rows.reduce((n, r) => n + r.gzip9, 0);
    console.log(
      `first load: ${total} bytes gzipped (${(total / 1024).toFixed(1)} KB; ${total9} at level 9) of ${BUDGET}\n` +
        rows.map((r) => `  ${r.file}: ${r.raw} raw, ${r.gzip} gzipped`).join('\n'),
    );
    expect(total, `first load ${total} bytes gzipped`).toBeLessThanOrEqual(BUDGET);

    // The heavy libraries are in the build (so their marks are valid) but only in chunks loaded later.
    const all = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
    for (const [library, marks] of Object.entries(HEAVY)) {
      const holders = all.filter((f) => marks.some((mark) => readFileSync(join(DIST, f), 'utf8').includes(mark)));
      expect(holders.length, `${library} is not in the build at all (or its marks changed)`).toBeGreaterThan(0);
      expect(holders.filter((f) => files.includes(f)), `${library} in the first load`).toEqual([]);
      expect(files.filter((f) => /simple-?peer|qrcode/i.test(f)), 'no on-demand library chunk in the first load').toEqual([]);
    }
  });
});
