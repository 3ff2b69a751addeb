import { afterAll, beforeAll } from 'vitest';
import { connect, type TestSocket } from './clients';
import { buildDistrict, type District } from './district';
import type { Clock } from '../../server/domain/ports';
import { createTestStore, startTestServer, type TestServer, type TestStore } from './server';

export interface DistrictEnv {
  store: TestStore;
  /** The running server; a test may replace it (restart) and the cleanup closes the current one. */
  server: TestServer;
  d: District;
  /** Opens a socket as `person` on `server` (default: the env's), closed after the file. */
  as(person: { token: string }, server?: { url: string }): Promise<TestSocket>;
  /** Closes these sockets after the file too. */
  track(...sockets: TestSocket[]): void;
}

/**
 * Registers the usual file-level set-up: a private store, one server on it, the test district;
 * everything closed and deleted after the file.
 */
export function useDistrictServer(options: { clock?: Clock; env?: Record<string, string> } = {}): DistrictEnv {
  const sockets: TestSocket[] = [];
  const env = {
    async as(person: { token: string }, server?: { url: string }) {
      const socket = await connect((server ?? env.server).url, { token: person.token });
      sockets.push(socket);
      return socket;
    },
    track: (...more: TestSocket[]) => void sockets.push(...more),
  } as DistrictEnv;
  beforeAll(async () => {
    env.store = createTestStore();
    env.server = await startTestServer(env.store, options);
    env.d = await buildDistrict(env.server.url, env.server.db);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await env.server?.close();
    await env.store?.destroy();
  });
  return env;
}
