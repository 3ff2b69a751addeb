import { defineConfig } from 'vitest/config';

// The integration suite runs twice, once per database. Each test file starts its own servers with
// their own SQLite file or PostgreSQL schema and Redis key prefix, so files run in parallel safely.
//
// Groups run one after another (sequence.groupOrder), each with its own number of files at once. Vitest's
// default is one file at a time on this 2-core machine (cores - 1), but most files wait on sockets, timers and
// the databases far more than they compute, so the first group runs three at once. Browser tests follow, two at
// once. The resilience suite runs last, on a machine no other test shares: its figures (event-loop delay, an
// honest member's ack under a flood, revocation within 1 s) are about the server, not about the other tests.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], maxWorkers: 3 } },
      { extends: true, test: { name: 'sqlite', include: ['tests/integration/**/*.test.ts'], env: { TEST_DB: 'sqlite' }, maxWorkers: 3 } },
      { extends: true, test: { name: 'postgres', include: ['tests/integration/**/*.test.ts'], env: { TEST_DB: 'postgres' }, maxWorkers: 3 } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 90_000, maxWorkers: 2, sequence: { groupOrder: 1 } } },
      // Faults and attacks with figures (docs/reliability.md): real processes, real Redis of the test's own where one is broken.
      { extends: true, test: { name: 'resilience', include: ['tests/resilience/**/*.test.ts'], env: { TEST_DB: 'sqlite' }, maxWorkers: 2, sequence: { groupOrder: 2 } } },
    ],
  },
});
