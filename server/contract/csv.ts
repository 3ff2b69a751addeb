/**
 * CSV as the contract's "Exports" rules want it: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is prefixed with `'` (so a spreadsheet never reads it as a formula), and a cell holding
 * a comma, a quote, a CR or an LF is quoted. Text a user typed never becomes a formula or a new row.
 */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole CSV file: a byte-order mark (so spreadsheets read UTF-8 Chinese), the header, CRLF rows. */
export function csvDocument(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
