/** The health engine's output files and the summary that goes with them. */
import path from "node:path";
import { literal, type Database } from "../db/duckdb.ts";
import type { OutputBatch } from "../output/publish.ts";
import type { HealthRun } from "./engine.ts";

/**
 * The health outputs, each written in the order its model builds it (by account first): a book
 * scored in account batches is read back batch after batch in account order, so no output needs
 * a sort of the whole book (at 100k accounts that sort spilled tens of GB). Each carries the
 * formula hash, so a chart can say which formula made it; it is a literal, as a join could
 * reorder rows.
 */
export const HEALTH_OUTPUTS = ["account_health_weekly", "account_measures_weekly", "user_health", "accounts"] as const;

function outputQuery(name: (typeof HEALTH_OUTPUTS)[number], formulaHash: string): string {
  return name === "account_health_weekly" ? `select * from ${name}` : `select *, ${literal(formulaHash)} as formula_hash from ${name}`;
}

export interface HealthSummary {
  formula: { name: string; hash: string; file: string };
  exported_at: string;
  weeks: { count: number; first_week_end: string | null; last_week_end: string | null };
  account_weeks: number;
  accounts_scored: number;
  latest_week: { accounts: number; tiers: Record<string, number>; mean_score: number | null; mean_coverage: number | null };
  categories: { id: string; label: string; weight: number; accounts_with_data_latest: number }[];
  /** The formula's measures with no usable data in any week, and why (their weight went to the rest). */
  measures_without_data: { measure: string; category: string; reason: string }[];
  warnings: string[];
}

export async function healthSummary(db: Database, run: HealthRun): Promise<HealthSummary> {
  const latestWeek = "(select max(week_start) from int_calendar)";
  const byTier = await db.all<{ tier: string; n: number }>(
    `select tier, count(*)::integer as n from account_health_weekly where week_start = ${latestWeek} group by tier`,
  );
  const overall = await db.one<{ mean_score: number | null; mean_coverage: number | null }>(
    `select exact_sum(score) / count(score) as mean_score, exact_sum(coverage) / count(coverage) as mean_coverage from account_health_weekly where week_start = ${latestWeek}`,
  );
  const categories = await db.all<{ id: string; label: string; weight: number; n: number }>(`
    select f.category_id as id, f.label, f.weight, count(c.account_id)::integer as n
    from formula_categories as f
    left join int_category_scores as c
      on c.category_id = f.category_id and c.week_start = ${latestWeek}
    group by f.category_id, f.label, f.weight, f.position order by f.position`);
  const tiers = Object.fromEntries(run.formula.formula.tiers.map((t) => [t.id, byTier.find((r) => r.tier === t.id)?.n ?? 0]));
  return {
    // the file name only: the site is published, local paths are nobody's business
    formula: { name: run.formula.formula.name, hash: run.formula.hash, file: path.basename(run.formula.file) },
    exported_at: run.exportedAt.toISOString(),
    weeks: { count: run.weeks, first_week_end: run.firstWeekEnd, last_week_end: run.lastWeekEnd },
    account_weeks: run.accountWeeks,
    accounts_scored: run.accounts,
    latest_week: {
      accounts: Object.values(tiers).reduce((a, b) => a + b, 0),
      tiers,
      mean_score: overall?.mean_score ?? null,
      mean_coverage: overall?.mean_coverage ?? null,
    },
    categories: categories.map((c) => ({ id: c.id, label: c.label, weight: c.weight, accounts_with_data_latest: c.n })),
    measures_without_data: run.measuresWithoutData,
    warnings: run.warnings,
  };
}

/** Adds the health outputs and health_summary.json to a batch. */
export async function writeHealthOutputs(db: Database, run: HealthRun, batch: OutputBatch): Promise<void> {
  for (const name of HEALTH_OUTPUTS) await batch.parquet(name, outputQuery(name, run.formula.hash));
  batch.json("health_summary", await healthSummary(db, run));
}
