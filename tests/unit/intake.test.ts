import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io';
import { intakeOf } from '../../server/realtime/intake';

const turn = () => new Promise((resolve) => setImmediate(resolve));
const fakeSocket = () => {
  const socket = { disconnected: false, disconnect: () => (socket.disconnected = true) };
  return socket as unknown as Socket & { disconnected: boolean };
};

describe('a socket’s intake of commands', () => {
  it('runs a lone command at once and a burst one per turn of the event loop, in order', async () => {
    const socket = fakeSocket();
    const ran: number[] = [];
    for (let i = 1; i <= 4; i++) intakeOf(socket).take(() => ran.push(i));
    expect(ran).toEqual([1]);
    await turn();
    expect(ran).toEqual([1, 2]);
    await turn();
    await turn();
    expect(ran).toEqual([1, 2, 3, 4]);
    await turn();
    await turn();
    intakeOf(socket).take(() => ran.push(5)); // quiet again: at once
    expect(ran).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops what a socket that went away had waiting, and disconnects one that never waits for its answers', async () => {
    const gone = fakeSocket();
    const ran: string[] = [];
    for (const name of ['a', 'b', 'c']) intakeOf(gone).take(() => ran.push(name));
    gone.disconnected = true;
    await turn();
    await turn();
    expect(ran).toEqual(['a']);

    const flooding = fakeSocket();
    for (let i = 0; i < 1_100; i++) intakeOf(flooding).take(() => {});
    expect(flooding.disconnected).toBe(true);
  });
});
