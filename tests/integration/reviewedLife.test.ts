import { describe, expect, it } from 'vitest';
import { api, collect, next, ok, request, sleep } from '../helpers/clients';
import { createMembersFast } from '../helpers/district';
import { addMember } from '../helpers/members';
import { useDistrictServer } from '../helpers/setup';

/**
 * A security review of member life across branches (issue 10, server side): transfers, signs of life,
 * training, the activity card and the audit log. Each test asserts the behaviour the contract asks for.
 */
const env = useDistrictServer();
const url = () => env.server.url;
const post = (path: string, token: string, body?: unknown) => api(url(), 'POST', path, { token, body: body ?? {} });
const get = (path: string, token: string) => api(url(), 'GET', path, { token });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function newBranch(name: string, parentId: number) {
  const res = await post('/api/orgs', env.d.admin.token, { name: `${name} ${Date.now()} ${Math.random().toString(36).slice(2, 6)}`, kind: 'branch', parentId });
  expect(res.status).toBe(201);
  return res.body.org as { id: number; name: string };
}

describe('transfers: who decides', () => {
  it('an organizer of the receiving branch cannot complete the transfer of their own superior', async () => {
    const { admin, genOrg, orgB } = env.d;
    // genOrg organizes the general branch (above branch B); their home is branch A.
    const t = (await post('/api/transfers', genOrg.token, { toBranchId: env.d.branchB.id, reason: 'moving house' })).body.transfer;
    expect((await post(`/api/transfers/${t.id}/approve`, admin.token)).status).toBe(200); // the sending side, from above
    // orgB is under genOrg: deciding on genOrg's transfer is acting on a superior.
    const view = (await get(`/api/transfers/${t.id}`, orgB.token)).body.transfer;
    const decided = await post(`/api/transfers/${t.id}/approve`, orgB.token, { note: 'welcome, boss' });
    expect({ mayDecide: view.mayDecide, status: decided.status }).toEqual({ mayDecide: false, status: 403 });
    expect((await post(`/api/transfers/${t.id}/return`, orgB.token, { note: 'no' })).status).toBe(403);
    // Clean up for the other tests: the admin decides.
    await post(`/api/transfers/${t.id}/return`, admin.token, { note: 'cleanup' });
  });

  it('a peer organizer of the receiving branch cannot complete the transfer of a fellow organizer of that branch', async () => {
    const { admin, orgA, orgB } = env.d;
    // The admin may appoint anyone: X lives in branch A and organizes branch B alongside orgB.
    const x = await addMember(url(), admin, env.d.branchA.id, 'PeerX');
    expect((await post(`/api/orgs/${env.d.branchB.id}/organizers`, admin.token, { userId: x.user.id })).status).toBe(204);
    const t = (await post('/api/transfers', x.token, { toBranchId: env.d.branchB.id, reason: 'join my branch' })).body.transfer;
    expect((await post(`/api/transfers/${t.id}/approve`, orgA.token)).status).toBe(200); // orgA is over X (X organizes nothing above A)
    const decided = await post(`/api/transfers/${t.id}/approve`, orgB.token);
    expect(decided.status).toBe(403); // orgB and X are peers at branch B
    await post(`/api/transfers/${t.id}/return`, admin.token, { note: 'cleanup' });
  });
});

