import { describe, expect, it } from 'vitest';
import { TypingGate } from '../../server/realtime/typingGate';

describe('TypingGate', () => {
  it('relays a user at most once per interval per room', () => {
    const gate = new TypingGate();
    expect(gate.allow('org:1', 7, 0)).toBe(true);
    expect(gate.allow('org:1', 7, 1000)).toBe(false);
    expect(gate.allow('org:2', 7, 1000)).toBe(true);
    expect(gate.allow('org:1', 7, 2100)).toBe(true);
  });

  it('caps relays per room per window, whoever types', () => {
    const gate = new TypingGate({ perUserMs: 1500, perRoom: 3, windowMs: 2000 });
    expect([1, 2, 3, 4, 5].map((user) => gate.allow('org:1', user, 10))).toEqual([true, true, true, false, false]);
    expect(gate.allow('org:9', 4, 10)).toBe(true);
    expect(gate.allow('org:1', 4, 2010)).toBe(true);
  });
});
