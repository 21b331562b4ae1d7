/**
 * The main job: score the warehouse and run every downstream stage (alerts, expansion, cohorts,
 * backtest...), then publish all their files together, so the output directory always holds one
 * consistent run.
 */
import { buildAlerts, writeAlertOutputs } from "./alerts/alerts.ts";
import { backtestStage } from "./backtest/stage.ts";
import type { Logger } from "./core/log.ts";
import type { Stage } from "./core/stage.ts";
import { buildCohorts, writeCohortOutputs } from "./cohorts/cohorts.ts";
import { withDatabase, type Database } from "./db/duckdb.ts";
import { buildExpansion, writeExpansionOutputs } from "./expansion/expansion.ts";
import { writeHealthOutputs } from "./health/outputs.ts";
import { outcomesStage } from "./outcomes/stage.ts";
import { publish, runIdentity, type WrittenFile } from "./output/publish.ts";
import { scoreWarehouse, type RunLocations, type Scored } from "./pipeline.ts";

const healthStage: Stage = {
  name: "health history",
  run: ({ db, scored, batch }) => writeHealthOutputs(db, scored.health, batch),
};

const alertsStage: Stage = {
  name: "alerts",
  async run({ db, scored, batch }) {
    await buildAlerts(db, scored.formula, scored.health.accountBatches);
    await writeAlertOutputs(db, batch);
  },
};

const expansionStage: Stage = {
  name: "expansion",
  async run({ db, scored, batch }) {
    await buildExpansion(db, scored.formula);
    await writeExpansionOutputs(db, batch);
  },
};

const cohortsStage: Stage = {
  name: "cohorts",
  async run({ db, scored, batch }) {
    await buildCohorts(db, scored.formula);
    await writeCohortOutputs(batch);
  },
};

/** Every stage of the main job, in order; later stages may read tables earlier ones created. */
export const STAGES: readonly Stage[] = [healthStage, alertsStage, expansionStage, cohortsStage, backtestStage(), outcomesStage()];

/** The stages of the main job up to and including the one named `name`. */
export function stagesThrough(name: string): readonly Stage[] {
  const end = STAGES.findIndex((stage) => stage.name === name);
  if (end < 0) throw new Error(`no stage named "${name}"`);
  return STAGES.slice(0, end + 1);
}

/** Scores the warehouse, runs `stages` and publishes their files to `locations.out`. */
export async function runStages(locations: RunLocations, log: Logger, stages: readonly Stage[] = STAGES): Promise<WrittenFile[]> {
  return (await runStagesThen(locations, log, stages, async () => undefined)).files;
}

/**
 * Like `runStages`, then, once the files are published and while the database is still open,
 * reads what a command prints (`read`), so the printout and the files come from the same run.
 */
export async function runStagesThen<T>(
  locations: RunLocations,
  log: Logger,
  stages: readonly Stage[],
  read: (db: Database, scored: Scored) => Promise<T>,
): Promise<{ files: WrittenFile[]; result: T }> {
  return withDatabase(async (db) => {
    const scored = await scoreWarehouse(db, locations, log);
    const identity = runIdentity(locations.data, scored.formula.hash, scored.ingested.exportedAt);
    const files = await publish(
      db,
      locations.out,
      async (batch) => {
        for (const stage of stages) await log.step(stage.name, () => stage.run({ db, scored, locations, log, batch }));
      },
      identity,
      (removed) =>
        log.info(
          `removed ${removed.length} file(s) of an earlier run in ${locations.out} with another formula or other data: ${removed.join(", ")}`,
        ),
    );
    return { files, result: await read(db, scored) };
  });
}
