import { beforeAll, describe, expect, it } from 'vitest';
import { layoutLog, mentionAt, splitMentions } from '../../client/src/chat/roomState';
import type { CallRecord, ChatMessage } from '../../server/contract/model';
import type { Notification } from '../../server/contract/notifications';
import { en as notificationTexts } from '../../server/notifications/texts/en';

// The client's modules read the browser's language and storage when loaded: give them the bare minimum.
let client: {
  callOutcome: typeof import('../../client/src/views/CallsPage').callOutcome;
  describeError: typeof import('../../client/src/errors').describeError;
  linkOf: typeof import('../../client/src/notificationLinks').linkOf;
  setLocale: typeof import('../../client/src/i18n').setLocale;
};
beforeAll(async () => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
    document: { documentElement: { lang: '' } },
  });
  Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-GB', languages: ['en-GB'] }, configurable: true });
  const [calls, errors, links, i18n] = await Promise.all([
    import('../../client/src/views/CallsPage'),
    import('../../client/src/errors'),
    import('../../client/src/notificationLinks'),
    import('../../client/src/i18n'),
  ]);
  client = { callOutcome: calls.callOutcome, describeError: errors.describeError, linkOf: links.linkOf, setLocale: i18n.setLocale };
  client.setLocale('en');
});

const message = (seq: number, authorId: number, createdAt: string): ChatMessage => ({
  id: seq, roomId: 'org:1', seq, author: { id: authorId, name: `U${authorId}` }, body: `m${seq}`, clientId: `c${seq}`, createdAt, deleted: false,
});

describe('the message log as laid out', () => {
  it('puts a separator before each day in the reader\'s zone, and groups one author\'s messages within five minutes', () => {
    const log = [
      message(1, 1, '2026-11-29T15:50:00.000Z'), // 23:50 in Shanghai, 15:50 in London
      message(2, 1, '2026-11-29T15:53:00.000Z'), // same block
      message(3, 1, '2026-11-29T16:05:00.000Z'), // 00:05 next day in Shanghai; same day in London, 12 min later
      message(4, 2, '2026-11-29T16:06:00.000Z'), // another author
      message(5, 2, '2026-11-29T16:07:00.000Z'),
    ];
    const shape = (zone: string) => layoutLog(log, zone).map((i) => (i.kind === 'day' ? `day:${i.day}` : `${i.message.seq}${i.first ? '*' : ''}`));
    expect(shape('Asia/Shanghai')).toEqual(['day:2026-11-29', '1*', '2', 'day:2026-11-30', '3*', '4*', '5']);
    expect(shape('Europe/London')).toEqual(['day:2026-11-29', '1*', '2', '3*', '4*', '5']);
    expect(layoutLog([], 'Asia/Shanghai')).toEqual([]);
  });
});

describe('mentions in a message', () => {
  it('cuts out @names it knows, the longest name winning, and leaves other @ alone', () => {
    expect(splitMentions('@王芳 Wang Fang 你好', ['王芳', '王芳 Wang Fang'])).toEqual([{ text: '@王芳 Wang Fang', mention: '王芳 Wang Fang' }, { text: ' 你好' }]);
    expect(splitMentions('mail a@b.c and @Amy!', ['Amy'])).toEqual([{ text: 'mail a@b.c and ' }, { text: '@Amy', mention: 'Amy' }, { text: '!' }]);
    expect(splitMentions('no mentions', ['Amy'])).toEqual([{ text: 'no mentions' }]);
    expect(splitMentions('@Nobody here', ['Amy'])).toEqual([{ text: '@Nobody here' }]);
  });

  it('finds the @partial being typed before the caret, only at a word start', () => {
    expect(mentionAt('hi @Am', 6)).toEqual({ start: 3, query: 'Am' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('a@b', 3)).toBeNull(); // an address, not a mention
    expect(mentionAt('hi @Amy there', 13)).toEqual({ start: 3, query: 'Amy there' });
    expect(mentionAt('hi @Amy\nnext', 12)).toBeNull();
    expect(mentionAt('no at sign', 5)).toBeNull();
  });
});

describe('the call log, said from the reader\'s side', () => {
  const call = (over: Partial<CallRecord>): CallRecord => ({
    id: 'c1', caller: { id: 1, name: 'Alice' }, callee: { id: 2, name: 'Amy' }, status: 'ended', endReason: 'declined',
    startedAt: '2026-11-29T10:00:00.000Z', answeredAt: null, endedAt: '2026-11-29T10:00:10.000Z', durationS: null, ...over,
  } as CallRecord);

  it('tells the one who declined that they did, and the caller that the other side did', () => {
    expect(client.callOutcome(call({}), 2)).toBe('You declined');
    expect(client.callOutcome(call({}), 1)).toMatch(/declined/i);
    expect(client.callOutcome(call({}), 1)).not.toBe('You declined');
    expect(client.callOutcome(call({ endReason: 'missed' }), 2)).not.toBe(client.callOutcome(call({ endReason: 'missed' }), 1));
    expect(client.callOutcome(call({ durationS: 75, endReason: 'hangup' }), 1)).toMatch(/1.*15/);
    // An organizer looking at two members' call: no "you".
    expect(client.callOutcome(call({}), 9)).toBe('Declined');
    expect(client.callOutcome(call({ endReason: 'missed' }), 9)).toBe('Not answered');
  });
});

describe('notifications and errors on the page', () => {
  it('every notification kind leads somewhere', () => {
    for (const kind of Object.keys(notificationTexts)) {
      const data = { meetingId: 3, roomId: 'org:1', period: '2026-11' };
      expect(client.linkOf({ id: 1, kind, title: '', body: '', data, createdAt: '', readAt: null } as unknown as Notification), kind).toMatch(/^#\//);
    }
    expect(client.linkOf({ id: 1, kind: 'from_the_future', data: {} } as unknown as Notification)).toBeNull();
  });

  it('puts an error code into the reader\'s words, never the server\'s text', () => {
    expect(client.describeError({ code: 'forbidden', message: 'Forbidden by policy' })).not.toMatch(/policy/);
    expect(client.describeError({ code: 'a_code_from_a_newer_server' })).toBe(client.describeError({ code: 'another_unknown_code' }));
    const english = client.describeError({ code: 'validation' });
    client.setLocale('zh-CN');
    expect(client.describeError({ code: 'validation' })).not.toBe(english);
    client.setLocale('en');
  });
});