describe('transfers: races', () => {
  it('a request racing the completion of the previous transfer never starts from the branch the member just left', async () => {
    const { admin, orgA, orgB } = env.d;
    const c = await newBranch('Race C', env.d.general.id);
    const stale: unknown[] = [];
    for (let round = 0; round < 12; round++) {
      const m = await addMember(url(), admin, env.d.branchA.id, `Racer${round}`);
      const t1 = (await post('/api/transfers', m.token, { toBranchId: env.d.branchB.id, reason: 'first' })).body.transfer;
      expect((await post(`/api/transfers/${t1.id}/approve`, orgA.token)).status).toBe(200);
      const [done, again] = await Promise.all([
        post(`/api/transfers/${t1.id}/approve`, orgB.token),
        (async () => {
          await sleep(round % 4);
          return post('/api/transfers', m.token, { toBranchId: c.id, reason: 'second' });
        })(),
      ]);
      expect(done.status).toBe(200);
      const me = (await get('/api/me', m.token)).body.user;
      expect(me.branchId).toBe(env.d.branchB.id);
      if (again.status === 201 && again.body.transfer.fromBranchId !== me.branchId) {
        // Branch A's organizer, no longer over the member, is shown as the one deciding it.
        const seenByOrgA = (await get(`/api/transfers/${again.body.transfer.id}`, orgA.token)).body.transfer;
        stale.push({ id: again.body.transfer.id, fromBranchId: again.body.transfer.fromBranchId, memberBranchId: me.branchId, orgAMayDecide: seenByOrgA?.mayDecide });
      }
      if (again.status === 201) await post(`/api/transfers/${again.body.transfer.id}/withdraw`, m.token);
    }
    // A transfer "from branch A" of a member who lives in branch B would be decided by branch A's organizers.
    expect(stale).toEqual([]);
  });

  it('two self-reports of one training sent at once (a double click) are answered 201/409, never 500', async () => {
    const { admin, orgA } = env.d;
    const m = await addMember(url(), admin, env.d.branchA.id, 'DoubleClick');
    for (let round = 0; round < 5; round++) {
      const tr = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: `Reading ${round}`, kind: 'self_study', hours: 2 })).body.training;
      const answers = await Promise.all([1, 2, 3].map(() => post(`/api/trainings/${tr.id}/self-report`, m.token, { hours: 1, note: 'done' })));
      for (const a of answers) expect([201, 409], JSON.stringify(a.body)).toContain(a.status);
    }
  });

  it('two attendances recorded at once at a meeting with training hours both count (the linked training is made once)', async () => {
    const { admin, orgA, genOrg } = env.d;
    const failures: string[] = [];
    for (let round = 0; round < 4; round++) {
      const meeting = (await post('/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: `党课 ${round}`, startsAt: new Date(Date.now() + 3600_000).toISOString(), capacity: 10, openTo: 'host', trainingHours: 1 })).body.meeting;
      const [p, q] = [await addMember(url(), admin, env.d.branchA.id, `Att${round}p`), await addMember(url(), admin, env.d.branchA.id, `Att${round}q`)];
      for (const who of [p, q]) await ok(await env.as(who), 'meeting:signup', { meetingId: meeting.id });
      const [s1, s2] = [await env.as(orgA), await env.as(genOrg)];
      const acks = await Promise.all([request(s1, 'meeting:attend', { meetingId: meeting.id, userId: p.user.id }), request(s2, 'meeting:attend', { meetingId: meeting.id, userId: q.user.id })]);
      for (const ack of acks as Array<{ ok: boolean; error?: { code: string } }>) if (!ack.ok) failures.push(`round ${round}: ${ack.error?.code}`);
      s1.close();
      s2.close();
    }
    expect(failures).toEqual([]);
  });
});

describe('bad input never answers 500', () => {
  it('a lost-contact cursor that decodes to the wrong shape is refused or ignored', async () => {
    const { orgA } = env.d;
    const cursors = [b64(5), b64([1]), b64(['x', 'y']), b64([{ a: 1 }, 1]), b64({}), b64('2020-01-01'), b64([null, null])];
    const statuses: Record<string, number> = {};
    for (const c of cursors) statuses[Buffer.from(c, 'base64url').toString()] = (await get(`/api/members/lost-contact?orgId=${env.d.branchA.id}&days=1&before=${c}`, orgA.token)).status;
    expect(Object.entries(statuses).filter(([, status]) => status !== 200 && status !== 400)).toEqual([]);
  });

  it('an id cursor beyond the id range is refused or reads an empty page (audit, transfers, trainings, training records)', async () => {
    const { admin, orgA } = env.d;
    const paths = ['/api/audit', '/api/transfers', '/api/trainings', `/api/training-records?status=pending`];
    const statuses: Record<string, number> = {};
    for (const path of paths) statuses[path] = (await get(`${path}${path.includes('?') ? '&' : '?'}before=999999999999`, path === '/api/audit' ? admin.token : orgA.token)).status;
    expect(Object.entries(statuses).filter(([, status]) => status !== 200 && status !== 400)).toEqual([]);
  });

  it('a NUL character in typed text is refused (or stored), never a 500', async () => {
    const { admin, orgA } = env.d;
    const m = await addMember(url(), admin, env.d.branchA.id, 'Nul');
    const tr = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: 'NUL target', kind: 'course', hours: 1 })).body.training;
    const attempts: Record<string, number> = {
      reportIn: (await post('/api/me/report-in', m.token, { location: 'a\u0000b', mobile: true })).status,
      transfer: (await post('/api/transfers', m.token, { toBranchId: env.d.branchB.id, reason: 'x\u0000y' })).status,
      training: (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: 't\u0000', kind: 'course', hours: 1 })).status,
      selfReport: (await post(`/api/trainings/${tr.id}/self-report`, m.token, { hours: 1, note: 'n\u0000' })).status,
    };
    expect(Object.entries(attempts).filter(([, status]) => ![200, 201, 400].includes(status))).toEqual([]);
    const pending = (await get('/api/transfers?status=pending', m.token)).body.transfers ?? [];
    for (const t of pending) await post(`/api/transfers/${t.id}/withdraw`, m.token);
  });
});

