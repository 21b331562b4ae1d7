/**
 * The cohorts stage: health distribution and logo retention week by week for cohorts by signup
 * quarter, segment, plan, region and CSM, in long form (src/sql/cohorts/cohorts.sql says how each
 * column is defined).
 */
import { ident, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import type { OutputBatch } from "../output/publish.ts";
import { render, sqlFile } from "../sql/files.ts";

export const COHORT_DIMENSIONS = ["signup_quarter", "segment", "plan", "region", "csm"] as const;

/** Builds the `cohorts` table; one tier-count column per formula tier, named after its id. */
export async function buildCohorts(db: Database, formula: LoadedFormula): Promise<void> {
  // Tier ids are validated identifiers; only the formula positions (integers) enter the SQL text.
  const tiers = formula.formula.tiers;
  const sql = render(sqlFile("cohorts/cohorts.sql"), {
    tier_counts: tiers.map((t, position) => `count(*) filter (where t.position = ${position})::integer as ${ident(t.id)}`).join(",\n        "),
    tier_columns: tiers.map((t) => `coalesce(k.${ident(t.id)}, 0) as ${ident(t.id)}`).join(",\n        "),
  });
  try {
    await db.run(`create or replace table cohorts as ${sql}`);
  } catch (error) {
    throw new Error(`building cohorts (src/sql/cohorts/cohorts.sql) failed: ${(error as Error).message}`);
  }
}

/** Adds cohorts.parquet to the batch. */
export async function writeCohortOutputs(batch: OutputBatch): Promise<void> {
  await batch.parquet("cohorts", "cohorts");
}
