import { afterAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/contract/errors';
import { api, connect, ok, sleep, type TestSocket } from '../helpers/clients';
import { buildDistrict, createMembersFast, type District, type Person } from '../helpers/district';
import { createDatabase } from '../../server/db/database';
import { createTestStore, PG_URL, startTestServer, type TestServer, type TestStore } from '../helpers/server';

// R17: the database refuses writes (SQLite read-only, SQLite disk full) or drops its connections (PostgreSQL
// backends terminated) in the middle of a chat run. Clients get `unavailable`, the server keeps serving and
// recovers by itself when storage is back, and every message it acked is stored exactly once.

const SENDERS = 12;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean().catch(() => {});
});

interface Outcome {
  acked: Map<string, number>; // clientId → stored message id
  errorCodes: Map<string, number>;
  errorsDuringFault: number;
  sendsDuringFault: number;
  okDuringFault: number;
  httpDuringFault: Array<{ status: number; code?: string }>;
  resent: number;
}

/**
 * A member's client with an outbox, as the real client keeps one: messages go out in order, one in flight
 * at a time; a refused one stays at the head of the outbox and is sent again, with the same clientId.
 */
async function chatRun(server: TestServer, senders: Array<{ socket: TestSocket; person: Person }>, roomId: string, faults: Array<{ name: string; on(): Promise<void>; off(): Promise<void> }>, phaseMs: number): Promise<Outcome & { byFault: Record<string, { sends: number; errors: number; codes: string[]; http: string[] }> }> {
  const out: Outcome = { acked: new Map(), errorCodes: new Map(), errorsDuringFault: 0, sendsDuringFault: 0, okDuringFault: 0, httpDuringFault: [], resent: 0 };
  const byFault: Record<string, { sends: number; errors: number; codes: string[]; http: string[] }> = {};
  let current: string | null = null;
  let stop = false;
  const loops = senders.map(async ({ socket, person }, s) => {
    let n = 0;
    const outbox: string[] = [];
    const triedBefore = new Set<string>();
    while (!stop || outbox.length > 0) {
      if (!stop) outbox.push(`r17-${s}-${n++}`);
      const clientId = outbox[0];
      if (triedBefore.has(clientId)) out.resent++;
      triedBefore.add(clientId);
      const during = current;
      let ack: Ack<any>;
      try {
        ack = await (socket.timeout(20_000) as any).emitWithAck('chat:send', { roomId, clientId, body: `r17 message ${clientId} from ${person.user.id}` });
      } catch {
        ack = { ok: false, error: { code: 'no_ack' as any, message: 'no ack within 20 s' } };
      }
      if (during) {
        byFault[during].sends++;
        out.sendsDuringFault++;
      }
      if (ack.ok) {
        out.acked.set(clientId, ack.data.message.id);
        outbox.shift();
        if (during) out.okDuringFault++;
      } else {
        out.errorCodes.set(ack.error.code, (out.errorCodes.get(ack.error.code) ?? 0) + 1);
        if (during) {
          out.errorsDuringFault++;
          byFault[during].errors++;
          if (!byFault[during].codes.includes(ack.error.code)) byFault[during].codes.push(ack.error.code);
        }
        await sleep(50); // the client's back-off before the outbox tries again
      }
      await sleep(10);
    }
  });
  await sleep(phaseMs);
  for (const fault of faults) {
    byFault[fault.name] = { sends: 0, errors: 0, codes: [], http: [] };
    await fault.on();
    current = fault.name;
    await sleep(phaseMs / 2);
    // Writes over HTTP meet the same fault (a member changing their own location, a member opening a discussion).
    const who = senders[0].person;
    for (let i = 0; i < 3; i++) {
      const res = i === 0
        ? await api(server.url, 'PATCH', `/api/members/${who.user.id}`, { token: who.token, body: { location: `r17 ${fault.name}` } })
        : await api(server.url, 'POST', '/api/discussions', { token: who.token, body: { orgId: who.user.branchId, title: `r17 ${fault.name} ${i}`, body: longText(12_000) } });
      byFault[fault.name].http.push(`${res.status} ${res.body?.error?.code ?? 'ok'}`);
      out.httpDuringFault.push({ status: res.status, code: res.body?.error?.code });
    }
    await sleep(phaseMs / 2);
    current = null;
    await fault.off();
    await sleep(phaseMs); // recovery, without a restart
  }
  stop = true;
  await Promise.all(loops);
  return { ...out, byFault };
}

/** Text that fills several pages of the database (no two words alike, so it takes its room in the search index too). */
const longText = (chars: number) => Array.from({ length: Math.ceil(chars / 9) }, () => Math.random().toString(36).slice(2, 10)).join(' ').slice(0, chars);

async function verify(server: TestServer, roomId: string, out: Outcome) {
  const rows: Array<{ id: number; client_id: string; seq: number }> = await server.db.knex('messages').where({ room_id: roomId }).select('id', 'client_id', 'seq').orderBy('seq');
  const byClientId = new Map<string, number>();
  for (const r of rows) byClientId.set(r.client_id, (byClientId.get(r.client_id) ?? 0) + 1);
  const lost = [...out.acked].filter(([clientId, id]) => !rows.some((r) => r.id === id && r.client_id === clientId));
  const twice = [...byClientId].filter(([, n]) => n > 1);
  const gaps = rows.filter((r, i) => r.seq !== rows[0].seq + i).length;
  return { stored: rows.length, lost: lost.length, twice: twice.length, gaps };
}

