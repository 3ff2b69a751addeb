import { defineConfig } from 'vitest/config';

// The integration suite runs twice, once per database. Each test file starts its own servers with
// their own SQLite file or PostgreSQL schema and Redis key prefix, so files run in parallel safely.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'sqlite', include: ['tests/integration/**/*.test.ts'], env: { TEST_DB: 'sqlite' } } },
      { extends: true, test: { name: 'postgres', include: ['tests/integration/**/*.test.ts'], env: { TEST_DB: 'postgres' } } },
      // Faults and attacks with figures (docs/reliability.md): real processes, real Redis of the test's own where one is broken.
      { extends: true, test: { name: 'resilience', include: ['tests/resilience/**/*.test.ts'], env: { TEST_DB: 'sqlite' } } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 90_000, fileParallelism: false } },
    ],
  },
});
