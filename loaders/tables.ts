/**
 * The list pages' data: alerts, expansion opportunities and cohorts, straight from the outputs of
 * the stages that make them. A run without such a stage gives `{available: false}`, and the page
 * says so instead of failing.
 */
import { accountSlug, columnsOf, plainRows, round } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** Weeks of closed alerts kept besides the open ones. */
export const RECENT_ALERT_WEEKS = 13;

/** A list as columns (`columnsOf`): at 10k accounts the alerts as row objects were 6.4 MiB. */
export type Listing = { available: false } | { available: true; columns: Record<string, unknown[] | DictColumn> };

/** The alerts listing, with the span of "recent" alerts the page charts and offers as a filter. */
export type AlertListing =
  | { available: false }
  | { available: true; columns: Record<string, unknown[] | DictColumn>; recent: { weeks: number; since: string | null } };

const withSlug = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, slug: accountSlug(String(r.account_id)) }));

/** Open alerts and those raised in the last RECENT_ALERT_WEEKS weeks, newest first. */
export async function alerts(outputs: Outputs): Promise<AlertListing> {
  if (!outputs.has("alerts")) return { available: false };
  // alerts raised after this week end are "recent" (the page's chart and filter; no date maths in the page)
  const since = await outputs.db.one<{ since: string | null }>(
    "select strftime(max(week_end) - $days::integer, '%Y-%m-%d') as since from account_health_weekly",
    { days: RECENT_ALERT_WEEKS * 7 },
  );
  const rows = await outputs.db.all(
    `select * from alerts
     where is_open or raised_week_end > (select max(week_end) from account_health_weekly) - $days::integer
     order by raised_week_end desc, severity, arr desc, alert_id`,
    { days: RECENT_ALERT_WEEKS * 7 },
  );
  return {
    available: true,
    columns: columnsOf(withSlug(plainRows(rows, ["formula_hash"]))),
    recent: { weeks: RECENT_ALERT_WEEKS, since: since?.since ?? null },
  };
}

/** Ranked expansion opportunities. */
export async function expansion(outputs: Outputs): Promise<Listing> {
  if (!outputs.has("expansion")) return { available: false };
  const rows = await outputs.db.all("select * from expansion order by rank");
  return { available: true, columns: columnsOf(withSlug(plainRows(rows, ["formula_hash"]))) };
}

/**
 * Cohort health and retention by week, as columns: five dimensions x cohorts x 104 weeks is
 * thousands of rows, so text repeats as dictionary codes and numbers are rounded (1.5 MB of row
 * objects at 1k accounts otherwise).
 */
export async function cohorts(outputs: Outputs): Promise<Listing> {
  if (!outputs.has("cohorts")) return { available: false };
  const rows = plainRows(
    await outputs.db.all("select * exclude (formula_hash, week_start) from cohorts order by dimension, cohort, week_end"),
  );
  const columns = columnsOf(rows, (key, value) => round(value, key === "retained_share" ? 4 : 1));
  return { available: true, columns };
}

const loader = (build: (outputs: Outputs) => Promise<Listing | AlertListing>) => async (dir: string) =>
  JSON.stringify(await withOutputs(dir, build));

/** Loader cores: JSON text for the outputs in `dir`. */
export const alertsLoader = loader(alerts);
export const expansionLoader = loader(expansion);
export const cohortsLoader = loader(cohorts);