describe('training records', () => {
  it("an organizer cannot file a member's record against a training they may not see (another unit's), nor learn its title", async () => {
    const { orgA, orgB, amy } = env.d;
    const secret = (await post('/api/trainings', orgB.token, { orgId: env.d.branchB.id, title: 'Branch B internal briefing', kind: 'lecture', hours: 3 })).body.training;
    expect((await get(`/api/trainings/${secret.id}`, orgA.token)).status).toBe(403);
    const filed = await post(`/api/trainings/${secret.id}/records`, orgA.token, { userId: amy.user.id });
    expect(filed.status).toBe(403);
    expect(JSON.stringify(filed.body)).not.toContain('Branch B internal briefing');
  });

  it("a training's records are paged, so a member always finds their own (not cut at the newest 500)", async () => {
    const { admin, orgA } = env.d;
    const early = await addMember(url(), admin, env.d.branchA.id, 'EarlyBird');
    const tr = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: 'Big course', kind: 'course', hours: 1 })).body.training;
    expect((await post(`/api/trainings/${tr.id}/records`, orgA.token, { userId: early.user.id })).status).toBe(201);
    const crowd = await createMembersFast(env.server.db, env.d.branchB.id, 510, `crowd${Date.now()}`);
    const at = new Date().toISOString();
    const rows = crowd.map((p) => ({ training_id: tr.id, user_id: p.user.id, hours: 1, status: 'confirmed', note: null, confirmed_by: admin.user.id, at }));
    for (let i = 0; i < rows.length; i += 100) await env.server.db.knex('training_records').insert(rows.slice(i, i + 100));
    const mine = (await get(`/api/trainings/${tr.id}/records`, early.token)).body.records as Array<{ user: { id: number } }>;
    expect(mine.map((r) => r.user.id)).toEqual([early.user.id]);
  });
});

describe('notifications go to those over the member', () => {
  it("an organizer's report home is not sent to their peer organizers (who may not read their records)", async () => {
    const { admin, orgA, genOrg } = env.d;
    const peer = await addMember(url(), admin, env.d.branchA.id, 'PeerReporter');
    expect((await post(`/api/orgs/${env.d.branchA.id}/organizers`, admin.token, { userId: peer.user.id })).status).toBe(204);
    expect((await get(`/api/members/${peer.user.id}/card`, orgA.token)).status).toBe(403); // orgA may not read the peer's records
    const orgASocket = await env.as(orgA);
    const genSocket = await env.as(genOrg);
    const heardByPeer = collect(orgASocket, 'notification');
    const toGen = next(genSocket, 'notification', (x) => x.kind === 'member_reported' && x.data.member.id === peer.user.id);
    expect((await post('/api/me/report-in', peer.token, { location: 'Secret place', mobile: true, note: 'private' })).status).toBe(201);
    await sleep(500);
    expect(heardByPeer.filter((x) => x.kind === 'member_reported' && x.data.member.id === peer.user.id)).toEqual([]);
    expect((await toGen).data).toMatchObject({ location: 'Secret place' });
  });
});

