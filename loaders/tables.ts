/**
 * The list pages' data: alerts, expansion opportunities and cohorts, straight from the outputs of
 * the stages that make them. A run without such a stage gives `{available: false}`, and the page
 * says so instead of failing.
 */
import { columnsOf, plainRows, round } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** Weeks of closed alerts the site offers besides the open ones. */
export const RECENT_ALERT_WEEKS = 13;
/** Weeks of closed alerts in the alerts page's own file; the older ones of RECENT_ALERT_WEEKS come on demand. */
export const PAGE_ALERT_WEEKS = 4;

/** A list as columns (`columnsOf`): at 10k accounts the alerts as row objects were 6.4 MiB. */
export type Listing = { available: false } | { available: true; columns: Record<string, unknown[] | DictColumn> };

/** The alerts listing, with the spans the page offers and the per-week counts it charts. */
export type AlertListing =
  | { available: false }
  | {
      available: true;
      columns: Record<string, unknown[] | DictColumn>;
      /** `since`: alerts raised after this week end are in the recent weeks; `page_since`: in this file unless open. */
      recent: { weeks: number; since: string | null; page_weeks: number; page_since: string | null };
      /** Alerts raised per week and kind over the recent weeks, for the chart (every alert, in this file or the older one). */
      per_week: Record<string, unknown[] | DictColumn>;
    };

/**
 * What the alerts table shows and downloads (the account page lists each alert with its drivers;
 * an alert is named by account, kind and week raised, as its id is): leaving out the id, drivers,
 * scores before and the like halved the file.
 */
const ALERT_COLUMNS = [
  "account_id",
  "account_name",
  "kind",
  "severity",
  "raised_week_end",
  "cleared_week_end",
  "is_open",
  "tier",
  "score",
  "arr",
  "csm_owner",
  "days_to_renewal",
  "reason",
  "playbook",
];

async function alertColumns(outputs: Outputs): Promise<string> {
  const present = new Set(
    (await outputs.db.all<{ column_name: string }>("select column_name from (describe alerts)")).map((c) => c.column_name),
  );
  return ALERT_COLUMNS.filter((c) => present.has(c))
    .map((c) => `"${c}"`)
    .join(", ");
}

/**
 * The alerts page's file: every open alert and the closed ones raised in the last PAGE_ALERT_WEEKS
 * weeks, newest first, with the counts per week and kind over RECENT_ALERT_WEEKS for the chart.
 */
export async function alerts(outputs: Outputs): Promise<AlertListing> {
  if (!outputs.has("alerts")) return { available: false };
  // alerts raised after these week ends are "recent" / in the page (no date maths in the page)
  const since = await outputs.db.one<{ since: string | null; page_since: string | null }>(
    `select strftime(max(week_end) - $days::integer, '%Y-%m-%d') as since, strftime(max(week_end) - $page_days::integer, '%Y-%m-%d') as page_since
     from account_health_weekly`,
    { days: RECENT_ALERT_WEEKS * 7, page_days: PAGE_ALERT_WEEKS * 7 },
  );
  const rows = await outputs.db.all(
    `select ${await alertColumns(outputs)} from alerts
     where is_open or raised_week_end > (select max(week_end) from account_health_weekly) - $days::integer
     order by raised_week_end desc, severity, arr desc, alert_id`,
    { days: PAGE_ALERT_WEEKS * 7 },
  );
  const perWeek = await outputs.db.all(
    `select strftime(raised_week_end, '%Y-%m-%d') as week_end, kind, count(*)::integer as alerts from alerts
     where raised_week_end > (select max(week_end) from account_health_weekly) - $days::integer
     group by all order by week_end, kind`,
    { days: RECENT_ALERT_WEEKS * 7 },
  );
  return {
    available: true,
    columns: columnsOf(plainRows(rows)),
    recent: { weeks: RECENT_ALERT_WEEKS, since: since?.since ?? null, page_weeks: PAGE_ALERT_WEEKS, page_since: since?.page_since ?? null },
    per_week: columnsOf(plainRows(perWeek)),
  };
}

