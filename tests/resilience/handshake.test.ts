import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../server/domain/auth';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const ATTEMPTS = 25;

/** Tries to open a socket; resolves with what happened (never hangs: the client gives up after 5 s). */
function attempt(url: string, transport: 'websocket' | 'polling', auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<'connected' | string> {
  const socket = io(url, { transports: [transport], auth, extraHeaders: headers, reconnection: false, forceNew: true, timeout: 5000 });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

async function storeToken(userId: number, fields: { expiresAt: string; revokedAt?: string }): Promise<string> {
  const token = `ks_${randomBytes(32).toString('base64url')}`;
  await env.server.db.knex('auth_tokens').insert({ user_id: userId, token_hash: hashToken(token), created_at: new Date().toISOString(), expires_at: fields.expiresAt, revoked_at: fields.revokedAt ?? null });
  return token;
}

describe('R6: handshakes that must be refused', () => {
  it('no, empty, forged, expired, revoked and malformed credentials and a foreign Origin are refused before `connection`, over websocket and polling', async () => {
    let connections = 0;
    env.server.app.io.on('connection', () => connections++);
    const alice = env.d.alice;
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 3600_000).toISOString();
    const cases: Array<{ name: string; auth: Record<string, unknown>; headers?: Record<string, string> }> = [
      { name: 'no credential', auth: {} },
      { name: 'empty token', auth: { token: '' } },
      { name: 'forged token', auth: { token: `ks_${randomBytes(32).toString('base64url')}` } },
      { name: 'a token of another shape', auth: { token: { $ne: null } } },
      { name: 'a 10,000-character token', auth: { token: 'k'.repeat(10_000) } },
      { name: 'expired token', auth: { token: await storeToken(alice.user.id, { expiresAt: past }) } },
      { name: 'revoked token', auth: { token: await storeToken(alice.user.id, { expiresAt: future, revokedAt: past }) } },
      { name: 'forged guest link', auth: { guestToken: randomBytes(24).toString('base64url') } },
      { name: 'a live token from a foreign Origin', auth: { token: alice.token }, headers: { origin: 'http://evil.example' } },
    ];
    const figures: string[] = [];
    let refused = 0;
    for (const transport of ['websocket', 'polling'] as const) {
      for (const c of cases) {
        const outcomes = await Promise.all(Array.from({ length: ATTEMPTS }, () => attempt(env.server.url, transport, c.auth, c.headers)));
        const wrong = outcomes.filter((o) => o === 'connected');
        expect(wrong, `${c.name} over ${transport}`).toEqual([]);
        expect(new Set(outcomes), `${c.name} over ${transport}`).toEqual(new Set(['unauthorized']));
        refused += outcomes.length;
      }
      figures.push(`${transport}: ${cases.length * ATTEMPTS} refused`);
    }
    expect(connections).toBe(0);
    // The same server lets the member in with the live token (over both transports).
    expect(await attempt(env.server.url, 'websocket', { token: alice.token })).toBe('connected');
    expect(await attempt(env.server.url, 'polling', { token: alice.token })).toBe('connected');
    expect(connections).toBe(2);
    console.info(`R6 handshakes: ${refused} of ${refused} refused before connection (${figures.join(', ')}); 0 connection events for them`);
  });
});
