/** `health backtest`: does the score predict churn, how early, and per segment. */
import type { BacktestReport } from "../../backtest/backtest.ts";
import { backtestOptionsFrom } from "../../backtest/options.ts";
import { formatBacktest } from "../../backtest/print.ts";
import { backtestStage } from "../../backtest/stage.ts";
import { runStages, stagesThrough } from "../../run.ts";
import type { Command } from "../command.ts";

export const backtestCommand: Command = {
  name: "backtest",
  summary: "measure how well the health score predicted churn, and how early",
  usage: "health backtest [--horizon 90d] [--from DATE] [--to DATE] [--data DIR] [--formula FILE] [--out DIR]",
  help: `--horizon N    an account-week counts as churned when the account churned within N days (90d)
               or weeks (13w) after it; default 90d
--from DATE    first week (by its week_end, YYYY-MM-DD) of the period; default the first scored week
--to DATE      last week of the period; default the last scored week
Weeks whose horizon runs past the export are censored (left out), churned or not. Prints the AUC
within each week (averaged over the weeks) and pooled, PR-AUC, top-decile precision and lift,
precision and recall of the at-risk tier (and of at-risk plus watch), lift by tier, calibration,
lead times (how many weeks before its churn each churned account was first flagged at risk, and
first alerted, within the 26 weeks before it; only churns whose window is observable) beside the
share of survivors flagged in a window of the same length, precision and rate of each alert kind,
and what was left out and why, overall and per segment. --format csv prints one row per segment.
Writes backtest.json, backtest_weeks.parquet, lead_times.parquet and whatif_sample.parquet to --out,
with the health and alert files of the same run.`,
  options: { horizon: { type: "string" }, from: { type: "string" }, to: { type: "string" } },
  writesOut: true,
  async run({ locations, log, format, print, options }) {
    const backtestOptions = backtestOptionsFrom(options);
    let report: BacktestReport | undefined;
    // alerts for the lead time to the first alert; expansion and cohorts are not needed
    const stages = [...stagesThrough("alerts"), backtestStage(backtestOptions, (r) => (report = r))];
    const files = await runStages(locations, log, stages);
    for (const file of files) log.info(`wrote ${file.file}`);
    print(formatBacktest(report!, format));
    return 0;
  },
};
