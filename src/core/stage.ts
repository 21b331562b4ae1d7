/**
 * A stage of the main job: what it receives and how it runs. Here, below both the job (src/run.ts)
 * and the stages it runs (src/backtest/stage.ts...), so neither imports the other for the shape.
 */
import type { Database } from "../db/duckdb.ts";
import type { OutputBatch } from "../output/publish.ts";
import type { Scored } from "../pipeline.ts";
import type { Logger } from "./log.ts";
import type { Locations } from "./paths.ts";

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
