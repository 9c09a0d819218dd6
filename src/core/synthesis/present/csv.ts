/**
 * CSV as spreadsheets read it (RFC 4180, CRLF rows), shared by every CSV the tool writes. Text from
 * records that a spreadsheet would evaluate as a formula (a cell starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return) is neutralised with a leading `'`, as OWASP recommends against CSV injection;
 * numbers the tool computes are written as numbers (a negative estimate stays a number).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value) ?? ''; // objects and lists: `{`/`[` never start a formula
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as one CSV text, each row ended by CRLF. */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
