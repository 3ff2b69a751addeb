import { describe, expect, it } from 'vitest';
import { api, collect, next, ok, request, type TestSocket } from '../helpers/clients';
import type { Person } from '../helpers/district';
import { addMember } from '../helpers/members';
import { useDistrictServer } from '../helpers/setup';

/**
 * R4: 10,000 fuzzed cross-unit attempts. Members and organizers of one unit try the rooms, meetings,
 * members, calls and transfers of units they are not under (PROTOCOL "Roles": a sibling branch, another
 * committee, and an organizer on the general-branch organizer who lives in his branch): join, history,
 * send, typing, delete, read marks, signal, invite, take a call, sign-up, watch, attendance over Socket.IO;
 * card, ledger, rates, corrections, cash payments, arrears, member lists and edits, deactivation,
 * transfers (request, approve, return, withdraw, read) over HTTP. Ids and room ids are varied (exact,
 * zero-padded, other case, other prefixes, padded, suffixed). Every answer must be an error with a stable code,
 * hold none of the other unit's data (canary strings planted in its names, e-mails, messages, titles,
 * references and reasons), no event of a refused room or call may reach an attacker's socket (while the
 * units' own members talk, type and signal there), and nothing may be written.
 */
const env = useDistrictServer();
const ATTEMPTS = Number(process.env.RESILIENCE_CROSS_UNIT ?? 10_000);
const SEED = Number(process.env.RESILIENCE_SEED ?? Date.now() % 1_000_000);
const CODES = ['invalid', 'forbidden', 'not_found', 'conflict', 'too_large'];

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with RESILIENCE_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

/** What one side of the district owns, as an attacker from elsewhere would aim at it. */
interface World {
  name: string;
  canaries: string[];
  rooms: string[];
  orgIds: number[];
  members: Person[];
  meetings: number[];
  calls: string[];
  transfers: number[];
  messageIds: number[];
  /** A legitimate socket per room, listening. */
  listeners: Array<{ socket: TestSocket; roomId: string; can: string }>;
}

const period = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);

