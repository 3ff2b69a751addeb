import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, collect, connect, next, ok, request, type TestSocket } from '../helpers/clients';
import { addMember } from '../helpers/members';
import { startTestServer, type TestServer } from '../helpers/server';
import { useDistrictServer } from '../helpers/setup';

/**
 * R9: 5,000 signaling attempts that must never reach anyone: third parties (members, organizers above the
 * parties, the admin), a party's other tab, guests of other calls (also the guest of one of the call's own
 * parties), parties of ended, declined and still-ringing calls, and forged call ids. Besides `call:signal`,
 * third parties try to take a call over (`call:accept`, `call:rejoin`) or end it (`call:hangup`, `call:decline`).
 * Every socket in the test, on two server processes, listens for `call:signal`: only the legitimate signals,
 * sent before and after the attack, may arrive, each once and at the other party's call socket.
 */
const env = useDistrictServer();
let second: TestServer;
const ATTEMPTS = Number(process.env.RESILIENCE_SIGNALS ?? 5000);
const IN_FLIGHT = 100;

beforeAll(async () => {
  second = await startTestServer(env.store);
});
afterAll(async () => {
  await second?.close();
});

type Party = { name: string; socket: TestSocket };
interface LiveCall {
  name: string;
  callId: string;
  caller: Party;
  callee: Party;
}

