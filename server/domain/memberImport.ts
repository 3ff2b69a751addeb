import { randomInt } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Actor, Language, User } from '../contract/model';
import { isIanaTimeZone } from '../contract/time';
import { AppError, invalid, tooLarge } from '../errors';
import type { MemberService } from './members';
import type { OrgDirectory } from './orgDirectory';

export const MAX_IMPORT_ROWS = 1000;

/** Why a row was refused: a stable code the client words in the reader's language (with `detail` filled in). */
export type RefusalCode =
  | 'name_missing'
  | 'name_too_long'
  | 'email_invalid'
  | 'branch_unknown'
  | 'timezone_invalid'
  | 'mobile_invalid'
  | 'location_too_long'
  | 'language_invalid'
  | 'email_repeated'
  | 'email_taken'
  | 'not_under_you'
  | 'refused';

/** A row that was refused, and why: `code` (+ `detail`) for the page, `reason` in English for scripts and logs. */
export interface RefusedRow {
  row: number;
  email: string;
  code: RefusalCode;
  detail?: string;
  reason: string;
}

const REASONS: Record<RefusalCode, (detail: string) => string> = {
  name_missing: () => 'name is missing',
  name_too_long: () => 'name is longer than 200 characters',
  email_invalid: () => 'email is not an e-mail address',
  branch_unknown: (d) => `no branch called "${d}"`,
  timezone_invalid: (d) => `timezone "${d}" is not an IANA name such as Europe/London`,
  mobile_invalid: () => 'mobile must be yes or no',
  location_too_long: () => 'location is longer than 200 characters',
  language_invalid: () => 'language must be zh-CN or en',
  email_repeated: (d) => `this e-mail is already on row ${d}`,
  email_taken: () => 'this e-mail already has an account',
  not_under_you: () => 'the branch is not under you',
  refused: (d) => d,
};
const refusal = (row: number, email: string, code: RefusalCode, detail = ''): RefusedRow => ({ row, email, code, ...(detail ? { detail } : {}), reason: REASONS[code](detail) });

/** Column names as a Chinese spreadsheet has them, too. */
const COLUMN: Record<string, string> = {
  姓名: 'name', 名字: 'name', 邮箱: 'email', 电子邮箱: 'email', 支部: 'branch', 所在支部: 'branch', 时区: 'timezone',
  流动党员: 'mobile', 流动: 'mobile', 所在地: 'location', 所在城市: 'location', 语言: 'language',
};

const YES = new Set(['1', 'true', 'yes', 'y', '是']);
const NO = new Set(['', '0', 'false', 'no', 'n', '否']);

/** A password to hand to a new member with their account (they change it after signing in). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
/** Letters and digits only (no look-alikes): read out over a phone, typed on one, safe in a spreadsheet. ~82 bits. */
export const initialPassword = () => Array.from({ length: 14 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/**
 * Imports members from CSV (a header row, then one member a row): columns `name`, `email`, `branch` (its id
 * or its exact name), and optionally `timezone`, `mobile`, `location`, `language`. Each row is checked and
 * created on its own, with the same rules as one member added by hand (the actor must be over the branch), so
 * one bad row refuses that row only. Every created member gets an initial password, returned once here.
 */
export async function importMembers(
  deps: { members: Pick<MemberService, 'create'>; directory: OrgDirectory },
  actor: Actor,
  csv: string,
): Promise<{ created: Array<{ row: number; user: User; password: string }>; refused: RefusedRow[] }> {
  let records: Array<Record<string, string>>;
  try {
    records = parse(csv, { columns: (header: string[]) => header.map((h) => COLUMN[h.trim().toLowerCase()] ?? h.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true, relax_column_count: true });
  } catch (error) {
    throw invalid(`the file is not valid CSV (${(error as Error).message.split('\n')[0]})`);
  }
  if (records.length > MAX_IMPORT_ROWS) throw tooLarge(`at most ${MAX_IMPORT_ROWS} members per import`);
  if (records.length > 0 && !['name', 'email', 'branch'].every((c) => c in records[0])) throw invalid('the first row must name the columns: name, email, branch (and optionally timezone, mobile, location, language)');
  const tree = await deps.directory.current();
  const byName = new Map(tree.all().filter((o) => o.kind === 'branch').map((o) => [o.name.trim(), o.id]));
  const created: Array<{ row: number; user: User; password: string }> = [];
  const refused: RefusedRow[] = [];
  const ready: Array<{ row: number; input: Parameters<MemberService['create']>[1] }> = [];
  const emails = new Map<string, number>();
  for (const [index, record] of records.entries()) {
    const row = index + 2; // the header is row 1
    const email = record.email ?? '';
    const refuse = (code: RefusalCode, detail?: string) => refused.push(refusal(row, email, code, detail));
    const branchId = /^\d+$/.test(record.branch ?? '') ? Number(record.branch) : byName.get(record.branch ?? '');
    const mobile = (record.mobile ?? '').toLowerCase();
    if (!record.name) refuse('name_missing');
    else if (record.name.length > 200) refuse('name_too_long');
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 320) refuse('email_invalid');
    else if (branchId === undefined) refuse('branch_unknown', record.branch ?? '');
    else if (record.timezone && !isIanaTimeZone(record.timezone)) refuse('timezone_invalid', record.timezone);
    else if (!YES.has(mobile) && !NO.has(mobile)) refuse('mobile_invalid');
    else if ((record.location ?? '').length > 200) refuse('location_too_long');
    else if (record.language && record.language !== 'zh-CN' && record.language !== 'en') refuse('language_invalid');
    else if (emails.has(email.toLowerCase())) refuse('email_repeated', String(emails.get(email.toLowerCase())));
    else {
      emails.set(email.toLowerCase(), row);
      ready.push({
        row,
        input: {
          name: record.name,
          email,
          password: initialPassword(),
          branchId,
          timezone: record.timezone || undefined,
          mobile: YES.has(mobile),
          location: record.location || null,
          language: (record.language || undefined) as Language | undefined,
        },
      });
    }
  }
  // A few at a time: each new account hashes its password (Argon2id), which is what takes the time.
  let next = 0;
  const worker = async () => {
    while (next < ready.length) {
      const { row, input } = ready[next++];
      try {
        created.push({ row, user: await deps.members.create(actor, input), password: input.password });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const code = error.code === 'conflict' ? 'email_taken' : error.code === 'forbidden' ? 'not_under_you' : 'refused';
        refused.push(refusal(row, input.email, code, code === 'refused' ? error.message : ''));
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  created.sort((a, b) => a.row - b.row);
  refused.sort((a, b) => a.row - b.row);
  return { created, refused };
}
