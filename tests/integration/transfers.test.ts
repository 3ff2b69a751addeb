import { describe, expect, it } from 'vitest';
import { api, collect, next, ok, request, sleep, waitFor } from '../helpers/clients';
import { addMember } from '../helpers/members';
import { startTestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();
const post = (path: string, token: string, body?: unknown) => api(env.server.url, 'POST', path, { token, body: body ?? {} });
const get = (path: string, token: string) => api(env.server.url, 'GET', path, { token });
const room = (org: { id: number }) => `org:${org.id}`;
let n = 0;
const cid = () => `t${Date.now().toString(36)}${n++}`;

describe('relationship transfers', () => {
  it('walks the state machine with its permissions: request, sending side, receiving side, completion', async () => {
    const { orgA, orgB, bob, admin } = env.d;
    const kite = await addMember(env.server.url, admin, env.d.branchA.id, 'Kite');
    const kiteSocket = await env.as(kite);
    const orgASocket = await env.as(orgA);
    const orgBSocket = await env.as(orgB);

    // Bad requests lose nothing and say why.
    const refusals: Array<[string, unknown, number]> = [
      [kite.token, { toBranchId: env.d.general.id, reason: 'x' }, 400], // not a branch
      [kite.token, { toBranchId: env.d.branchA.id, reason: 'x' }, 400], // the same branch
      [kite.token, { toBranchId: 999_999, reason: 'x' }, 400],
      [kite.token, { toBranchId: env.d.branchB.id }, 400], // no reason
      [kite.token, { toBranchId: env.d.branchB.id, reason: 'x'.repeat(1001) }, 413],
      [bob.token, { memberId: kite.user.id, toBranchId: env.d.branchB.id, reason: 'x' }, 403], // not over Kite
      [orgB.token, { memberId: kite.user.id, toBranchId: env.d.branchB.id, reason: 'x' }, 403],
      [admin.token, { memberId: 999_999, toBranchId: env.d.branchB.id, reason: 'x' }, 404],
    ];
    for (const [token, body, status] of refusals) expect((await post('/api/transfers', token, body)).status, JSON.stringify(body)).toBe(status);

    const toOrgA = next(orgASocket, 'notification', (x) => x.kind === 'transfer_requested');
    const made = await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: '到上海工作', destination: '上海' });
    expect(made.status).toBe(201);
    const t = made.body.transfer;
    expect(t).toMatchObject({
      member: { id: kite.user.id, name: 'Kite' }, fromBranchId: env.d.branchA.id, toBranchId: env.d.branchB.id, reason: '到上海工作', destination: '上海',
      status: 'pending_out', requestedBy: { id: kite.user.id }, completedAt: null, mayDecide: false, mayWithdraw: true,
    });
    expect(t.steps).toEqual([expect.objectContaining({ action: 'requested', by: { id: kite.user.id, name: 'Kite' }, note: null })]);
    expect((await toOrgA).data).toMatchObject({ transferId: t.id, member: { id: kite.user.id }, step: 'out', toBranch: { id: env.d.branchB.id } });
    expect((await get('/api/me', kite.token)).body.user.status).toBe('in_transit');
    // One pending transfer per member, whoever asks.
    expect((await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: 'again' })).status).toBe(409);
    expect((await post('/api/transfers', orgA.token, { memberId: kite.user.id, toBranchId: env.d.branchB.id, reason: 'again' })).status).toBe(409);

    // Who sees it, who decides it.
    expect((await get(`/api/transfers/${t.id}`, bob.token)).status).toBe(403);
    expect((await get(`/api/transfers/${t.id}`, orgB.token)).body.transfer).toMatchObject({ mayDecide: false, mayWithdraw: false });
    expect((await get(`/api/transfers/${t.id}`, orgA.token)).body.transfer).toMatchObject({ mayDecide: true });
    expect((await post(`/api/transfers/${t.id}/approve`, kite.token)).status).toBe(403); // never one's own
    expect((await post(`/api/transfers/${t.id}/approve`, orgB.token)).status).toBe(403); // not the sending side
    expect((await post(`/api/transfers/${t.id}/return`, orgA.token, {})).status).toBe(400); // a return says why
    expect((await post(`/api/transfers/999999/approve`, orgA.token)).status).toBe(404);

    // In transit the member keeps the old branch: its room and organizers.
    await ok(kiteSocket, 'room:join', { roomId: room(env.d.branchA) });
    expect((await request(kiteSocket, 'room:join', { roomId: room(env.d.branchB) })).ok).toBe(false);

    const toOrgB = next(orgBSocket, 'notification', (x) => x.kind === 'transfer_requested');
    const approvedOut = next(kiteSocket, 'notification', (x) => x.kind === 'transfer_approved');
    const out = await post(`/api/transfers/${t.id}/approve`, orgA.token, { note: '同意转出' });
    expect(out.status).toBe(200);
    expect(out.body.transfer).toMatchObject({ status: 'pending_in', mayDecide: false });
    expect(out.body.transfer.steps.map((s: { action: string }) => s.action)).toEqual(['requested', 'approved_out']);
    expect(out.body.transfer.steps[1]).toMatchObject({ by: { id: orgA.user.id }, note: '同意转出' });
    expect((await toOrgB).data).toMatchObject({ transferId: t.id, step: 'in' });
    expect((await approvedOut).data).toMatchObject({ transferId: t.id, by: { id: orgA.user.id } });
    expect((await post(`/api/transfers/${t.id}/approve`, orgA.token)).status).toBe(403); // now the receiving side's
    expect((await get(`/api/me`, kite.token)).body.user).toMatchObject({ status: 'in_transit', branchId: env.d.branchA.id });

    const completed = next(kiteSocket, 'notification', (x) => x.kind === 'transfer_completed');
    const done = await post(`/api/transfers/${t.id}/approve`, orgB.token, { note: '欢迎' });
    expect(done.status).toBe(200);
    expect(done.body.transfer).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect(done.body.transfer.steps.map((s: { action: string }) => s.action)).toEqual(['requested', 'approved_out', 'approved_in']);
    expect((await completed).data).toMatchObject({ transferId: t.id, toBranch: { id: env.d.branchB.id } });
    expect((await get(`/api/me`, kite.token)).body.user).toMatchObject({ status: 'active', branchId: env.d.branchB.id });
    // Done is done.
    for (const action of ['approve', 'withdraw']) expect((await post(`/api/transfers/${t.id}/${action}`, action === 'withdraw' ? kite.token : orgB.token)).status).toBe(409);
    expect((await post(`/api/transfers/${t.id}/return`, orgB.token, { note: 'late' })).status).toBe(409);
    // Now orgB is over Kite and orgA is not.
    expect((await get(`/api/members/${kite.user.id}/card`, orgB.token)).status).toBe(200);
    expect((await get(`/api/members/${kite.user.id}/card`, orgA.token)).status).toBe(403);

    // Lists: the member's own, the organizers' by unit, the admin's all; `pending` filters.
    const mine = await get('/api/transfers', kite.token);
    expect(mine.body.transfers.map((x: { id: number }) => x.id)).toContain(t.id);
    expect((await get('/api/transfers', bob.token)).body.transfers.map((x: { id: number }) => x.id)).not.toContain(t.id);
    expect((await get('/api/transfers?status=completed', orgB.token)).body.transfers.map((x: { id: number }) => x.id)).toContain(t.id);
    expect((await get('/api/transfers?status=pending', orgB.token)).body.transfers.map((x: { id: number }) => x.id)).not.toContain(t.id);
    expect((await get(`/api/transfers?orgId=${env.d.branchA.id}`, orgA.token)).body.transfers.map((x: { id: number }) => x.id)).toContain(t.id);
    expect((await get(`/api/transfers?orgId=${env.d.branchB.id}`, orgA.token)).status).toBe(403);
    expect((await get('/api/transfers?status=lost', orgA.token)).status).toBe(400);
  });

  it('returns and withdrawals end a transfer and give the member back their status; only the right people may', async () => {
    const { orgA, orgB, bob, admin } = env.d;
    const kite = await addMember(env.server.url, admin, env.d.branchA.id, 'Returned');
    const kiteSocket = await env.as(kite);
    const first = (await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: 'study' })).body.transfer;
    const returned = next(kiteSocket, 'notification', (x) => x.kind === 'transfer_returned');
    expect((await post(`/api/transfers/${first.id}/return`, orgB.token, { note: 'no' })).status).toBe(403);
    const back = await post(`/api/transfers/${first.id}/return`, orgA.token, { note: '材料不全' });
    expect(back.status).toBe(200);
    expect(back.body.transfer).toMatchObject({ status: 'returned' });
    expect(back.body.transfer.steps.at(-1)).toMatchObject({ action: 'returned', note: '材料不全', by: { id: orgA.user.id } });
    expect((await returned).data).toMatchObject({ transferId: first.id, note: '材料不全' });
    expect((await get('/api/me', kite.token)).body.user.status).toBe('active');

    // An organizer asks for the member; the member or the requester may withdraw, nobody else.
    const second = (await post('/api/transfers', orgA.token, { memberId: kite.user.id, toBranchId: env.d.branchB.id, reason: '工作调动' })).body.transfer;
    expect(second).toMatchObject({ requestedBy: { id: orgA.user.id }, status: 'pending_out' });
    expect((await post(`/api/transfers/${second.id}/withdraw`, bob.token)).status).toBe(403);
    expect((await post(`/api/transfers/${second.id}/withdraw`, orgB.token)).status).toBe(403);
    const withdrawn = await post(`/api/transfers/${second.id}/withdraw`, kite.token);
    expect(withdrawn.body.transfer).toMatchObject({ status: 'withdrawn' });
    expect((await get('/api/me', kite.token)).body.user.status).toBe('active');

    // The receiving side returns too.
    const third = (await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: 'again' })).body.transfer;
    await post(`/api/transfers/${third.id}/approve`, orgA.token);
    expect((await post(`/api/transfers/${third.id}/return`, orgA.token, { note: 'x' })).status).toBe(403);
    expect((await post(`/api/transfers/${third.id}/return`, orgB.token, { note: '名额已满' })).body.transfer.status).toBe('returned');
    expect((await get('/api/me', kite.token)).body.user).toMatchObject({ status: 'active', branchId: env.d.branchA.id });
  });

  it('deactivating a member in transit ends the transfer: withdrawn with a step, nothing left to approve', async () => {
    const { admin, orgA } = env.d;
    const gone = await addMember(env.server.url, admin, env.d.branchA.id, 'Gone');
    const t = (await post('/api/transfers', gone.token, { toBranchId: env.d.branchB.id, reason: 'leaving' })).body.transfer;
    expect((await api(env.server.url, 'DELETE', `/api/members/${gone.user.id}`, { token: orgA.token })).status).toBe(204);
    const after = (await get(`/api/transfers/${t.id}`, admin.token)).body.transfer;
    expect(after).toMatchObject({ status: 'withdrawn', mayDecide: false });
    expect(after.steps.at(-1)).toMatchObject({ action: 'withdrawn', by: { id: orgA.user.id }, note: 'account deactivated' });
    expect((await post(`/api/transfers/${t.id}/approve`, orgA.token)).status).toBe(409);
  });

  it('two racing approvals of one step: exactly one succeeds, the other is a conflict, one step is recorded', async () => {
    const { orgA, genOrg, orgB, admin } = env.d;
    for (let round = 0; round < 3; round++) {
      const kite = await addMember(env.server.url, admin, env.d.branchA.id, `Race${round}`);
      const t = (await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: 'race' })).body.transfer;
      // Each names the step it decides, as the page does: genOrg and the admin are over both sides, and without it the
      // later of them would decide the receiving step, which it never saw.
      const outs = await Promise.all([post(`/api/transfers/${t.id}/approve`, orgA.token, { step: 'out' }), post(`/api/transfers/${t.id}/approve`, genOrg.token, { step: 'out' }), post(`/api/transfers/${t.id}/return`, admin.token, { note: 'r', step: 'out' })]);
      expect(outs.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      // Later, too: the sending step is decided, so a decision of it is a conflict, never one of the receiving step.
      expect((await post(`/api/transfers/${t.id}/approve`, genOrg.token, { step: 'out' })).status).toBe(409);
      // The receiving side, by two of its organizers at once (or nothing left to decide if the return won).
      const ins = await Promise.all([post(`/api/transfers/${t.id}/approve`, orgB.token, { step: 'in' }), post(`/api/transfers/${t.id}/approve`, genOrg.token, { step: 'in' })]);
      const after = (await get(`/api/transfers/${t.id}`, admin.token)).body.transfer;
      expect(['completed', 'returned']).toContain(after.status);
      expect(after.steps.length).toBe(after.status === 'returned' ? 2 : 3);
      expect(ins.map((r) => r.status).sort()).toEqual(after.status === 'completed' ? [200, 409] : [409, 409]);
      const me = (await get('/api/me', kite.token)).body.user;
      expect(me).toMatchObject({ status: 'active', branchId: after.status === 'completed' ? env.d.branchB.id : env.d.branchA.id });
    }
  });

  it('completion moves the member\'s sockets at once on every process: out of the old room, free to join the new one', async () => {
    const { orgA, orgB, admin, amy } = env.d;
    const second = await startTestServer(env.store);
    try {
      const kite = await addMember(env.server.url, admin, env.d.branchA.id, 'Mover');
      const here = await env.as(kite);
      const there = await env.as(kite, second);
      const amySocket = await env.as(amy);
      for (const s of [here, there, amySocket]) await ok(s, 'room:join', { roomId: room(env.d.branchA) });
      const t = (await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: 'move' })).body.transfer;
      await post(`/api/transfers/${t.id}/approve`, orgA.token);
      const seenHere = collect(here, 'chat:message');
      const seenThere = collect(there, 'chat:message');
      await post(`/api/transfers/${t.id}/approve`, orgB.token);
      await sleep(1000); // the contract's "within a second"
      await ok(amySocket, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'after the move' });
      await sleep(300);
      expect(seenHere).toEqual([]);
      expect(seenThere).toEqual([]);
      const presence = await ok(amySocket, 'room:join', { roomId: room(env.d.branchA) });
      expect(JSON.stringify(presence)).not.toContain(`"id":${kite.user.id},`);
      // The old room refuses them; the new one takes them, on both processes.
      for (const s of [here, there]) {
        expect((await request(s, 'chat:send', { roomId: room(env.d.branchA), clientId: cid(), body: 'x' })).ok).toBe(false);
        await ok(s, 'room:join', { roomId: room(env.d.branchB) });
      }
      await ok(there, 'chat:send', { roomId: room(env.d.branchB), clientId: cid(), body: '大家好，我转来了' });
    } finally {
      await second.close();
    }
  });

  it('an organizer role over a unit that no longer holds the member ends with the move', async () => {
    const { admin, orgB } = env.d;
    const kite = await addMember(env.server.url, admin, env.d.branchA.id, 'Secretary');
    expect((await post(`/api/orgs/${env.d.branchA.id}/organizers`, admin.token, { userId: kite.user.id })).status).toBe(204);
    expect((await post(`/api/orgs/${env.d.general.id}/organizers`, admin.token, { userId: kite.user.id })).status).toBe(204);
    const t = (await post('/api/transfers', kite.token, { toBranchId: env.d.branchB.id, reason: 'moving' })).body.transfer;
    // Kite's peers cannot decide for them; genOrg (above) and the admin can.
    expect((await post(`/api/transfers/${t.id}/approve`, env.d.orgA.token)).status).toBe(403);
    expect((await post(`/api/transfers/${t.id}/approve`, env.d.genOrg.token)).status).toBe(403); // a peer at the general branch now
    expect((await post(`/api/transfers/${t.id}/approve`, admin.token)).status).toBe(200);
    // Kite organizes the general branch, above B: B's organizer is under them and does not decide for them.
    expect((await post(`/api/transfers/${t.id}/approve`, orgB.token)).status).toBe(403);
    expect((await post(`/api/transfers/${t.id}/approve`, admin.token)).status).toBe(200);
    const me = (await get('/api/me', kite.token)).body;
    // Branch A no longer holds them; the general branch still does.
    expect(me.organizerOf).toEqual([env.d.general.id]);
  });
});

