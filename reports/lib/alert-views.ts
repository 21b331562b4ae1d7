/**
 * The alerts page's views (its "Show" radio), for both sides: loaders/alerts.ts counts the alerts
 * of each in SQL, the page picks them from its rows with `inAlertView` (test/site/loaders.test.ts
 * checks the two agree), and `filesNeeded` says which on-demand files a view needs. Import-free.
 */

export const ALERT_VIEWS = ["this_week", "open", "short", "recent"] as const;
/** This week's alerts, the open ones, those raised in the short span, and those of the recent weeks with every open one. */
export type AlertView = (typeof ALERT_VIEWS)[number];

/** Week ends (`YYYY-MM-DD`) bounding the views: raised on `last_week_end`, after `short_since`. */
export interface AlertSpans {
  last_week_end: string | null;
  short_since: string | null;
}

type AlertRow = { raised_week_end?: unknown; is_open?: unknown };

/** Whether `row` is in `view`. Every row the page gets is in "recent". */
export function inAlertView(view: AlertView, row: AlertRow, spans: AlertSpans): boolean {
  if (view === "this_week") return row.raised_week_end === spans.last_week_end;
  if (view === "open") return row.is_open === true;
  if (view === "short") return String(row.raised_week_end) > String(spans.short_since);
  return true;
}

/** Whether `rows` hold every alert of `view`, by the loader's count of it. */
export function holdsView(rows: readonly AlertRow[], view: AlertView, counts: Record<AlertView, number>, spans: AlertSpans): boolean {
  let n = 0;
  for (const row of rows) if (inAlertView(view, row, spans)) n++;
  return n === counts[view];
}

/** The on-demand files: the open and short span's alerts the page's own file leaves out, and the older recent weeks' closed ones. */
export type AlertFile = "rest" | "older";

/**
 * The on-demand files the page needs for `view`: none when its own rows hold the whole view, or
 * for the open alerts unfiltered (the page's rows are their first ones) until the reader asks for
 * all; for the recent weeks the older file, and the rest file unless the page's rows hold all the
 * open and short span's alerts; else the rest file.
 */
export function filesNeeded(
  view: AlertView,
  reader: { narrowed: boolean; all: boolean },
  pageRows: readonly AlertRow[],
  counts: Record<AlertView, number>,
  spans: AlertSpans,
): AlertFile[] {
  const holds = (v: AlertView) => holdsView(pageRows, v, counts, spans);
  if (holds(view)) return [];
  if (view === "recent") return holds("open") && holds("short") ? ["older"] : ["rest", "older"];
  if (view === "open" && !reader.narrowed && !reader.all) return [];
  return ["rest"];
}
