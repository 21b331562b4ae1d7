/**
 * The one CSV cell rule, for every writer: the CLI's `--format csv` (src/core/records.ts), the
 * site's CSV downloads (reports/components/download.ts) and, in SQL, the files DuckDB's COPY writes
 * (src/output/csv.ts renders each column by the same rule; test/output/csv.test.ts checks they
 * give the same bytes). Chosen to read well in a spreadsheet or a CRM import, which is where these
 * files go: a list is one cell with its items joined by "; " (not JSON), text that a spreadsheet
 * would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading
 * apostrophe, numbers as JavaScript prints them (3, not 3.0), dates and times as ISO text, null and
 * empty text as an empty cell, and a cell holding a quote, a comma or a line break is quoted
 * (RFC 4180). DOM-free and import-free.
 */

/** The text of one CSV cell, quoted when it must be. */
export function csvCell(value: unknown): string {
  const text = cellText(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV text of `rows` with a header line, one line per row, each ending in a newline; `columns` fixes the order (default: keys of the first row). */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[] = Object.keys(rows[0] ?? {})): string {
  const lines = [columns.map(csvCell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return defused(value.map(itemText).join("; "));
  if (typeof value === "string") return defused(value);
  return itemText(value);
}

function itemText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Text a spreadsheet would run as a formula, with a leading apostrophe. */
function defused(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
