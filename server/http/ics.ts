import type { Meeting } from '../contract/model';

/**
 * RFC 5545 TEXT: escape backslash, semicolon and comma, and turn every line break (CRLF, a bare CR or a
 * bare LF) into `\n`, so text a user typed never starts a new calendar property. Lines fold at 75 octets.
 */
export const escapeText = (text: string) => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char, 'utf8') > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** An iCalendar file with one event for the meeting (times in UTC, so every calendar shows local time). */
export function meetingCalendar(meeting: Meeting, opts: { url: string; host: string; now?: number }): string {
  const end = meeting.endsAt ?? new Date(Date.parse(meeting.startsAt) + 2 * 3600_000).toISOString();
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//kitestring//meetings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:meeting-${meeting.id}@${opts.host}`,
    `DTSTAMP:${stamp(new Date(opts.now ?? Date.now()).toISOString())}`,
    `DTSTART:${stamp(meeting.startsAt)}`,
    `DTEND:${stamp(end)}`,
    `SUMMARY:${escapeText(meeting.title)}`,
    ...(meeting.description ? [`DESCRIPTION:${escapeText(meeting.description)}`] : []),
    ...(meeting.location || meeting.online ? [`LOCATION:${escapeText(meeting.location ?? meeting.onlineUrl ?? opts.url)}`] : []),
    ...(meeting.onlineUrl ? [`CONFERENCE;VALUE=URI:${meeting.onlineUrl.replace(/[\s]/g, '')}`] : []),
    `URL:${opts.url}`,
    `STATUS:${meeting.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
