/**
 * Lists a page gets in parts: the first rows in its own file, the rest in files fetched on demand
 * (loaders/alerts.ts, loaders/tables.ts, loaders/portfolio.ts). Searching them and putting the parts back in order.
 * DOM-free and import-free.
 */

/**
 * The rows whose `columns` hold each word of `query` at the start of a word, ignoring case (as
 * Observable Inputs' search box matches); all rows for an empty query. Apart from the rows, so that
 * a page's search box stays as it is (focus and text) while the page fetches the rest of the rows.
 */
export function searchRows<T extends Record<string, unknown>>(
  rows: readonly T[],
  query: string,
  columns: readonly (keyof T & string)[],
): T[] {
  const terms = query
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => new RegExp(`(?:^|[^\\p{L}-])${term.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}`, "iu"));
  if (terms.length === 0) return rows.slice();
  return rows.filter((row) => terms.every((term) => columns.some((c) => term.test(String(row[c] ?? "")))));
}

/** The rows of several parts as one list, by their `rank` (each part's rows are the list's, in no shared order). */
export function byRank<T extends { rank?: unknown }>(parts: readonly (readonly T[])[]): T[] {
  return parts.flat().sort((a, b) => Number(a.rank) - Number(b.rank));
}
