import { describe, expect, it } from 'vitest';
import { contiguousSeq, markDeleted, mergeMessages, newClientId, newest, storedClientIds } from '../../client/src/chat/roomState';
import { en } from '../../client/src/i18n/en';
import { zhCN } from '../../client/src/i18n/zh-CN';
import type { ChatMessage } from '../../server/contract/model';

const msg = (seq: number, body = `m${seq}`): ChatMessage => ({
  id: seq * 10, roomId: 'org:1', seq, author: { id: 1, name: 'A' }, body, clientId: `c${seq}`, createdAt: '2026-11-25T00:00:00.000Z', deleted: false,
});

describe('room state helpers (client)', () => {
  it('merges by seq, in order, newer copies winning', () => {
    const merged = mergeMessages([msg(1), msg(3)], [msg(2), { ...msg(3), body: '' , deleted: true }, msg(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(merged[2].deleted).toBe(true);
  });

  it('finds the last seq held without a hole, which is where catch-up starts', () => {
    expect(contiguousSeq([])).toBe(0);
    expect(contiguousSeq([msg(1), msg(2), msg(3)])).toBe(3);
    expect(contiguousSeq([msg(1), msg(2), msg(5), msg(6)])).toBe(2);
    expect(contiguousSeq([msg(40), msg(41), msg(43)])).toBe(41); // a cache that starts later
  });

  it('settles a pending message that arrives stored before its ack, only for its own author', () => {
    const pending = [{ clientId: 'c2' }, { clientId: 'c9' }];
    expect(storedClientIds([msg(1), msg(2)], pending, 1)).toEqual(['c2']);
    expect(storedClientIds([msg(2)], pending, 7)).toEqual([]); // same clientId from someone else
    expect(storedClientIds([], pending, 1)).toEqual([]);
  });

  it('marks deletions, keeps the newest N, and makes contract-valid client ids', () => {
    expect(markDeleted([msg(1), msg(2)], 20)[1]).toMatchObject({ deleted: true, body: '' });
    expect(newest([msg(1), msg(2), msg(3)], 2).map((m) => m.seq)).toEqual([2, 3]);
    const ids = new Set(Array.from({ length: 1000 }, newClientId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});

describe('string catalogs', () => {
  it('have the same keys, none empty, and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, zh] of Object.entries(zhCN)) {
      const english = en[key as keyof typeof en];
      expect(zh.length * english.length, key).toBeGreaterThan(0);
      const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(english), key).toEqual(placeholders(zh));
    }
  });
});
