/** Compact JSON shapes for the browser: columns instead of rows, rounded numbers, ISO dates. */
import type { DictColumn } from "../../reports/lib/columns.ts";

export type Columns = Record<string, unknown[]>;

/** Rows to columns (`{a: [..], b: [..]}`), keeping `keys` in order; pages rebuild rows with `rowsOf`. */
export function toColumns<T extends Record<string, unknown>>(rows: readonly T[], keys: readonly (keyof T & string)[]): Columns {
  const out: Columns = {};
  for (const key of keys) out[key] = rows.map((row) => row[key] ?? null);
  return out;
}

/** Rounds to `digits` decimals (null stays null); keeps JSON short. */
export function round(value: unknown, digits = 1): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A Date or date-like value as `YYYY-MM-DD` (null stays null). */
export function day(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}

/**
 * The URL segment of an account page. Ids made of letters, digits, `_` and `-` are used as they
 * are; anything else is hex-encoded so a hostile id cannot break out of a path.
 */
export function accountSlug(accountId: string): string {
  return /^[A-Za-z0-9_-]{1,80}$/.test(accountId) ? accountId : `x${Buffer.from(accountId, "utf8").toString("hex")}`;
}

/** Encodes `values` as a `DictColumn`, dictionary in first-seen order. */
export function dictColumn(values: readonly (string | null | undefined)[]): DictColumn {
  const index = new Map<string | null, number>();
  const dict: (string | null)[] = [];
  const codes = values.map((v) => {
    const key = v ?? null;
    let code = index.get(key);
    if (code === undefined) {
      code = dict.length;
      dict.push(key);
      index.set(key, code);
    }
    return code;
  });
  return { dict, codes };
}

/**
 * Rows as columns: text columns dictionary-encoded (a playbook, a CSM or a tier repeats on many
 * rows), others as arrays, each number through `number(key, value)`. `rowsOf` on the page reverses it.
 */
export function columnsOf(
  rows: readonly Record<string, unknown>[],
  number: (key: string, value: unknown) => unknown = (_key, value) => value,
): Record<string, unknown[] | DictColumn> {
  const columns: Record<string, unknown[] | DictColumn> = {};
  for (const key of Object.keys(rows[0] ?? {})) {
    const values = rows.map((r) => r[key] ?? null);
    if (values.every((v) => v === null || typeof v === "string")) columns[key] = dictColumn(values as (string | null)[]);
    else columns[key] = values.map((v) => (typeof v === "number" ? number(key, v) : v));
  }
  return columns;
}

/** Plain JSON rows: dates as `YYYY-MM-DD` (or full ISO when they carry a time), lists kept, other values as they are. */
export function plainRows(rows: readonly Record<string, unknown>[], drop: readonly string[] = []): Record<string, unknown>[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (drop.includes(key)) continue;
      out[key] = value instanceof Date ? isoOrDay(value) : value;
    }
    return out;
  });
}

function isoOrDay(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
}

/** Numbers 0-100 (or null) as little-endian uint16 tenths in base64: 65535 is null. */
export function tenthsBase64(values: readonly (number | null)[]): string {
  const out = new Uint16Array(values.length);
  values.forEach((v, i) => {
    out[i] = v === null || !Number.isFinite(v) ? 65535 : Math.max(0, Math.min(65534, Math.round(v * 10)));
  });
  return Buffer.from(out.buffer).toString("base64");
}
