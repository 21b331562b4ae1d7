/** Decoding the loaders' compact JSON in the browser (and in tests). */

import type { DictColumn } from "../lib/columns.js";

/** The values of a dictionary-encoded column. */
export function decodeDict(column: DictColumn): (string | null)[] {
  return column.codes.map((code) => column.dict[code] ?? null);
}

/** Columns (`{a: [..], b: [..]}`, dictionary columns decoded) back to rows. */
export function rowsOf(columns: Record<string, unknown[] | DictColumn>): Record<string, unknown>[] {
  const decoded: [string, unknown[]][] = Object.entries(columns).map(([key, col]) => [key, Array.isArray(col) ? col : decodeDict(col)]);
  const n = decoded[0]?.[1].length ?? 0;
  const rows: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (const [key, values] of decoded) row[key] = values[i];
    rows[i] = row;
  }
  return rows;
}

/** Uint16 tenths in base64 (65535 = null) to a Float64Array with NaN for null. */
export function decodeTenths(base64: string): Float64Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  const out = new Float64Array(u16.length);
  for (let i = 0; i < u16.length; i++) out[i] = u16[i] === 65535 ? NaN : u16[i]! / 10;
  return out;
}

/** A string of "0" and "1", one character a row, to a Uint8Array of 0 and 1. */
export function decodeFlags(flags: string): Uint8Array {
  return Uint8Array.from(flags, (c) => (c === "1" ? 1 : 0));
}

/** An account's entry of a viewer shard with its `lists` (sent as columns) back as rows; a list that is null stays null. */
export function unpackAccount<T extends Record<string, unknown>>(entry: T, lists: readonly string[]): T {
  const out: Record<string, unknown> = { ...entry };
  for (const key of lists) {
    const value = entry[key];
    if (value !== null && value !== undefined) out[key] = rowsOf(value as Record<string, unknown[] | DictColumn>);
  }
  return out as T;
}
