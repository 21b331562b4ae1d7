/**
 * The cohorts stage: health distribution and logo retention week by week for cohorts by signup
 * quarter, segment, plan, region and CSM, in long form (src/sql/cohorts/cohorts.sql says how each
 * column is defined).
 */
import type { Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import type { OutputBatch } from "../output/publish.ts";
import { buildStage } from "../sql/graph.ts";
import { formulaFragments } from "../sql/templates.ts";

export const COHORT_DIMENSIONS = ["signup_quarter", "segment", "plan", "region", "csm"] as const;

/** Builds the `cohorts` table; one tier-count column per formula tier, named after its id. */
export async function buildCohorts(db: Database, formula: LoadedFormula): Promise<void> {
  // the tier columns come from the formula (src/sql/templates.ts)
  await buildStage(db, "cohorts", { fragments: formulaFragments(formula) });
}

/** Adds cohorts.parquet to the batch. */
export async function writeCohortOutputs(batch: OutputBatch): Promise<void> {
  await batch.parquet("cohorts", "cohorts");
}
