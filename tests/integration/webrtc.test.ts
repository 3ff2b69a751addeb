import wrtc from '@roamhq/wrtc';
import Peer from 'simple-peer';
import { describe, expect, it } from 'vitest';
import { next, ok } from '../helpers/clients';
import { useDistrictServer } from '../helpers/setup';

const env = useDistrictServer();

describe('a real WebRTC connection through the server\'s signaling', () => {
  it('two simple-peer peers (Node, @roamhq/wrtc) find each other only via call:signal and exchange data', async () => {
    const alice = await env.as(env.d.alice);
    const amy = await env.as(env.d.amy);
    const ringing = next(amy, 'call:incoming');
    const { callId } = await ok(alice, 'call:invite', { userId: env.d.amy.user.id });
    await ringing;
    const accepted = next(alice, 'call:accepted');
    await ok(amy, 'call:accept', { callId });
    await accepted;

    // Signaling starts only once both sides listen (after accept), as the browser client does.
    const caller = new Peer({ initiator: true, wrtc, config: { iceServers: [] } });
    const callee = new Peer({ initiator: false, wrtc, config: { iceServers: [] } });
    let relayed = 0;
    caller.on('signal', (signal) => void ok(alice, 'call:signal', { callId, signal }));
    callee.on('signal', (signal) => void ok(amy, 'call:signal', { callId, signal }));
    // As the browser client does, late candidates for a peer already closed are dropped.
    alice.on('call:signal', (e) => e.callId === callId && !caller.destroyed && (relayed++, caller.signal(e.signal as Peer.SignalData)));
    amy.on('call:signal', (e) => e.callId === callId && !callee.destroyed && (relayed++, callee.signal(e.signal as Peer.SignalData)));

    const received = new Promise<string>((resolve) => callee.on('data', (data: Uint8Array) => resolve(Buffer.from(data).toString())));
    await new Promise<void>((resolve, reject) => {
      caller.once('connect', () => resolve());
      caller.once('error', reject);
      callee.once('error', reject);
    });
    caller.send('妈妈，我在这边挺好的');
    expect(await received).toBe('妈妈，我在这边挺好的');
    expect(relayed).toBeGreaterThanOrEqual(2); // at least an offer and an answer went through the server
    caller.destroy();
    callee.destroy();
    await ok(alice, 'call:hangup', { callId });
  });
});
