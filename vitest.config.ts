import { defineConfig } from 'vitest/config';

// The integration suite runs twice, once per database. Each test file starts its own servers with
// their own SQLite file or PostgreSQL schema and Redis key prefix, so files run in parallel safely.
//
// Groups run one after another (sequence.groupOrder), each with its own number of files at once. Vitest's default
// is one file at a time on this 2-core machine (cores - 1), but the unit and integration files wait on sockets,
// timers and the databases far more than they compute: they run three at once. The browser tests compute (Chromium
// renders every page): two at once take 1.6 times as long each, still less in all than one at a time. The
// resilience suite follows with nothing else beside it, two files at once, and last, one at a time, the two whose
// figures are times against a bound or a baseline: revocation within 1 s (R5) and an honest member's acks during a
// flood against before it (R7).
const TIMED = ['tests/resilience/revocation.test.ts', 'tests/resilience/malformed.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], maxWorkers: 3 } },
      { extends: true, test: { name: 'sqlite', include: ['tests/integration/**/*.test.ts'], env: { TEST_DB: 'sqlite' }, maxWorkers: 3 } },
      { extends: true, test: { name: 'postgres', include: ['tests/integration/**/*.test.ts'], env: { TEST_DB: 'postgres' }, maxWorkers: 3 } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 120_000, maxWorkers: 2, sequence: { groupOrder: 1 } } },
      // Faults and attacks with figures (docs/reliability.md): real processes, real Redis of the test's own where one is broken.
      { extends: true, test: { name: 'resilience', include: ['tests/resilience/**/*.test.ts', 'tests/scale/**/*.test.ts'], exclude: TIMED, env: { TEST_DB: 'sqlite' }, maxWorkers: 2, sequence: { groupOrder: 2 } } },
      { extends: true, test: { name: 'resilience-timed', include: TIMED, env: { TEST_DB: 'sqlite' }, maxWorkers: 1, sequence: { groupOrder: 3 } } },
    ],
  },
});
