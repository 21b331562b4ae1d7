/** The backtest as a stage of the main job: after health and alerts, before publishing. */
import type { Stage } from "../core/stage.ts";
import { BacktestDataError, buildBacktest, writeBacktestOutputs, type BacktestReport } from "./backtest.ts";
import { BACKTEST_DEFAULTS, type BacktestOptions } from "./options.ts";
import { buildWhatifSample } from "./whatif.ts";

export const BACKTEST_STAGE = "backtest";

/**
 * Writes backtest.json, backtest_weeks.parquet, lead_times.parquet and whatif_sample.parquet.
 * A history with nothing to measure (no churn, everything censored) is a warning, not a failed run.
 * `onReport` receives the report, for a command that prints it.
 */
export function backtestStage(options: BacktestOptions = BACKTEST_DEFAULTS, onReport?: (report: BacktestReport) => void): Stage {
  return {
    name: BACKTEST_STAGE,
    async run({ db, scored, batch, log }) {
      let report: BacktestReport;
      try {
        report = await buildBacktest(db, scored.health, options);
      } catch (error) {
        if (!(error instanceof BacktestDataError) || onReport) throw error;
        log.warn(`backtest skipped: ${error.message}`);
        return;
      }
      await writeBacktestOutputs(report, batch);
      await buildWhatifSample(db);
      await batch.parquet(
        "whatif_sample",
        "select s.*, i.formula_hash from whatif_sample as s cross join formula_info as i order by s.account_id, s.week_end",
      );
      onReport?.(report);
    },
  };
}