describe('checked and sound', () => {
  it('every new endpoint refuses an anonymous caller (401)', async () => {
    const calls: Array<[string, string]> = [
      ['GET', '/api/transfers'], ['GET', '/api/transfers/1'], ['POST', '/api/transfers'], ['POST', '/api/transfers/1/approve'], ['POST', '/api/transfers/1/return'], ['POST', '/api/transfers/1/withdraw'],
      ['GET', `/api/members/lost-contact?orgId=${env.d.branchA.id}`], ['POST', '/api/me/report-in'], ['GET', '/api/me/reports'], ['GET', `/api/members/${env.d.amy.user.id}/card`], ['GET', `/api/members/${env.d.amy.user.id}/card?format=csv`],
      ['GET', '/api/trainings'], ['POST', '/api/trainings'], ['GET', '/api/trainings/1'], ['GET', '/api/trainings/1/records'], ['POST', '/api/trainings/1/records'], ['POST', '/api/trainings/1/self-report'],
      ['GET', '/api/training-records'], ['POST', '/api/training-records/1/confirm'], ['POST', '/api/training-records/1/reject'], ['GET', '/api/audit'],
    ];
    for (const [method, path] of calls) expect((await api(url(), method, path, method === 'POST' ? { body: {} } : {})).status, `${method} ${path}`).toBe(401);
  });

  it('the card CSV turns no typed text into a formula or a new row', async () => {
    const { admin, orgA } = env.d;
    const m = await addMember(url(), admin, env.d.branchA.id, 'Csv');
    const nasty = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'a,b', 'line\nbreak', '"quoted"'];
    for (const note of nasty) expect((await post('/api/me/report-in', m.token, { location: note.trim() === '' ? 'x' : `${note}`, mobile: false, note })).status).toBe(201);
    const t = (await post('/api/transfers', m.token, { toBranchId: env.d.branchB.id, reason: '=cmd|"/c calc"!A1', destination: '@evil' })).body.transfer;
    await post(`/api/transfers/${t.id}/withdraw`, m.token);
    const tr = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: '-danger', kind: 'course', hours: 1 })).body.training;
    await post(`/api/trainings/${tr.id}/self-report`, m.token, { hours: 1, note: '+evil' });
    const res = await fetch(`${url()}/api/members/${m.user.id}/card?format=csv`, { headers: { authorization: `Bearer ${m.token}` } });
    const text = (await res.text()).replace(/^\uFEFF/, '');
    // Parse the CSV (quoted cells may hold commas and line breaks) and check every cell.
    const cells: string[] = [];
    let i = 0;
    let rows = 0;
    while (i < text.length) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length) {
          if (text[i] === '"' && text[i + 1] === '"') { cell += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else cell += text[i++];
        }
      } else while (i < text.length && text[i] !== ',' && text[i] !== '\r') cell += text[i++];
      cells.push(cell);
      if (text[i] === ',') i++;
      else if (text[i] === '\r') { i += 2; rows++; }
    }
    for (const cell of cells) expect(/^[=+\-@\t\r]/.test(cell), JSON.stringify(cell)).toBe(false);
    expect(cells).toContain("'=HYPERLINK(\"http://evil\",\"x\")");
    expect(cells).toContain("'=cmd|\"/c calc\"!A1");
    expect(rows).toBeGreaterThan(5);
  });

  it('a member cannot read, decide or withdraw a transfer that is not theirs, nor read the audit log, nor another card', async () => {
    const { admin, amy, bob, alice, orgB } = env.d;
    const m = await addMember(url(), admin, env.d.branchA.id, 'Victim');
    const t = (await post('/api/transfers', m.token, { toBranchId: env.d.branchB.id, reason: 'mine' })).body.transfer;
    expect((await get(`/api/transfers/${t.id}`, amy.token)).status).toBe(403);
    for (const action of ['approve', 'withdraw']) expect((await post(`/api/transfers/${t.id}/${action}`, amy.token)).status).toBe(403);
    expect((await post(`/api/transfers/${t.id}/return`, bob.token, { note: 'x' })).status).toBe(403);
    expect((await post(`/api/transfers/${t.id}/withdraw`, orgB.token)).status).toBe(403);
    expect((await post('/api/transfers', amy.token, { memberId: m.user.id, toBranchId: env.d.branchB.id, reason: 'x' })).status).toBe(403);
    expect((await get(`/api/members/${m.user.id}/card`, alice.token)).status).toBe(403);
    expect((await get(`/api/training-records?userId=${m.user.id}`, alice.token)).status).toBe(403);
    expect((await get('/api/audit', amy.token)).status).toBe(403);
    await post(`/api/transfers/${t.id}/withdraw`, m.token);
  });
});

