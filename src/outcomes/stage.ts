/** Outcomes as a stage: after the alerts; in the main job only when the book has interventions. */
import type { Stage } from "../core/stage.ts";
import { UsageError } from "../errors.ts";
import {
  buildOutcomes,
  checkGoLive,
  outcomesOptionsFrom,
  outcomesReport,
  writeOutcomeOutputs,
  type OutcomesOptions,
  type OutcomesReport,
} from "./outcomes.ts";

export const OUTCOMES_STAGE = "outcomes";

/**
 * Writes outcomes.json and outcomes_*.parquet. Without `onReport` (the main job) a book with no
 * interventions export is skipped: there is nothing to measure. `health outcomes` (`onReport`)
 * always reports, and warns that every episode then reads "not acted on". Without `options` (the
 * main job) the go-live of the before/after comparison is HEALTH_GO_LIVE, if set.
 */
export function outcomesStage(options?: OutcomesOptions, onReport?: (report: OutcomesReport) => void): Stage {
  return {
    name: OUTCOMES_STAGE,
    async run({ db, scored, batch, log }) {
      const present = await db.one<{ present: boolean }>(
        "select is_present as present from source_tables where table_name = 'interventions'",
      );
      if (!present?.present) {
        if (!onReport) return;
        log.warn("no interventions export in the data: every episode and alert reads as not acted on");
      }
      const opts = options ?? optionsFromEnvironment();
      await checkGoLive(db, opts.goLive, options ? "--go-live" : "HEALTH_GO_LIVE");
      await buildOutcomes(db, scored.formula, scored.ingested.exportedAt, opts);
      const report = await outcomesReport(db, scored.formula, scored.ingested.exportedAt, opts);
      if (report.unknown_alert_ids > 0) {
        log.warn(
          `${report.unknown_alert_ids} intervention(s) name an alert_id that no alert of this run has; they count by account and time`,
        );
      }
      await writeOutcomeOutputs(report, batch);
      onReport?.(report);
    },
  };
}

/** The main job's options: defaults, and HEALTH_GO_LIVE as the go-live date. */
function optionsFromEnvironment(): OutcomesOptions {
  try {
    return outcomesOptionsFrom({ "go-live": process.env.HEALTH_GO_LIVE || undefined });
  } catch (error) {
    throw new UsageError(`HEALTH_GO_LIVE: ${(error as Error).message.replace("--go-live ", "")}`);
  }
}