describe('dues across a transfer', () => {
  it('keeps earlier periods with the old branch (its rates, its arrears) and later ones with the new branch', async () => {
    const { admin, orgA, orgB } = env.d;
    const now = new Date();
    const period = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
    const [before2, before1, current] = [period(-2), period(-1), period(0)];
    const kite = await addMember(env.server.url, admin, env.d.branchA.id, 'Payer', { timezone: 'Asia/Shanghai' });
    // Own rates for this test's member would hide the units' rates: use unit rates on two fresh branches.
    const newBranch = async (name: string) => (await post('/api/orgs', admin.token, { name: `${name} ${Date.now()}`, kind: 'branch', parentId: env.d.general.id })).body.org;
    const from = await newBranch('Dues From');
    const to = await newBranch('Dues To');
    await post(`/api/orgs/${from.id}/organizers`, admin.token, { userId: orgA.user.id });
    await post(`/api/orgs/${to.id}/organizers`, admin.token, { userId: orgB.user.id });
    const payer = await addMember(env.server.url, admin, from.id, 'Payer2', { timezone: 'Asia/Shanghai' });
    expect((await api(env.server.url, 'PUT', `/api/dues/unit-rates/${from.id}`, { token: admin.token, body: { monthlyAmount: 1000, effectiveFrom: before2 } })).status).toBe(200);
    expect((await api(env.server.url, 'PUT', `/api/dues/unit-rates/${to.id}`, { token: admin.token, body: { monthlyAmount: 3000, effectiveFrom: before2 } })).status).toBe(200);
    await post('/api/dues/payments', payer.token, { period: before2, amount: 1000, reference: `p-${Date.now()}` });

    const t = (await post('/api/transfers', payer.token, { toBranchId: to.id, reason: 'dues' })).body.transfer;
    await post(`/api/transfers/${t.id}/approve`, orgA.token);
    expect((await post(`/api/transfers/${t.id}/approve`, orgB.token)).status).toBe(200);

    const ledger = (await get('/api/dues/me', payer.token)).body;
    const byPeriod = Object.fromEntries(ledger.periods.map((p: { period: string }) => [p.period, p]));
    expect(byPeriod[before2]).toMatchObject({ amount: 1000, paid: 1000, status: 'paid' });
    expect(byPeriod[before1]).toMatchObject({ amount: 1000, paid: 0, status: 'overdue' });
    expect(byPeriod[current]).toMatchObject({ amount: 3000, paid: 0 });
    expect(ledger.balanceDue).toBe(4000);

    const arrears = async (orgId: number, p: string, token: string) => (await get(`/api/dues/arrears?orgId=${orgId}&period=${p}`, token)).body.members.map((m: { user: { id: number }; amountDue: number }) => [m.user.id, m.amountDue]);
    expect(await arrears(from.id, before1, orgA.token)).toEqual([[payer.user.id, 1000]]);
    expect(await arrears(to.id, before1, orgB.token)).toEqual([]);
    expect(await arrears(from.id, current, orgA.token)).toEqual([]);
    expect(await arrears(to.id, current, orgB.token)).toEqual([[payer.user.id, 3000]]);
    // A payment for an old period still goes into the old period (history is never rewritten).
    await post('/api/dues/payments', payer.token, { period: before1, amount: 1000, reference: `p2-${Date.now()}` });
    expect(await arrears(from.id, before1, orgA.token)).toEqual([]);
    expect(kite.user.id).toBeGreaterThan(0);
  });
});
