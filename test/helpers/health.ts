/** Runs ingest and the health engine on a warehouse directory, for tests. */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { DEFAULT_FORMULA_FILE } from "../../src/core/paths.ts";
import { Database } from "../../src/db/duckdb.ts";
import { parseFormula, type LoadedFormula } from "../../src/formula/load.ts";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { computeHealth, type EngineOptions, type HealthRun } from "../../src/health/engine.ts";
import { ingest } from "../../src/ingest/ingest.ts";

/** The default formula as a plain object, for tests to change. */
export function defaultFormulaInput(): FormulaInput {
  return parse(readFileSync(DEFAULT_FORMULA_FILE, "utf8")) as FormulaInput;
}

/**
 * The formula with raw thresholds (no score relative to the book), for tests of mechanics on a
 * handful of planted accounts, where percentile ranks would tie each account's score to the others.
 */
export function absoluteFormulaInput(): FormulaInput {
  return parse(readFileSync(new URL("../fixtures/absolute-formula.yaml", import.meta.url), "utf8")) as FormulaInput;
}

export function formulaFrom(input: FormulaInput): LoadedFormula {
  return parseFormula(JSON.stringify(input), "test-formula.json");
}

export interface Scoring {
  db: Database;
  run: HealthRun;
  /** Rows of a query, closing nothing: call `close()` when done. */
  close(): void;
}

/** Ingests `dir` and computes health with `formula` (default formula if omitted). */
export async function scoreDir(
  dir: string,
  formula: LoadedFormula = formulaFrom(defaultFormulaInput()),
  options?: EngineOptions,
): Promise<Scoring> {
  const db = await Database.open();
  try {
    const ingested = await ingest(db, dir);
    const run = await computeHealth(db, ingested, formula, () => {}, options);
    return { db, run, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Raw value of a measure for an account in the week ending `weekEnd`. */
export async function measureValue(db: Database, account: string, weekEnd: string, measure: string): Promise<number | null | undefined> {
  const row = await db.one<{ raw_value: number | null }>(
    `select raw_value from int_measure_values v join int_calendar c using (week_start)
     where v.account_id = $account and c.week_end = $week::date and v.measure_id = $measure`,
    { account, week: weekEnd, measure },
  );
  return row ? row.raw_value : null;
}