describe('training is never self-confirmed', () => {
  it("an organizer marking their own attendance at a meeting with training hours does not confirm their own training", async () => {
    const { orgA } = env.d;
    const meeting = (await post('/api/meetings', orgA.token, { hostOrgId: env.d.branchA.id, title: 'My own lecture', startsAt: new Date(Date.now() + 3600_000).toISOString(), capacity: 5, openTo: 'host', trainingHours: 100 })).body.meeting;
    const socket = await env.as(orgA);
    await ok(socket, 'meeting:signup', { meetingId: meeting.id });
    await request(socket, 'meeting:attend', { meetingId: meeting.id, userId: orgA.user.id });
    const records = (await get(`/api/training-records?userId=${orgA.user.id}`, orgA.token)).body.records as Array<{ status: string; confirmedBy: { id: number } | null; training: { title: string } }>;
    expect(records.filter((r) => r.status === 'confirmed' && r.confirmedBy?.id === orgA.user.id)).toEqual([]);
  });

  it('a self-report racing its confirmation never undoes a confirmation that answered 200', async () => {
    const { admin, orgA } = env.d;
    const m = await addMember(url(), admin, env.d.branchA.id, 'Racer');
    const broken: unknown[] = [];
    for (let round = 0; round < 8; round++) {
      const tr = (await post('/api/trainings', orgA.token, { orgId: env.d.branchA.id, title: `Race ${round}`, kind: 'course', hours: 4 })).body.training;
      const first = (await post(`/api/trainings/${tr.id}/self-report`, m.token, { hours: 1, note: 'one hour' })).body.record;
      const [confirm, again] = await Promise.all([post(`/api/training-records/${first.id}/confirm`, orgA.token), post(`/api/trainings/${tr.id}/self-report`, m.token, { hours: 4, note: 'four hours' })]);
      const final = ((await get(`/api/training-records?userId=${m.user.id}`, orgA.token)).body.records as Array<{ id: number; status: string; hours: number }>).find((r) => r.id === first.id)!;
      if (confirm.status === 200 && final.status !== 'confirmed') broken.push({ round, confirm: confirm.status, again: again.status, final: { status: final.status, hours: final.hours } });
    }
    expect(broken).toEqual([]);
  });
});

describe('sockets after a move', () => {
  it("a moved member's socket that followed the old branch's room (unread counts) hears no more of it", async () => {
    const { admin, orgA, orgB, amy } = env.d;
    const m = await addMember(url(), admin, env.d.branchA.id, 'Follower');
    const socket = await env.as(m);
    const roomId = `org:${env.d.branchA.id}`;
    expect((await ok(socket, 'rooms:follow', { roomIds: [roomId] })).rooms.map((r) => r.roomId)).toEqual([roomId]);
    const t = (await post('/api/transfers', m.token, { toBranchId: env.d.branchB.id, reason: 'follow' })).body.transfer;
    await post(`/api/transfers/${t.id}/approve`, orgA.token);
    expect((await post(`/api/transfers/${t.id}/approve`, orgB.token)).status).toBe(200);
    await sleep(1000);
    const heard = collect(socket, 'room:activity');
    const amySocket = await env.as(amy);
    await ok(amySocket, 'room:join', { roomId });
    await ok(amySocket, 'chat:send', { roomId, clientId: `f${Date.now()}`, body: 'after the move' });
    await sleep(400);
    expect(heard.filter((e) => e.roomId === roomId)).toEqual([]);
  });
});