describe('R9: signaling by anyone but the two parties of an accepted call', () => {
  it('5,000 attempts by third parties, other tabs, other calls\' guests and on stale calls: every one refused with an error ack, 0 relayed', async () => {
    const { alice, amy, bob, orgA, orgB, genOrg, admin } = env.d;
    const s1 = env.server;
    const s2 = second;
    const mallory = await addMember(s1.url, admin, env.d.branchA.id, 'Mallory'); // a member of the parties' own branch

    const everyone: Array<{ name: string; socket: TestSocket }> = [];
    const open = async (name: string, auth: { token: string } | { guestToken: string }, server: TestServer) => {
      const socket = 'token' in auth ? await env.as(auth, server) : await connect(server.url, auth);
      env.track(socket);
      everyone.push({ name, socket });
      return socket;
    };
    const link = async (owner: { token: string }, label: string) => {
      const res = await api(s1.url, 'POST', '/api/guest-invites', { token: owner.token, body: { label } });
      expect(res.status).toBe(201);
      return res.body as { id: number; token: string };
    };
    const guestOfOrgA = await link(orgA, 'orgA family');
    const guestOfAlice = await link(alice, 'alice family');

    // The parties, spread over both processes.
    const aliceS = await open('alice', alice, s1);
    const amyS = await open('amy', amy, s2);
    const orgBS = await open('orgB', orgB, s1);
    const bobS = await open('bob', bob, s2);
    const orgAS = await open('orgA', orgA, s1);
    const gOrgAS = await open('guest of orgA', { guestToken: guestOfOrgA.token }, s2);
    // Attackers.
    const aliceTab = await open('alice, another tab', alice, s2);
    const gAliceS = await open('guest of alice', { guestToken: guestOfAlice.token }, s1);
    const malloryS = await open('mallory', mallory, s2);
    const genOrgS = await open('genOrg', genOrg, s1);
    const adminS = await open('admin', admin, s2);
    const bobTab = await open('bob, another tab', bob, s1);

    const place = async (name: string, caller: Party, callee: Party, to: { userId: number }): Promise<LiveCall> => {
      const ringing = next(callee.socket, 'call:incoming');
      const { callId } = await ok(caller.socket, 'call:invite', to);
      expect((await ringing).callId).toBe(callId);
      return { name, callId, caller, callee };
    };
    const answer = async (call: LiveCall) => {
      const accepted = next(call.caller.socket, 'call:accepted', (e) => e.callId === call.callId);
      await ok(call.callee.socket, 'call:accept', { callId: call.callId });
      await accepted;
      return call;
    };
    const A = await answer(await place('alice↔amy', { name: 'alice', socket: aliceS }, { name: 'amy', socket: amyS }, { userId: amy.user.id }));
    const B = await answer(await place('orgB↔bob', { name: 'orgB', socket: orgBS }, { name: 'bob', socket: bobS }, { userId: bob.user.id }));
    const G = await answer(await place('guest↔orgA', { name: 'guest of orgA', socket: gOrgAS }, { name: 'orgA', socket: orgAS }, { userId: orgA.user.id }));
    const live = [A, B, G];

    // Stale calls: hung up, declined, and one still ringing (never accepted).
    const hungUp = await answer(await place('amy↔alice, hung up', { name: 'amy', socket: amyS }, { name: 'alice', socket: aliceS }, { userId: alice.user.id }));
    await ok(amyS, 'call:hangup', { callId: hungUp.callId });
    const declined = await place('bob→orgB, declined', { name: 'bob', socket: bobS }, { name: 'orgB', socket: orgBS }, { userId: orgB.user.id });
    await ok(orgBS, 'call:decline', { callId: declined.callId });
    const ringing = await place('genOrg→alice, ringing', { name: 'genOrg', socket: genOrgS }, { name: 'alice', socket: aliceS }, { userId: alice.user.id });

    // From here on, every socket listens: what arrives must be exactly the legitimate signals.
    const arrived = new Map<string, Array<{ callId: string; signal: any }>>();
    for (const { name, socket } of everyone) {
      const seen = collect(socket, 'call:signal');
      arrived.set(name, seen as any);
    }
    let legit = 0;
    const expected = new Map<string, string[]>();
    const legitRound = async (tag: string) => {
      for (const call of live) {
        for (const [from, to] of [[call.caller, call.callee], [call.callee, call.caller]] as const) {
          const mark = `legit-${tag}-${call.name}-${from.name}`;
          const got = next(to.socket, 'call:signal', (e) => (e.signal as { mark?: string })?.mark === mark);
          await ok(from.socket, 'call:signal', { callId: call.callId, signal: { type: 'candidate', mark } });
          await got;
          expected.set(to.name, [...(expected.get(to.name) ?? []), mark]);
          legit++;
        }
      }
    };
    await legitRound('before');

    // The attack plan: who may try what on which call (none of them is a party acting from its call socket).
    const thirdPartiesOf = (call: LiveCall) =>
      everyone.filter(({ socket }) => socket !== call.caller.socket && socket !== call.callee.socket && !sameUser(socket, call));
    const sameUser = (socket: TestSocket, call: LiveCall) => [call.caller.socket, call.callee.socket].some((p) => partyOf(p) === partyOf(socket));
    const partyOf = (socket: TestSocket) => {
      const name = everyone.find((e) => e.socket === socket)!.name;
      return name.split(',')[0];
    };
    type Attempt = { kind: string; socket: TestSocket; event: 'call:signal' | 'call:accept' | 'call:rejoin' | 'call:hangup' | 'call:decline'; callId: string };
    const plans: Attempt[] = [];
    for (const call of live) {
      for (const attacker of thirdPartiesOf(call)) {
        const kind = attacker.name.startsWith('guest') ? "another call's guest" : 'third party';
        for (const event of ['call:signal', 'call:accept', 'call:rejoin', 'call:hangup', 'call:decline'] as const) plans.push({ kind, socket: attacker.socket, event, callId: call.callId });
      }
    }
    // A party's other tab (signals only: another tab may rightly hang up, or rejoin after a drop).
    plans.push({ kind: 'other tab', socket: aliceTab, event: 'call:signal', callId: A.callId }, { kind: 'other tab', socket: bobTab, event: 'call:signal', callId: B.callId });
    // The parties of stale calls, from the sockets they used.
    for (const stale of [hungUp, declined, ringing]) {
      for (const p of [stale.caller, stale.callee]) plans.push({ kind: `stale call (${stale.name.split(', ')[1]})`, socket: p.socket, event: 'call:signal', callId: stale.callId });
    }
    // Forged ids: a live call's id altered, and random ones.
    for (const { socket } of everyone) {
      plans.push({ kind: 'forged id', socket, event: 'call:signal', callId: `${A.callId.slice(0, -1)}${A.callId.endsWith('0') ? '1' : '0'}` });
      plans.push({ kind: 'forged id', socket, event: 'call:signal', callId: crypto.randomUUID() });
    }

    const byKind: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const wrong: string[] = [];
    let sentCount = 0;
    const t0 = performance.now();
    const one = async (i: number) => {
      const plan = plans[i % plans.length];
      const signal =
        i % 3 === 0 ? { type: 'offer', sdp: `v=0 attack ${i}`, mark: `attack-${i}` } : i % 3 === 1 ? { candidate: { candidate: `candidate:attack ${i}`, sdpMid: '0' }, mark: `attack-${i}` } : `attack-${i}`;
      const payload = plan.event === 'call:signal' ? { callId: plan.callId, signal } : { callId: plan.callId };
      const ack = (await request(plan.socket, plan.event as 'call:signal', payload as { callId: string; signal: unknown }, 10_000)) as { ok: boolean; error?: { code: string } };
      sentCount++;
      byKind[plan.kind] = (byKind[plan.kind] ?? 0) + 1;
      const code = ack.ok ? 'ok' : ack.error!.code;
      codes[code] = (codes[code] ?? 0) + 1;
      if (ack.ok || !['forbidden', 'not_found', 'conflict'].includes(code)) wrong.push(`${plan.kind} ${plan.event} by ${everyone.find((e) => e.socket === plan.socket)!.name}: ${code}`);
    };
    let cursor = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (cursor < ATTEMPTS) await one(cursor++);
      }),
    );
    const attackMs = performance.now() - t0;

    // The live calls are untouched: still answered on the same sockets, signals flow both ways.
    await legitRound('after');
    await new Promise((r) => setTimeout(r, 300)); // anything relayed late would have arrived by now
    const relayedAttacks: string[] = [];
    for (const [name, seen] of arrived) {
      for (const e of seen) {
        const mark = typeof e.signal === 'string' ? e.signal : e.signal?.mark;
        if (!String(mark).startsWith('legit-')) relayedAttacks.push(`${name} got ${JSON.stringify(e).slice(0, 120)}`);
      }
    }
    const legitArrived = Object.fromEntries([...arrived].map(([name, seen]) => [name, seen.map((e) => e.signal?.mark).filter((m) => String(m).startsWith('legit-'))]));
    const legitExpected = Object.fromEntries([...arrived.keys()].map((name) => [name, expected.get(name) ?? []]));
    // Nor did any attempt end a call or ring anyone: every live call is still in the shared store, answered.
    const stillLive = (await Promise.all(live.map((c) => request(c.caller.socket, 'call:rejoin', { callId: c.callId })))).filter((a) => a.ok && a.data.status === 'active').length;

    console.info(
      `R9 signaling: ${sentCount} attempts in ${(attackMs / 1000).toFixed(1)} s (${IN_FLIGHT} in flight, 2 processes) by ${JSON.stringify(byKind)}; ` +
        `acks ${JSON.stringify(codes)}; relayed to anyone: ${relayedAttacks.length}; legitimate signals ${legit} sent, ${Object.values(legitArrived).flat().length} arrived; ` +
        `${stillLive} of ${live.length} calls still active`,
    );
    expect(wrong).toEqual([]);
    expect(sentCount).toBe(ATTEMPTS);
    expect(relayedAttacks).toEqual([]);
    expect(legitArrived).toEqual(legitExpected);
    expect(stillLive).toBe(live.length);
  }, 60_000);
});
