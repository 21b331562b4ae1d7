/** Prints lists and reports as an aligned text table, CSV or JSON (the CLI, backtest, calibrate and scripts share it). */

import { toCsv } from "../../reports/lib/csv.ts";

export type OutputFormat = "text" | "csv" | "json";

/** A figure in a printed report: `digits` decimals, "-" when there is none. */
export const fixed = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "-" : v.toFixed(digits));
/** A share in a printed report, as a percentage: 0.123 is "12.3%"; "-" when there is none. */
export const percent = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? "-" : `${(v * 100).toFixed(digits)}%`;
/** A ratio in a printed report (a lift): 2.5 is "2.50x"; "-" when there is none. */
export const times = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${v.toFixed(2)}x`);
export type Record_ = Record<string, unknown>;

/** Renders records; `columns` fixes the order and the set of fields (default: keys of the first record). */
export function formatRecords(records: readonly Record_[], format: OutputFormat, columns?: readonly string[]): string {
  const fields = columns ?? Object.keys(records[0] ?? {});
  switch (format) {
    case "json":
      return `${JSON.stringify(
        records.map((r) => pick(r, fields)),
        jsonValue,
        2,
      )}\n`;
    case "csv":
      return toCsv(records, fields);
    case "text":
      return toTextTable(records, fields);
  }
}

function toTextTable(records: readonly Record_[], fields: readonly string[]): string {
  const cells = records.map((r) => fields.map((f) => textCell(r[f])));
  const widths = fields.map((f, i) => Math.max(f.length, ...cells.map((row) => row[i]!.length)));
  const numeric = fields.map(
    (f) => records.length > 0 && records.every((r) => r[f] === null || r[f] === undefined || typeof r[f] === "number"),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return `${[line([...fields]), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n")}\n`;
}

function textCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().replace(".000Z", "Z");
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function pick(record: Record_, fields: readonly string[]): Record_ {
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}
