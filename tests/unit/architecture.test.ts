import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The floors of the house (docs/architecture.md), checked on the import statements of every file. */
const ROOT = join(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const source = readFileSync(join(ROOT, path), 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

const resolved = (from: string, spec: string) => (spec.startsWith('.') ? relative(ROOT, join(ROOT, from, '..', spec)) : spec);

describe('architecture', () => {
  it('the domain, the commands and the notifications never import Express, Socket.IO, knex, Redis or BullMQ', () => {
    const banned = /^(express|socket\.io|knex|ioredis|redis|bullmq|pg|sqlite3)(\/|$)/;
    const offenders = [...files('server/domain'), ...files('server/commands'), ...files('server/notifications')].flatMap((file) =>
      importsOf(file)
        .filter((spec) => banned.test(spec) || /^server\/(realtime|http|db\/database|app)/.test(resolved(file, spec)))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('server/contract/ is neutral: it imports nothing but itself', () => {
    const offenders = files('server/contract').flatMap((file) => importsOf(file).filter((spec) => !spec.startsWith('./')).map((spec) => `${file} imports ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('the client imports from the server only its neutral contract module', () => {
    const offenders = files('client/src').flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.') && resolved(file, spec).startsWith('server/') && !resolved(file, spec).startsWith('server/contract/'))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('routes and socket handlers depend on the services, never on app.ts or the database', () => {
    const offenders = [...files('server/http/routes'), ...files('server/realtime/handlers')].flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^server\/(app|db\/|composition)/.test(resolved(file, spec)) || /^(knex)$/.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('nothing outside the policy module decides who may act on whom', () => {
    // The only refusals thrown elsewhere: a foreign Origin (CSRF, not a person's right) and the guest's
    // socket gate and room refusals, which apply the policy's own answers.
    const allowed = new Set(['server/domain/policy.ts', 'server/errors.ts', 'server/http/httpApp.ts', 'server/realtime/io.ts', 'server/domain/chat.ts']);
    const offenders = files('server').filter((file) => !allowed.has(file) && /\bforbidden\(/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('no source file grows past ~400 lines without a reason', () => {
    const reasons: Record<string, string> = {};
    const long = [...files('server'), ...files('client/src')].filter((file) => !reasons[file] && readFileSync(join(ROOT, file), 'utf8').split('\n').length > 420);
    expect(long).toEqual([]);
  });
});
