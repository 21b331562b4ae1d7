/**
 * The steps every command shares: load the formula (first, so a bad formula fails fast), ingest
 * the exports, compute the weekly health history. Progress goes to the logger.
 *
 * What depends on the data alone (the check, the staged exports, the usage rollup, the measures) is
 * kept as a data snapshot (src/health/snapshot.ts) in `locations.cache` (default: HEALTH_CACHE,
 * else `<out>/.health-cache`; null or HEALTH_CACHE=off for none): a run on the same data with
 * another formula restores it and re-does the scoring and what follows only.
 */
import type { Logger } from "./core/log.ts";
import type { Locations } from "./core/paths.ts";
import type { Database } from "./db/duckdb.ts";
import { loadFormula, type LoadedFormula } from "./formula/load.ts";
import { computeHealth, type HealthRun } from "./health/engine.ts";
import { ingest, type IngestResult } from "./ingest/ingest.ts";
import { formatProblem } from "./ingest/problems.ts";
import { restoreSnapshot, saveSnapshot, snapshotDirectory, snapshotKey } from "./health/snapshot.ts";

/** Where a run reads and writes its files; `cache`: the data snapshots' folder (undefined: the default for `out`, null: none). */
export type RunLocations = Locations & { cache?: string | null };

export interface Scored {
  formula: LoadedFormula;
  ingested: IngestResult;
  health: HealthRun;
}

export async function scoreWarehouse(db: Database, locations: RunLocations, log: Logger): Promise<Scored> {
  const formula = loadFormula(locations.formula);
  log.info(`formula "${formula.formula.name}" (${formula.hash}) from ${locations.formula}`);
  const cache = locations.cache === undefined ? snapshotDirectory(locations.out) : locations.cache;
  const key = cache ? snapshotKey(locations.data, formula) : "";
  const restored = cache ? await restoreSnapshot(db, cache, key) : undefined;
  if (restored) log.info(`exports in ${locations.data} unchanged since they were checked: measures read from ${cache}/${key}.duckdb`);
  const ingested =
    restored ?? (await log.step(`checking exports in ${locations.data}`, () => ingest(db, locations.data, { onProgress: log.info })));
  for (const warning of ingested.warnings) log.warn(formatProblem(warning));
  // a snapshot that cannot be written (a full disk, a read-only HEALTH_CACHE) costs the next run time, not this run
  const afterMeasures =
    cache && !restored
      ? async () => {
          try {
            await saveSnapshot(db, cache, key, ingested);
          } catch (error) {
            log.warn(`the data snapshot was not kept in ${cache} (${(error as Error).message}); the next run checks the exports again`);
          }
        }
      : undefined;
  const health = await log.step("computing weekly health history", () =>
    computeHealth(db, ingested, formula, log.info, { restored: Boolean(restored), afterMeasures }),
  );
  for (const warning of health.warnings) log.warn(warning);
  return { formula, ingested, health };
}