describe('R4: cross-unit attempts', () => {
  it('10,000 fuzzed attempts on rooms, meetings, members, calls and transfers of units the attacker is not under: all refused with a code, 0 leaks, 0 events, nothing written', async () => {
    const url = env.server.url;
    const { admin, committee, general, branchA, branchB, orgA, orgB, genOrg, alice, amy, bob } = env.d;
    const tag = Math.random().toString(36).slice(2, 8);
    const canA = `kanary${tag}a`;
    const canC = `kanary${tag}c`;
    const post = async (path: string, token: string, body: unknown, status = 201) => {
      const res = await api(url, 'POST', path, { token, body });
      if (res.status !== status) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };

    // ── The district: committee ─ general ─ A (orgA; genOrg lives here), A2, B (orgB, bob); committee 2 ─ C (orgC), C2.
    const branchA2 = (await post('/api/orgs', admin.token, { name: `A2 ${tag}`, kind: 'branch', parentId: general.id })).org;
    const committee2 = (await post('/api/orgs', admin.token, { name: `Committee2 ${tag}`, kind: 'committee' })).org;
    const branchC = (await post('/api/orgs', admin.token, { name: `C ${tag}`, kind: 'branch', parentId: committee2.id })).org;
    const branchC2 = (await post('/api/orgs', admin.token, { name: `C2 ${tag}`, kind: 'branch', parentId: committee2.id })).org;
    const annA = await addMember(url, admin, branchA.id, `Ann ${canA}`);
    const abeA = await addMember(url, admin, branchA.id, `Abe ${canA}`);
    const orgC = await addMember(url, admin, branchC.id, `OrgC ${canC}`);
    const cidC = await addMember(url, admin, branchC.id, `Cid ${canC}`);
    const cyC = await addMember(url, admin, branchC.id, `Cy ${canC}`);
    const carol = await addMember(url, admin, branchC2.id, `Carol ${canC}`);
    await post(`/api/orgs/${branchC.id}/organizers`, admin.token, { userId: orgC.user.id }, 204);

    // ── What each side owns: messages, a host-only meeting with its room, a ledger, a pending transfer, a live call.
    const world = async (w: { name: string; can: string; branch: number; rooms: Array<{ roomId: string; by: Person }>; orgIds: number[]; members: Person[]; host: Person; a: Person; b: Person; to: number }): Promise<World> => {
      const meeting = (await post('/api/meetings', w.host.token, { hostOrgId: w.branch, title: `Host only ${w.can}`, startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), capacity: 10, openTo: 'host' })).meeting;
      const aS = await env.as(w.a);
      const bS = await env.as(w.b);
      await ok(aS, 'meeting:signup', { meetingId: meeting.id });
      const rooms = [...w.rooms, { roomId: `meeting:${meeting.id}`, by: w.a }];
      const messageIds: number[] = [];
      for (const r of rooms) {
        const s = r.by === w.a ? aS : await env.as(r.by);
        for (let i = 0; i < 5; i++) messageIds.push((await ok(s, 'chat:send', { roomId: r.roomId, clientId: `seed-${i}`, body: `secret ${w.can} ${i}` })).message.id);
      }
      await api(url, 'PUT', `/api/dues/rates/${w.a.user.id}`, { token: w.host.token, body: { monthlyAmount: 5000 } });
      await post('/api/dues/payments', w.a.token, { period, amount: 5000, reference: `ref-${w.can}` });
      const transfer = (await post('/api/transfers', w.host.token, { memberId: w.a.user.id, toBranchId: w.to, reason: `reason ${w.can}` })).transfer;
      const ringing = next(bS, 'call:incoming');
      const { callId } = await ok(aS, 'call:invite', { userId: w.b.user.id });
      await ringing;
      await ok(bS, 'call:accept', { callId });
      // A legitimate listener and talker in every room: the member with a seat (no attacker).
      for (const r of rooms) await ok(aS, 'room:join', { roomId: r.roomId });
      return {
        name: w.name,
        canaries: [w.can, ...w.members.map((m) => m.user.email.toLowerCase())],
        rooms: rooms.map((r) => r.roomId),
        orgIds: w.orgIds,
        members: w.members,
        meetings: [meeting.id],
        calls: [callId],
        transfers: [transfer.id],
        messageIds,
        listeners: rooms.map((r) => ({ socket: aS, roomId: r.roomId, can: w.can })),
      };
    };
    const A = await world({ name: 'branch A', can: canA, branch: branchA.id, rooms: [{ roomId: `org:${branchA.id}`, by: annA }], orgIds: [branchA.id, branchA2.id], members: [annA, abeA, alice], host: orgA, a: annA, b: abeA, to: branchA2.id });
    const C = await world({ name: 'committee 2', can: canC, branch: branchC.id, rooms: [{ roomId: `org:${branchC.id}`, by: cidC }, { roomId: `org:${committee2.id}`, by: orgC }], orgIds: [branchC.id, branchC2.id, committee2.id], members: [cidC, cyC, carol, orgC], host: orgC, a: cidC, b: cyC, to: branchC2.id });
    // Committee 1's upper rooms, which committee 2's people may not use (the admin talks there).
    const topS = await env.as(admin);
    const topIds: number[] = [];
    for (const roomId of [`org:${general.id}`, `org:${committee.id}`]) {
      await ok(topS, 'room:join', { roomId });
      for (let i = 0; i < 5; i++) topIds.push((await ok(topS, 'chat:send', { roomId, clientId: `top-${i}`, body: `secret ${canA} top ${i}` })).message.id);
    }
    const TOP: World = { name: 'committee 1 above the branches', canaries: [canA, genOrg.user.email.toLowerCase(), alice.user.email.toLowerCase()], rooms: [`org:${general.id}`, `org:${committee.id}`], orgIds: [committee.id, general.id], members: [genOrg, alice], meetings: [], calls: [], transfers: [], messageIds: topIds, listeners: [`org:${general.id}`, `org:${committee.id}`].map((roomId) => ({ socket: topS, roomId, can: canA })) };
    // The general-branch organizer, who lives in branch A: above orgA, so orgA acts on nothing of hers.
    const SUP: World = { name: 'a superior', canaries: [genOrg.user.email.toLowerCase()], rooms: [], orgIds: [general.id], members: [genOrg], meetings: [], calls: [], transfers: [], messageIds: [], listeners: [] };

    // ── The attackers, each with the worlds it is not under, and its own branch room.
    const attackers = [
      { name: 'bob', p: bob, own: `org:${branchB.id}`, branch: branchB.id, targets: [A, C] },
      { name: 'orgB', p: orgB, own: `org:${branchB.id}`, branch: branchB.id, targets: [A, C] },
      { name: 'orgC', p: orgC, own: `org:${branchC.id}`, branch: branchC.id, targets: [A, TOP] },
      { name: 'carol', p: carol, own: `org:${branchC2.id}`, branch: branchC2.id, targets: [A, TOP] },
      { name: 'alice', p: alice, own: `org:${branchA.id}`, branch: branchA.id, targets: [C] },
      { name: 'amy', p: amy, own: `org:${branchA.id}`, branch: branchA.id, targets: [C] },
      { name: 'orgA', p: orgA, own: `org:${branchA.id}`, branch: branchA.id, targets: [C, SUP] },
      { name: 'genOrg', p: genOrg, own: `org:${general.id}`, branch: branchA.id, targets: [C] },
    ].map((a) => ({ ...a, sockets: [] as TestSocket[], events: [] as Array<{ event: string; args: unknown[] }> }));
    for (const a of attackers) {
      for (let k = 0; k < 2; k++) {
        const socket = await env.as(a.p);
        socket.onAny((event, ...args) => a.events.push({ event, args }));
        // In its own room, so it hears that room's live events (proof that it listens) beside the attempts.
        await ok(socket, 'room:join', { roomId: a.own });
        a.sockets.push(socket);
      }
    }
    const attackerIds = new Set(attackers.map((a) => a.p.user.id));

    // ── Legitimate listeners: what they hear from attackers (typing, deletions) would be a leak the other way.
    const heard = { typing: [] as Array<{ roomId: string; user: { id: number } }>, deleted: [] as unknown[], messages: [] as Array<{ author: { id: number } }> };
    for (const s of new Set([...A.listeners, ...C.listeners, ...TOP.listeners].map((l) => l.socket))) {
      s.on('chat:typing', (e) => heard.typing.push(e));
      s.on('chat:deleted', (e) => heard.deleted.push(e));
      s.on('chat:message', (m) => heard.messages.push(m));
    }

    // ── A snapshot of everything an attempt could write.
    const knex = env.server.db.knex;
    const snapshot = async () => {
      const dump = async (table: string, order = 'id') => JSON.stringify(await knex(table).orderBy(order));
      const users = await knex('users').orderBy('id').select('id', 'name', 'email', 'branch_id', 'role', 'active', 'timezone', 'mobile', 'location', 'language', 'in_transit', 'password_hash');
      return {
        users: JSON.stringify(users),
        organizers: JSON.stringify(await knex('org_organizers').orderBy(['org_id', 'user_id'])),
        signups: await dump('meeting_signups'),
        rates: await dump('dues_rates'),
        payments: await dump('dues_payments'),
        transfers: await dump('transfers'),
        steps: await dump('transfer_steps'),
        audit: await dump('audit_log'),
        calls: await dump('calls'),
        tokens: JSON.stringify(await knex('auth_tokens').orderBy('id').select('id', 'revoked_at')),
        reads: JSON.stringify(await knex('room_reads').whereIn('user_id', [...attackerIds])),
        deletedMessages: JSON.stringify(await knex('messages').whereNotNull('deleted_at').select('id')),
        attackerMessages: JSON.stringify(await knex('messages').whereIn('author_id', [...attackerIds]).select('id')),
      };
    };
    const before = await snapshot();

    // ── Background: the units' own people talk, type and signal while the attack runs.
    let stop = false;
    const legit = Promise.all(
      [...A.listeners, ...C.listeners, ...TOP.listeners].map(async ({ socket, roomId, can }, k) => {
        for (let i = 0; !stop; i++) {
          await ok(socket, 'chat:send', { roomId, clientId: `bg-${k}-${i}`, body: `live ${can} ${i}` });
          await ok(socket, 'chat:typing', { roomId });
          await new Promise((r) => setTimeout(r, 150));
        }
      }),
    );

    // ── The attempts.
    const rnd = prng(SEED);
    const roomVariant = (roomId: string) => {
      const [kind, id] = roomId.split(':');
      const v = rnd.int(20);
      if (v < 12) return roomId;
      return [`${kind}:0${id}`, `${kind.toUpperCase()}:${id}`, ` ${roomId}`, `${roomId}\n`, `${kind}:${id}.0`, `activity:${roomId}`, `${kind}:+${id}`, `${roomId}/`][v - 12];
    };
    const idVariant = (id: number) => {
      const v = rnd.int(16);
      if (v < 11) return String(id);
      return [`0${id}`, `${id}.0`, `%${id.toString(16).length === 1 ? '3' : ''}${String(id)}`, `+${id}`, `${id}%20`][v - 11];
    };
    type Attempt = { via: 'socket' | 'http'; what: string; run: () => Promise<{ ok: boolean; code: string; body: unknown }> };
    const socketAttempt = (socket: TestSocket, what: string, event: string, payload: unknown): Attempt => ({
      via: 'socket',
      what,
      run: async () => {
        const ack = (await request(socket, event as 'room:join', payload as { roomId: string }, 15_000)) as { ok: boolean; error?: { code: string }; data?: unknown };
        return { ok: ack.ok, code: ack.ok ? 'ok' : ack.error!.code, body: ack };
      },
    });
    const httpAttempt = (token: string, what: string, method: string, path: string, body?: unknown): Attempt => ({
      via: 'http',
      what,
      run: async () => {
        const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        let code = String(res.status);
        try {
          code = JSON.parse(text).error?.code ?? code;
        } catch {
          /* not JSON: e.g. a CSV, kept as text for the leak check */
        }
        return { ok: res.status < 400, code: res.status < 400 ? `ok ${res.status}` : code, body: text };
      },
    });
    const make = (i: number): Attempt => {
      const a = rnd.pick(attackers);
      const w = rnd.pick(a.targets);
      const s = rnd.pick(a.sockets);
      const t = a.p.token;
      const member = rnd.pick(w.members);
      const mid = idVariant(member.user.id);
      const org = () => rnd.pick(w.orgIds);
      const socketKinds: Array<() => Attempt> = [];
      if (w.rooms.length > 0) {
        const room = () => roomVariant(rnd.pick(w.rooms));
        socketKinds.push(
          () => socketAttempt(s, 'room:join', 'room:join', rnd.next() < 0.5 ? { roomId: room() } : { roomId: room(), since: rnd.int(3) }),
          () => socketAttempt(s, 'chat:history', 'chat:history', rnd.pick([{ roomId: room() }, { roomId: room(), limit: 200 }, { roomId: room(), afterSeq: 0 }, { roomId: room(), beforeSeq: 1_000_000 }])),
          () => socketAttempt(s, 'chat:send', 'chat:send', { roomId: room(), clientId: `atk-${i}`, body: `attack ${i}` }),
          () => socketAttempt(s, 'chat:typing', 'chat:typing', { roomId: room() }),
          () => socketAttempt(s, 'chat:delete', 'chat:delete', { roomId: room(), messageId: rnd.pick(w.messageIds) }),
          () => socketAttempt(s, 'chat:delete (own room, their message)', 'chat:delete', { roomId: a.own, messageId: rnd.pick(w.messageIds) }),
          () => socketAttempt(s, 'room:read', 'room:read', { roomId: room(), seq: 1 + rnd.int(5) }),
        );
      }
      if (w.calls.length > 0) {
        const callId = rnd.pick(w.calls);
        socketKinds.push(
          () => socketAttempt(s, 'call:signal', 'call:signal', { callId, signal: { type: 'offer', sdp: `attack ${i}` } }),
          () => socketAttempt(s, rnd.pick(['call:accept', 'call:hangup', 'call:rejoin', 'call:decline']), 'call:accept', { callId }),
        );
      }
      if (w !== SUP) socketKinds.push(() => socketAttempt(s, 'call:invite', 'call:invite', { userId: member.user.id }));
      if (w.meetings.length > 0) {
        const meetingId = rnd.pick(w.meetings);
        socketKinds.push(
          () => socketAttempt(s, 'meeting:signup', 'meeting:signup', { meetingId }),
          () => socketAttempt(s, 'meeting:watch', 'meeting:watch', { meetingId }),
          () => socketAttempt(s, 'meeting:attend', 'meeting:attend', { meetingId, userId: w.members[0].user.id }),
        );
      }
      const httpKinds: Array<() => Attempt> = [
        () => httpAttempt(t, 'card', 'GET', `/api/members/${mid}/card${rnd.next() < 0.3 ? '?format=csv' : ''}`),
        () => httpAttempt(t, 'member', 'GET', `/api/members/${mid}`),
        () => httpAttempt(t, 'member edit', 'PATCH', `/api/members/${mid}`, rnd.pick([{ name: `x${i}` }, { location: 'x' }, { email: `x${i}@x.example` }])),
        () => httpAttempt(t, 'deactivate', 'DELETE', `/api/members/${mid}`),
        () => httpAttempt(t, 'ledger', 'GET', `/api/dues/members/${mid}`),
        () => httpAttempt(t, 'ledger payments', 'GET', `/api/dues/payments?userId=${mid}`),
        () => httpAttempt(t, 'rate', 'PUT', `/api/dues/rates/${mid}`, { monthlyAmount: rnd.int(10_000) }),
        () => httpAttempt(t, 'correction', 'POST', '/api/dues/corrections', { userId: member.user.id, period, amount: -100 - rnd.int(1000), note: 'x' }),
        () => httpAttempt(t, 'cash payment', 'POST', `/api/dues/members/${mid}/payments`, { period, amount: 100 + rnd.int(1000) }),
        () => httpAttempt(t, 'arrears', 'GET', `/api/dues/arrears?orgId=${org()}&period=${period}${rnd.next() < 0.3 ? '&format=csv' : ''}`),
        () => httpAttempt(t, 'member list', 'GET', `/api/members?orgId=${org()}`),
        () => httpAttempt(t, 'lost contact', 'GET', `/api/members/lost-contact?orgId=${org()}`),
        () => httpAttempt(t, 'transfer request', 'POST', '/api/transfers', { memberId: member.user.id, toBranchId: rnd.pick([a.branch, branchA2.id, branchC2.id, branchB.id]), reason: 'x' }),
        () => httpAttempt(t, 'transfer list', 'GET', `/api/transfers?orgId=${org()}`),
      ];
      if (w.transfers.length > 0) {
        const tid = idVariant(rnd.pick(w.transfers));
        httpKinds.push(
          () => httpAttempt(t, 'transfer read', 'GET', `/api/transfers/${tid}`),
          () => httpAttempt(t, 'transfer approve', 'POST', `/api/transfers/${tid}/approve`, {}),
          () => httpAttempt(t, 'transfer return', 'POST', `/api/transfers/${tid}/return`, { note: 'x' }),
          () => httpAttempt(t, 'transfer withdraw', 'POST', `/api/transfers/${tid}/withdraw`),
        );
      }
      if (w.meetings.length > 0) httpKinds.push(() => httpAttempt(t, 'sign-up list', 'GET', `/api/meetings/${idVariant(rnd.pick(w.meetings))}/signups`));
      // Seven in ten over the socket (the hot path), three in ten over HTTP.
      return socketKinds.length > 0 && rnd.next() < 0.7 ? rnd.pick(socketKinds)() : rnd.pick(httpKinds)();
    };
    const attempts = Array.from({ length: ATTEMPTS }, (_, i) => make(i));

    const codes: Record<string, number> = {};
    const byWhat: Record<string, number> = {};
    const wrong: string[] = [];
    const leaks: string[] = [];
    const allCanaries = [...new Set([A, C, TOP, SUP].flatMap((w) => w.canaries))];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage(); // the server and the attackers share this process
    let cursor = 0;
    const lane = async (via: 'socket' | 'http') => {
      while (cursor < attempts.length) {
        const attempt = attempts[cursor++];
        const out = await attempt.run();
        codes[out.code] = (codes[out.code] ?? 0) + 1;
        byWhat[attempt.what] = (byWhat[attempt.what] ?? 0) + 1;
        if (out.ok || !CODES.includes(out.code)) wrong.push(`${attempt.what}: ${out.code} ${JSON.stringify(out.body).slice(0, 200)}`);
        const text = (typeof out.body === 'string' ? out.body : JSON.stringify(out.body)).toLowerCase();
        const leaked = allCanaries.filter((c) => text.includes(c));
        if (leaked.length > 0) leaks.push(`${attempt.what}: ${leaked.join(', ')} in ${text.slice(0, 200)}`);
        void via;
      }
    };
    await Promise.all([...Array.from({ length: 80 }, () => lane('socket')), ...Array.from({ length: 20 }, () => lane('http'))]);
    const attackMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await legit;
    await new Promise((r) => setTimeout(r, 200));

    // ── No event of a refused room, meeting or call reached an attacker, and no attacker socket sits in one.
    const strayEvents: string[] = [];
    const strayRooms: string[] = [];
    for (const a of attackers) {
      const refused = new Set(a.targets.flatMap((w) => [...w.rooms, ...w.calls, ...w.meetings.map((m) => `meeting-watch:${m}`)]));
      const canaries = a.targets.flatMap((w) => w.canaries);
      for (const e of a.events) {
        const text = JSON.stringify(e).toLowerCase();
        const about = [...refused].filter((r) => text.includes(`"${r.toLowerCase()}"`));
        const leaked = canaries.filter((c) => text.includes(c));
        if (about.length > 0 || leaked.length > 0) strayEvents.push(`${a.name} got ${text.slice(0, 160)}`);
      }
      for (const s of a.sockets) {
        const server = env.server.app.io.of('/').sockets.get(s.id!);
        for (const room of server?.rooms ?? []) if (refused.has(room) || [...refused].some((r) => room === `activity:${r}`)) strayRooms.push(`${a.name} in ${room}`);
      }
    }
    const after = await snapshot();
    const changed = Object.keys(before).filter((k) => before[k as keyof typeof before] !== after[k as keyof typeof after]);
    const typedByAttackers = heard.typing.filter((e) => attackerIds.has(e.user.id)).length;
    const sentByAttackers = heard.messages.filter((m) => attackerIds.has(m.author.id)).length;
    const liveHeard = heard.messages.length;

    console.info(
      `R4 cross-unit: ${attempts.length} attempts (seed ${SEED}) in ${(attackMs / 1000).toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU of server and clients together) by ${attackers.length} attackers on ${[A, C, TOP, SUP].length} kinds of target: ` +
        `${JSON.stringify(byWhat)}; answers ${JSON.stringify(codes)}; not refused with a code: ${wrong.length}; leaks in answers: ${leaks.length}; ` +
        `events of refused rooms/calls at attackers: ${strayEvents.length} (of ${attackers.reduce((n, a) => n + a.events.length, 0)} events they got); attacker sockets in refused rooms: ${strayRooms.length}; ` +
        `typing/messages/deletions of attackers heard in the rooms: ${typedByAttackers}/${sentByAttackers}/${heard.deleted.length} (${liveHeard} live messages of the units' own people meanwhile); tables changed: ${changed.length ? changed.join(', ') : 'none'}`,
    );
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(leaks.slice(0, 20)).toEqual([]);
    expect(strayEvents.slice(0, 20)).toEqual([]);
    expect(strayRooms).toEqual([]);
    expect(typedByAttackers + sentByAttackers + heard.deleted.length).toBe(0);
    expect(changed).toEqual([]);
    expect(liveHeard).toBeGreaterThan(0);
  }, 120_000);
});
