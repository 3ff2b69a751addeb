import { describe, expect, it } from 'vitest';
import { withPushedMeanwhile } from '../../client/src/notifications';
import type { Notification } from '../../server/contract/model';

const note = (id: number, readAt: string | null = null): Notification => ({
  id, kind: 'dues_reminder', title: 't', body: 'b', data: { stage: 'first', period: '2026-11', amountDue: 1, currency: 'CNY' }, createdAt: '2026-11-26T01:00:00.000Z', readAt,
});

describe('notification list (client)', () => {
  it('keeps a notification pushed while the list was loading, and counts it once', () => {
    const loaded = { notifications: [note(5), note(4, '2026-11-26T00:00:00.000Z')], unread: 1 };
    const merged = withPushedMeanwhile([note(6), note(3)], loaded);
    expect(merged.notifications.map((n) => n.id)).toEqual([6, 5, 4]);
    expect(merged.unread).toBe(2);
  });

  it('takes the loaded list as it is when nothing newer was pushed', () => {
    const loaded = { notifications: [note(2), note(1)], unread: 2 };
    expect(withPushedMeanwhile([note(2)], loaded)).toEqual(loaded);
    expect(withPushedMeanwhile([], { notifications: [], unread: 0 })).toEqual({ notifications: [], unread: 0 });
  });
});