async function setUp(store: TestStore): Promise<{ server: TestServer; d: District; senders: Array<{ socket: TestSocket; person: Person }>; roomId: string }> {
  const server = await startTestServer(store);
  cleanups.push(async () => {
    await server.close();
    await store.destroy();
  });
  const d = await buildDistrict(server.url, server.db);
  const people = await createMembersFast(server.db, d.branchA.id, SENDERS, `r17${store.kind}`);
  const senders = await Promise.all(people.map(async (person) => ({ person, socket: await connect(server.url, { token: person.token }) })));
  cleanups.push(async () => senders.forEach((s) => s.socket.close()));
  return { server, d, senders, roomId: `org:${d.branchA.id}` };
}

function summary(kind: string, out: Awaited<ReturnType<typeof chatRun>>, check: Awaited<ReturnType<typeof verify>>, healthy: string) {
  const faults = Object.entries(out.byFault).map(([name, f]) => `${name}: ${f.errors} of ${f.sends} sends refused (${f.codes.join(', ') || 'none'}), HTTP writes ${f.http.join(', ')}`);
  return `R17 ${kind}: ${faults.join('; ')}; after recovery (no restart): ${out.acked.size} acked, ${out.resent} resends from the outbox, ${check.stored} stored, ${check.lost} acked lost, ${check.twice} stored twice, ${check.gaps} seq gaps; healthz ${healthy}`;
}

describe('R17: storage faults mid-run', () => {
  it('SQLite read-only and disk full: `unavailable`, no crash, recovery without restart, nothing acked lost', async () => {
    const { server, senders, roomId } = await setUp(createTestStore('sqlite'));
    // Both faults are SQLite's own refusals on the server's writer connection (the pool has exactly one):
    // `query_only` is what a read-only database file gives (SQLITE_READONLY; a chmod does not reach a file a
    // running server holds open), `max_page_count` at the current size is a full disk (SQLITE_FULL) for every write that needs a page.
    const pragma = async (sql: string) => (await server.db.knex.raw(sql)) as Array<Record<string, number>>;
    const [{ max_page_count: maxPages }] = await pragma('PRAGMA max_page_count');
    const faults = [
      { name: 'read-only', on: () => pragma('PRAGMA query_only = ON').then(() => {}), off: () => pragma('PRAGMA query_only = OFF').then(() => {}) },
      {
        name: 'disk full',
        on: async () => {
          const [{ page_count: pages }] = await pragma('PRAGMA page_count');
          await pragma(`PRAGMA max_page_count = ${pages}`);
        },
        off: () => pragma(`PRAGMA max_page_count = ${maxPages}`).then(() => {}),
      },
    ];
    const out = await chatRun(server, senders, roomId, faults, 1500);
    const check = await verify(server, roomId, out);
    const health = await api(server.url, 'GET', '/healthz');
    console.info(summary('SQLite', out, check, `${health.status}`));
    for (const [name, f] of Object.entries(out.byFault)) {
      expect(f.errors, `${name}: writes refused`).toBeGreaterThan(0);
      expect(f.codes, `${name}: error codes`).toEqual(['unavailable']);
      // A write the fault reaches is refused as `unavailable`; on a full disk one that needs no new page still goes through.
      expect(f.http.filter((h) => !/^(503 unavailable|20[01] ok)$/.test(h)), `${name}: HTTP writes`).toEqual([]);
      expect(f.http.filter((h) => h === '503 unavailable').length, `${name}: HTTP writes refused`).toBeGreaterThan(0);
    }
    expect(check.lost).toBe(0);
    expect(check.twice).toBe(0);
    expect(check.gaps).toBe(0);
    expect(check.stored).toBe(out.acked.size);
    expect(health.status).toBe(200);
  }, 60_000);

  it('PostgreSQL backends terminated again and again: `unavailable`, no crash, recovery without restart, nothing acked lost', async () => {
    const store = createTestStore('postgres');
    // The server's connections carry a name of this test's own, so only they are terminated (the database is shared).
    const appName = `r17_${store.keyPrefix}`;
    const scoped: TestStore = { ...store, databaseUrl: `${store.databaseUrl}&application_name=${appName}` };
    const { server, senders, roomId } = await setUp(scoped);
    const admin = createDatabase(PG_URL);
    cleanups.push(() => admin.close());
    let killing: NodeJS.Timeout | undefined;
    let terminated = 0;
    const terminate = async () => {
      const res = await admin.knex.raw('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()', [appName]);
      terminated += (res.rows as Array<{ done: boolean }>).filter((r) => r.done).length;
    };
    const faults = [
      {
        name: 'backends terminated every 100 ms',
        on: async () => {
          await terminate();
          killing = setInterval(() => void terminate().catch(() => {}), 100);
        },
        off: async () => clearInterval(killing),
      },
    ];
    const out = await chatRun(server, senders, roomId, faults, 1500);
    const check = await verify(server, roomId, out);
    const health = await api(server.url, 'GET', '/healthz');
    console.info(`${summary('PostgreSQL', out, check, `${health.status}`)}; ${terminated} backends terminated`);
    const f = out.byFault['backends terminated every 100 ms'];
    expect(terminated).toBeGreaterThan(0);
    expect(f.errors).toBeGreaterThan(0);
    expect(f.codes).toEqual(['unavailable']);
    expect(f.http.filter((h) => !/^(503 unavailable|20[01] ok)$/.test(h))).toEqual([]);
    expect(check.lost).toBe(0);
    expect(check.twice).toBe(0);
    expect(check.gaps).toBe(0);
    expect(check.stored).toBe(out.acked.size);
    expect(health.status).toBe(200);
  }, 60_000);
});
