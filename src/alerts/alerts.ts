/**
 * The alerts stage: replays every alert condition over the weekly history in DuckDB (so past
 * alerts can be measured, not only this week's), folds each condition into one alert per episode,
 * and words it. Leaves the `alerts` table (one row per alert) for the output files and the CLI.
 */
import { listValue } from "@duckdb/node-api";
import { ident, literal, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import type { OutputBatch } from "../output/publish.ts";
import { csvText } from "../output/csv.ts";
import { accountRelations, buildInAccountBatches, type AccountBatch } from "../health/account-batches.ts";
import { buildAll, stageModels } from "../sql/graph.ts";
import { loadAlertPlaybooks, loadMeasureCatalogue } from "./catalogue.ts";

/** Columns of alerts.parquet, alerts.csv and `health alerts`, in order. */
export const ALERT_COLUMNS = [
  "alert_id",
  "account_id",
  "account_name",
  "kind",
  "severity",
  "raised_week_end",
  "raised_as_of",
  "cleared_week_end",
  "is_open",
  "status",
  "last_seen_week_end",
  "weeks_active",
  "reason",
  "drivers",
  "category_id",
  "playbook",
  "playbook_source",
  "score",
  "score_before",
  "tier",
  "arr",
  "renewal_date",
  "days_to_renewal",
  "segment",
  "csm_owner",
  "formula_hash",
] as const;

export interface AlertRecord {
  alert_id: string;
  account_id: string;
  account_name: string;
  kind: string;
  severity: "high" | "medium" | "low";
  raised_week_end: string;
  raised_as_of: string;
  cleared_week_end: string | null;
  is_open: boolean;
  status: "open" | "cleared" | "churned";
  last_seen_week_end: string;
  weeks_active: number;
  reason: string;
  drivers: string[];
  category_id: string | null;
  playbook: string;
  playbook_source: string;
  score: number | null;
  score_before: number | null;
  tier: string | null;
  arr: number;
  renewal_date: string;
  days_to_renewal: number;
  segment: string;
  csm_owner: string | null;
  formula_hash: string;
}

/**
 * Builds the `alerts` table (and its intermediate models) from the scored history in `db`. Every
 * alert model reads one account's rows only, so a book scored in account batches (`batches`, from
 * the health run) gets its alerts built batch by batch too, holding one batch in memory.
 */
export async function buildAlerts(db: Database, formula: LoadedFormula, batches: readonly AccountBatch[] = []): Promise<void> {
  const a = formula.formula.alerts;
  await loadMeasureCatalogue(db);
  await loadAlertPlaybooks(db, formula.formula);
  const params = {
    drop_points: a.score_drop.points,
    drop_weeks: a.score_drop.weeks,
    tier_weeks: a.tier_down.weeks,
    tier_min_points: a.tier_down.min_points,
    champion_days: a.key_person_inactive_days.champion,
    sponsor_days: a.key_person_inactive_days.executive_sponsor,
    min_nps: a.divergence.min_nps,
    usage_drop: a.divergence.usage_drop,
    trend_measure: a.divergence.trend_measure,
    renewal_days: a.renewal_window_days,
    renewal_tiers: listValue(a.renewal_tiers),
    clear_weeks: a.clear_after_weeks,
  };
  // the models of src/sql/alerts, in dependency order
  const models = stageModels("alerts");
  const buildModels = () => buildAll(db, models, { params });
  if (batches.length < 2) return buildModels();
  const built = models.map((m) => m.name);
  await buildInAccountBatches(db, batches, {
    inputs: await accountRelations(db, built),
    narrow: "view",
    keep: built,
    build: buildModels,
  });
}

export interface AlertFilter {
  /** Only alerts raised in a week ending on or after this date (YYYY-MM-DD). */
  since?: string;
  /** Only alerts still open at the last scored week. */
  openOnly?: boolean;
}

/** Alerts newest first (then by severity and ARR), with dates as ISO text: all columns, or those given. */
function alertsQuery(filter: AlertFilter, columns = "*"): string {
  const since = filter.since === undefined ? "null::date" : `${literal(filter.since)}::date`;
  return `select ${columns} from (
       select
         * replace (
           strftime(raised_week_end, '%Y-%m-%d') as raised_week_end,
           strftime(raised_as_of, '%Y-%m-%dT%H:%M:%SZ') as raised_as_of,
           strftime(cleared_week_end, '%Y-%m-%d') as cleared_week_end,
           strftime(last_seen_week_end, '%Y-%m-%d') as last_seen_week_end,
           strftime(renewal_date, '%Y-%m-%d') as renewal_date
         )
       from alerts
       where (${since} is null or raised_week_end >= ${since})
         and ${filter.openOnly ? "is_open" : "true"}
     )
     order by raised_week_end desc, case severity when 'high' then 0 when 'medium' then 1 else 2 end, arr desc, account_id, kind`;
}

/** Alerts newest first (then by severity and ARR), with dates as ISO text, for printing. */
export async function alertRecords(db: Database, filter: AlertFilter = {}): Promise<AlertRecord[]> {
  return db.all<AlertRecord & Record<string, unknown>>(alertsQuery(filter));
}

/** The CSV a CRM can import: one alert a line, drivers as "a; b", text cells safe from formula injection. */
export function alertsCsvQuery(filter: AlertFilter = {}): string {
  return alertsQuery(filter, ALERT_COLUMNS.map(ident).join(", "));
}

/** The alerts CSV as text (as alerts.csv holds it, filtered). */
export async function alertsCsv(db: Database, filter: AlertFilter = {}): Promise<string> {
  return csvText(db, alertsCsvQuery(filter));
}

/** Adds alerts.parquet and alerts.csv (every alert, newest first) to the batch. */
export async function writeAlertOutputs(db: Database, batch: OutputBatch): Promise<void> {
  await batch.parquet("alerts", "select * from alerts order by raised_week_end, account_id, kind");
  await batch.csv("alerts.csv", alertsCsvQuery());
}
