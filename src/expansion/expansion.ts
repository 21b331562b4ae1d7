/**
 * The expansion stage: healthy current customers with growth signals (seats nearly all used,
 * rising active users, growing breadth, requests for features of a higher plan), ranked by an
 * estimate of potential ARR documented in src/sql/expansion/expansion.sql.
 */
import { ident, type Database } from "../db/duckdb.ts";
import { csvText } from "../output/csv.ts";
import type { LoadedFormula } from "../formula/load.ts";
import type { OutputBatch } from "../output/publish.ts";
import { loadMeasureCatalogue } from "../alerts/catalogue.ts";
import { buildStage } from "../sql/graph.ts";

/** Columns of expansion.parquet, expansion.csv and `health expansion`, in order. */
export const EXPANSION_COLUMNS = [
  "rank",
  "account_id",
  "account_name",
  "segment",
  "plan",
  "csm_owner",
  "arr",
  "seats",
  "active_users",
  "score",
  "tier",
  "licence_utilisation",
  "active_users_trend_8w",
  "breadth_trend_8w",
  "higher_plan_requests",
  "requested_features",
  "target_plan",
  "signals",
  "extra_seats",
  "seat_potential_arr",
  "plan_potential_arr",
  "potential_arr",
  "week_end",
  "formula_hash",
] as const;

export interface ExpansionRecord {
  rank: number;
  account_id: string;
  account_name: string;
  segment: string;
  plan: string;
  csm_owner: string | null;
  arr: number;
  seats: number;
  active_users: number;
  score: number;
  tier: string;
  licence_utilisation: number | null;
  active_users_trend_8w: number | null;
  breadth_trend_8w: number | null;
  higher_plan_requests: number;
  requested_features: string[];
  target_plan: string | null;
  signals: string[];
  extra_seats: number;
  seat_potential_arr: number;
  plan_potential_arr: number;
  potential_arr: number;
  week_end: string;
  formula_hash: string;
}

/** Builds the `expansion` table from the scored history in `db`. */
export async function buildExpansion(db: Database, formula: LoadedFormula): Promise<void> {
  const e = formula.formula.expansion;
  await loadMeasureCatalogue(db);
  await db.run("create or replace table formula_plans (plan varchar, position integer)");
  for (const [position, plan] of e.plans.entries()) await db.run("insert into formula_plans values ($plan, $position)", { plan, position });
  await buildStage(db, "expansion", {
    params: {
      min_score: e.min_score,
      seat_utilisation: e.seat_utilisation,
      active_users_growth: e.active_users_growth,
      breadth_growth: e.breadth_growth,
      plan_uplift: e.plan_uplift,
      min_plan_requests: e.min_plan_requests,
      request_window_days: e.request_window_days,
      min_tenure_days: e.min_tenure_days,
    },
  });
}

const RECORDS = "select * replace (strftime(week_end, '%Y-%m-%d') as week_end) from expansion order by rank";

/** Opportunities by rank, with the week as ISO text. */
export async function expansionRecords(db: Database): Promise<ExpansionRecord[]> {
  return db.all<ExpansionRecord & Record<string, unknown>>(RECORDS);
}

/** The CSV for a CRM: lists joined with "; ", text cells safe from formula injection. */
const CSV_QUERY = `select ${EXPANSION_COLUMNS.map(ident).join(", ")} from (${RECORDS}) order by rank`;

/** The expansion CSV as text, as expansion.csv holds it. */
export async function expansionCsv(db: Database): Promise<string> {
  return csvText(db, CSV_QUERY);
}

/** Adds expansion.parquet and expansion.csv to the batch. */
export async function writeExpansionOutputs(db: Database, batch: OutputBatch): Promise<void> {
  await batch.parquet("expansion", "select * from expansion order by rank");
  await batch.csv("expansion.csv", CSV_QUERY);
}
