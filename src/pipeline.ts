/**
 * The steps every command shares: load the formula (first, so a bad formula fails fast), ingest
 * the exports, compute the weekly health history. Progress goes to the logger.
 */
import type { Logger } from "./core/log.ts";
import type { Locations } from "./core/paths.ts";
import type { Database } from "./db/duckdb.ts";
import { loadFormula, type LoadedFormula } from "./formula/load.ts";
import { computeHealth, type HealthRun } from "./health/engine.ts";
import { ingest, type IngestResult } from "./ingest/ingest.ts";
import { formatProblem } from "./ingest/problems.ts";

export interface Scored {
  formula: LoadedFormula;
  ingested: IngestResult;
  health: HealthRun;
}

export async function scoreWarehouse(db: Database, locations: Locations, log: Logger): Promise<Scored> {
  const formula = loadFormula(locations.formula);
  log.info(`formula "${formula.formula.name}" (${formula.hash}) from ${locations.formula}`);
  const ingested = await log.step(`checking exports in ${locations.data}`, () => ingest(db, locations.data, { onProgress: log.info }));
  for (const warning of ingested.warnings) log.warn(formatProblem(warning));
  const health = await log.step("computing weekly health history", () => computeHealth(db, ingested, formula, log.info));
  for (const warning of health.warnings) log.warn(warning);
  return { formula, ingested, health };
}
