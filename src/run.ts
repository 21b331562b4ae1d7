/**
 * The main job: score the warehouse and run every downstream stage (alerts, expansion, cohorts,
 * backtest...), then publish all their files together, so the output directory always holds one
 * consistent run.
 */
import type { Logger } from "./cli/log.ts";
import type { Locations } from "./cli/paths.ts";
import { withDatabase, type Database } from "./db/duckdb.ts";
import { writeHealthOutputs } from "./health/outputs.ts";
import { publish, type OutputBatch, type WrittenFile } from "./output/publish.ts";
import { scoreWarehouse, type Scored } from "./pipeline.ts";

export interface StageContext {
  db: Database;
  scored: Scored;
  locations: Locations;
  log: Logger;
  batch: OutputBatch;
}

export interface Stage {
  name: string;
  run(context: StageContext): Promise<void>;
}

const healthStage: Stage = {
  name: "health history",
  run: ({ db, scored, batch }) => writeHealthOutputs(db, scored.health, batch),
};

/** Every stage of the main job, in order; later stages may read tables earlier ones created. */
export const STAGES: readonly Stage[] = [healthStage];

/** Scores the warehouse, runs `stages` and publishes their files to `locations.out`. */
export async function runStages(locations: Locations, log: Logger, stages: readonly Stage[] = STAGES): Promise<WrittenFile[]> {
  return withDatabase(async (db) => {
    const scored = await scoreWarehouse(db, locations, log);
    return publish(db, locations.out, async (batch) => {
      for (const stage of stages) await log.step(stage.name, () => stage.run({ db, scored, locations, log, batch }));
    });
  });
}
