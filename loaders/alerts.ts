/**
 * The alerts page's data, in three files whose size the page's own one bounds: `alerts.json` (the
 * first rows of the table's default view, the counts of every view and the selects' options),
 * `alerts-rest.json` (the other open alerts and those raised in the last SHORT_ALERT_WEEKS) and
 * `alerts-older.json` (the closed alerts of the older recent weeks), the last two fetched only when
 * the reader asks for a view, filter or search the first cannot answer. A run without the alerts
 * stage gives `{available: false}`, and the page says so instead of failing.
 */
import type { AlertView } from "../reports/lib/alert-views.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { columnsOf, plainRows } from "./lib/encode.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** Weeks of closed alerts the site offers besides the open ones. */
export const RECENT_ALERT_WEEKS = 13;
/** Weeks of the page's shorter span ("Last 4 weeks"); the closed alerts raised before it are in alerts-older.json. */
export const SHORT_ALERT_WEEKS = 4;
/**
 * Rows in the page's own file: the open alerts first, in the table's order, then the newest closed
 * ones of the short span while the cap allows. An alert row of the demo takes about 250 bytes
 * there (its reason is two thirds of it), so 500 rows are about 125 KB at any book size: more
 * than a reader scrolls through before filtering, and the whole list of a small book.
 */
export const ALERT_PAGE_ROWS = 500;
/** CSMs the CSM select offers, those with the most alerts: at 100k accounts the book has ~2,500, no list to scroll. */
export const ALERT_CSM_OPTIONS = 100;

/** Severities, the most severe first. */
const SEVERITY_RANK = "case severity when 'high' then 0 when 'medium' then 1 else 2 end";
/** The table's order, as `health alerts` prints them: newest first, then the most severe, then the largest ARR. */
const ALERT_ORDER = `raised_week_end desc, ${SEVERITY_RANK}, arr desc, account_id, kind`;

/** A list as columns (`columnsOf`): at 10k accounts the alerts as row objects were 6.4 MiB. */
export type AlertRows = { available: false } | { available: true; columns: Record<string, unknown[] | DictColumn> };

