/** `health tune`: fit category weights on an earlier period, report them on a later one. */
import { parseDay, parseHorizon } from "../../backtest/options.ts";
import { formatTune } from "../../backtest/tune-print.ts";
import { tuneStage } from "../../backtest/tune-stage.ts";
import { TUNE_DEFAULTS, type TuneOptions, type TuneResult } from "../../backtest/tune.ts";
import { runStages, stagesThrough } from "../../run.ts";
import type { Command } from "../command.ts";

export const tuneCommand: Command = {
  name: "tune",
  summary: "fit category weights on an earlier period and compare them with the current ones on a later one",
  usage: "health tune [--split DATE] [--horizon 90d] [--data DIR] [--formula FILE] [--out DIR]",
  help: `--split DATE   first day of the later period (YYYY-MM-DD, 00:00 UTC). The fit uses only account-weeks
               whose churn horizon ended by then; the evaluation only weeks scored from then on.
               Default: the Monday that leaves the most churn-labelled account-weeks on the poorer side.
--horizon N    churn within N days (90d) or weeks (13w) after a week counts; default 90d
Searches whole-number category weights (non-negative, summing to 100) that maximise the rank AUC
on the earlier period, shrinks them toward the current weights by the share that held up best in a
time split inside the earlier period, then prints AUC, precision and recall of the at-risk flag, top-decile lift
and lead-time shares on the later period for the current and the suggested weights, and says
whether the later period improved and why not if it did not. Writes tune.json,
suggested-formula.yaml (the current formula with only the category weights changed) and
suggested-formula.diff to --out, with the health files of the same run.`,
  options: { split: { type: "string" }, horizon: { type: "string" } },
  writesOut: true,
  async run({ locations, log, format, print, options }) {
    const tuneOptions: TuneOptions = {
      ...TUNE_DEFAULTS,
      horizonDays: typeof options.horizon === "string" ? parseHorizon(options.horizon) : TUNE_DEFAULTS.horizonDays,
      split: typeof options.split === "string" ? parseDay(options.split, "--split") : null,
    };
    let result: TuneResult | undefined;
    const files = await runStages(locations, log, [...stagesThrough("health history"), tuneStage(tuneOptions, (r) => (result = r))]);
    for (const file of files) log.info(`wrote ${file.file}`);
    print(formatTune(result!.report, result!.diff, format));
    return 0;
  },
};
