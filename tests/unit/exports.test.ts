import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../server/contract/csv';
import { escapeText, meetingCalendar } from '../../server/http/ics';
import { serializeError } from '../../server/logger';

describe('CSV cells', () => {
  it('defuses every formula start, the tab and the carriage return included', () => {
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvCell(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvCell('-12.50')).toBe(`'-12.50`);
    expect(csvCell(-5)).toBe(`'-5`);
  });

  it('quotes a cell holding a comma, a quote, a CR or an LF, so it never spills into another cell or row', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('Zhang Wei\r=cmd|\' /C calc\'!A0')).toBe('"Zhang Wei\r=cmd|\' /C calc\'!A0"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('王芳')).toBe('王芳');
    expect(csvCell(null)).toBe('');
  });

  it('writes a whole file with a byte-order mark and CRLF rows', () => {
    expect(csvDocument(['a', 'b'], [[1, '=x']])).toBe('\uFEFFa,b\r\n1,\'=x\r\n');
  });
});

describe('iCalendar text', () => {
  it('escapes backslash, semicolon, comma and every line break (CRLF, CR, LF)', () => {
    expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
    expect(escapeText('one\r\ntwo\rthree\nfour')).toBe('one\\ntwo\\nthree\\nfour');
  });

  it('never lets a title start a new calendar property', () => {
    const meeting = {
      id: 7, hostOrgId: 1, title: 'Talk\rBEGIN:VALARM', topic: null, description: 'x\r\nATTACH:http://evil', startsAt: '2026-12-10T10:00:00.000Z', endsAt: null,
      location: 'Hall;\rX', online: false, onlineUrl: null, capacity: 5, openTo: 'all' as const, status: 'open' as const, confirmed: 0, waitlisted: 0, trainingHours: null, projectId: null,
    };
    const ics = meetingCalendar(meeting, { url: 'http://kitestring.test/#/meetings/7', host: 'kitestring.test', now: Date.parse('2026-12-01T00:00:00Z') });
    const lines = ics.split('\r\n');
    expect(lines).toContain('SUMMARY:Talk\\nBEGIN:VALARM');
    expect(lines).toContain('DESCRIPTION:x\\nATTACH:http://evil');
    expect(lines.filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('logged errors', () => {
  it('keep type, message, code and stack, never the values a database error carries', () => {
    const error = Object.assign(new Error('insert into "users" ("email") values ($1) - duplicate key value violates unique constraint'), {
      code: '23505', detail: 'Key (email)=(wang.fang@example.com) already exists.', parameters: ['wang.fang@example.com'], where: 'x',
    });
    const logged = serializeError(error);
    expect(Object.keys(logged).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(JSON.stringify(logged)).not.toContain('wang.fang');
  });
});