/** The page's own file. */
export type AlertPage =
  | { available: false }
  | {
      available: true;
      /** The page's first alerts (see OFFERED); every row's `rank` is its place in the table of the recent view. */
      columns: Record<string, unknown[] | DictColumn>;
      /** Alerts in each view (reports/lib/alert-views.ts), counted over every alert, in this file or not. */
      counts: Record<AlertView, number>;
      /** Week ends (`YYYY-MM-DD`) bounding the views: raised on `last_week_end`, after `short_since`, after `since`. */
      recent: { weeks: number; since: string | null; short_weeks: number; short_since: string | null; last_week_end: string | null };
      /** The selects' options over every alert the page offers: kinds, severities (most severe first), the ALERT_CSM_OPTIONS CSMs with the most alerts (by name) and how many CSMs there are. */
      kinds: string[];
      severities: string[];
      csms: string[];
      csm_count: number;
      /** Alerts raised per week and kind over the recent weeks, for the chart. */
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

/**
 * Every alert the page offers (open, or raised in the recent weeks), with its `rank` in the
 * table's order and the file it goes to (`part`): the first `cap` of the open alerts then the
 * short span's closed ones to `page`, the rest of those to `rest`, the older closed ones to `older`.
 */
const OFFERED = `
  with last as (select max(week_end) as last from account_health_weekly),
  offered as (
    select a.*, row_number() over (order by ${ALERT_ORDER}) as rank, a.is_open or a.raised_week_end > last - $short_days::integer as is_open_or_short
    from alerts as a, last
    where a.is_open or a.raised_week_end > last - $days::integer
  ),
  parted as (
    select *, case
        when not is_open_or_short then 'older'
        when row_number() over (partition by is_open_or_short order by is_open desc, rank) <= $cap then 'page'
        else 'rest'
      end as part
    from offered
  )`;

/** How much of the lists the page's own file holds. */
export interface AlertPageOptions {
  /** Rows in the file (default ALERT_PAGE_ROWS). */
  rows?: number;
  /** CSMs the CSM select offers (default ALERT_CSM_OPTIONS). */
  csms?: number;
}

const spans = (cap: number) => ({ days: RECENT_ALERT_WEEKS * 7, short_days: SHORT_ALERT_WEEKS * 7, cap });

async function part(outputs: Outputs, name: "page" | "rest" | "older", cap: number): Promise<Record<string, unknown[] | DictColumn>> {
  const present = new Set(
    (await outputs.db.all<{ column_name: string }>("select column_name from (describe alerts)")).map((c) => c.column_name),
  );
  const columns = [...ALERT_COLUMNS.filter((c) => present.has(c)), "rank"].map((c) => `"${c}"`).join(", ");
  const rows = await outputs.db.all(`${OFFERED} select ${columns} from parted where part = $part order by rank`, {
    ...spans(cap),
    part: name,
  });
  return columnsOf(plainRows(rows));
}

/**
 * The alerts page's file: its first `options.rows` alerts (see OFFERED), the count of each view, the
 * selects' options and the counts per week and kind for the chart, all over every alert offered.
 */
export async function alerts(outputs: Outputs, options: AlertPageOptions = {}): Promise<AlertPage> {
  if (!outputs.has("alerts")) return { available: false };
  const { rows: cap = ALERT_PAGE_ROWS, csms: csmOptions = ALERT_CSM_OPTIONS } = options;
  const db = outputs.db;
  const recent = (await db.one<{ since: string | null; short_since: string | null; last_week_end: string | null }>(
    `select strftime(max(week_end) - $days::integer, '%Y-%m-%d') as since, strftime(max(week_end) - $short_days::integer, '%Y-%m-%d') as short_since,
            strftime(max(week_end), '%Y-%m-%d') as last_week_end
     from account_health_weekly`,
    { days: RECENT_ALERT_WEEKS * 7, short_days: SHORT_ALERT_WEEKS * 7 },
  ))!;
  const counts = (await db.one<Record<AlertView, number>>(
    `${OFFERED}
     select count(*) filter (where raised_week_end = last)::integer as this_week, count(*) filter (where is_open)::integer as open,
            count(*) filter (where raised_week_end > last - $short_days::integer)::integer as short, count(*)::integer as recent
     from offered, last`,
    spans(cap),
  ))!;
  const values = async (sql: string, params: Record<string, number> = spans(cap)) =>
    (await db.all<{ v: string }>(`${OFFERED} ${sql}`, params)).map((r) => r.v);
  const csms = await values(
    `select v from (select csm_owner as v from offered where csm_owner is not null group by v order by count(*) desc, v limit $n) order by v`,
    { ...spans(cap), n: csmOptions },
  );
  const csmCount = (await db.one<{ n: number }>(`${OFFERED} select count(distinct csm_owner)::integer as n from offered`, spans(cap)))!;
  const perWeek = await db.all(
    `select strftime(raised_week_end, '%Y-%m-%d') as week_end, kind, count(*)::integer as alerts from alerts
     where raised_week_end > (select max(week_end) from account_health_weekly) - $days::integer
     group by all order by week_end, kind`,
    { days: RECENT_ALERT_WEEKS * 7 },
  );
  return {
    available: true,
    columns: await part(outputs, "page", cap),
    counts,
    recent: { weeks: RECENT_ALERT_WEEKS, short_weeks: SHORT_ALERT_WEEKS, ...recent },
    kinds: await values("select kind as v from offered group by v order by v"),
    severities: await values(`select severity as v from offered group by severity order by ${SEVERITY_RANK}, severity`),
    csms,
    csm_count: csmCount.n,
    per_week: columnsOf(plainRows(perWeek)),
  };
}

/** `data/alerts-rest.json`: the open alerts and the short span's closed ones that the page's file leaves out. */
export async function restOfAlerts(outputs: Outputs, options: Pick<AlertPageOptions, "rows"> = {}): Promise<AlertRows> {
  if (!outputs.has("alerts")) return { available: false };
  return { available: true, columns: await part(outputs, "rest", options.rows ?? ALERT_PAGE_ROWS) };
}

/** `data/alerts-older.json`: the closed alerts raised in the recent weeks before the short span. */
export async function olderAlerts(outputs: Outputs): Promise<AlertRows> {
  if (!outputs.has("alerts")) return { available: false };
  return { available: true, columns: await part(outputs, "older", ALERT_PAGE_ROWS) };
}

const loader = (build: (outputs: Outputs) => Promise<AlertPage | AlertRows>) => async (dir: string) =>
  JSON.stringify(await withOutputs(dir, build));

/** Loader cores: JSON text for the outputs in `dir`. */
export const alertsLoader = loader((o) => alerts(o));
export const restOfAlertsLoader = loader((o) => restOfAlerts(o));
export const olderAlertsLoader = loader(olderAlerts);