/**
 * `data/alerts-older.json`, fetched only when the reader asks for all recent weeks: the closed
 * alerts raised in the weeks of RECENT_ALERT_WEEKS that the page's own file leaves out.
 */
export async function olderAlerts(outputs: Outputs): Promise<Listing> {
  if (!outputs.has("alerts")) return { available: false };
  const rows = await outputs.db.all(
    `select ${await alertColumns(outputs)} from alerts, (select max(week_end) as last from account_health_weekly)
     where not is_open and raised_week_end <= last - $page_days::integer and raised_week_end > last - $days::integer
     order by raised_week_end desc, severity, arr desc, alert_id`,
    { days: RECENT_ALERT_WEEKS * 7, page_days: PAGE_ALERT_WEEKS * 7 },
  );
  return { available: true, columns: columnsOf(plainRows(rows)) };
}

/** Ranked expansion opportunities. */
export async function expansion(outputs: Outputs): Promise<Listing> {
  if (!outputs.has("expansion")) return { available: false };
  const rows = await outputs.db.all("select * from expansion order by rank");
  return { available: true, columns: columnsOf(plainRows(rows, ["formula_hash"])) };
}

/** Cohorts of a dimension whose weekly series the page charts: the largest ones (a CSM cohort per 40 accounts would be 2,500 lines at 100k accounts). */
export const COHORT_SERIES = 12;

/** The cohorts page's data: see `cohorts`. */
export type CohortListing =
  | { available: false }
  | {
      available: true;
      /** Weekly rows of the COHORT_SERIES largest cohorts (by their latest size) of each dimension. */
      series: Record<string, unknown[] | DictColumn>;
      /** One row per cohort of every dimension: its latest week, largest first. */
      latest: Record<string, unknown[] | DictColumn>;
      /** Per dimension: cohorts in all, and how many have a series. */
      counts: Record<string, { cohorts: number; charted: number }>;
    };

/**
 * Cohort health and retention as columns (text as dictionary codes, numbers rounded): the weekly
 * series of each dimension's largest cohorts, and every cohort's latest week. All rows of all
 * cohorts by week grew with the number of CSMs: 1.3 MiB at 10k accounts.
 */
export async function cohorts(outputs: Outputs): Promise<CohortListing> {
  if (!outputs.has("cohorts")) return { available: false };
  const number = (key: string, value: unknown) => round(value, key === "retained_share" ? 4 : 1);
  const latestRows = plainRows(
    await outputs.db.all(
      `select * exclude (formula_hash, week_start, rank) from (
         select *, row_number() over (partition by dimension order by cohort_size desc, cohort) as rank
         from (select * from cohorts qualify row_number() over (partition by dimension, cohort order by week_end desc) = 1))
       order by dimension, rank`,
    ),
  );
  const series = plainRows(
    await outputs.db.all(
      `with latest as (
         select dimension, cohort, row_number() over (partition by dimension order by cohort_size desc, cohort) as rank
         from (select * from cohorts qualify row_number() over (partition by dimension, cohort order by week_end desc) = 1))
       select c.* exclude (formula_hash, week_start) from cohorts as c join latest as l using (dimension, cohort)
       where l.rank <= $n order by c.dimension, c.cohort, c.week_end`,
      { n: COHORT_SERIES },
    ),
  );
  const counts: Record<string, { cohorts: number; charted: number }> = {};
  for (const r of latestRows) {
    const c = counts[String(r.dimension)] ?? { cohorts: 0, charted: 0 };
    counts[String(r.dimension)] = c;
    c.cohorts++;
    c.charted = Math.min(c.cohorts, COHORT_SERIES);
  }
  return { available: true, series: columnsOf(series, number), latest: columnsOf(latestRows, number), counts };
}

const loader = (build: (outputs: Outputs) => Promise<Listing | AlertListing | CohortListing>) => async (dir: string) =>
  JSON.stringify(await withOutputs(dir, build));

/** Loader cores: JSON text for the outputs in `dir`. */
export const alertsLoader = loader(alerts);
export const olderAlertsLoader = loader(olderAlerts);
export const expansionLoader = loader(expansion);
export const cohortsLoader = loader(cohorts);
