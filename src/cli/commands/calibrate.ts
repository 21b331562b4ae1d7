/** `health calibrate`: fit the formula to the book's own churn history, compare it on a later period. */
import { parseHorizon } from "../../backtest/options.ts";
import { parseDay } from "../../core/dates.ts";
import { CALIBRATE_DEFAULTS, type CalibrateOptions, type CalibrateResult } from "../../calibrate/calibrate.ts";
import { formatCalibrate } from "../../calibrate/print.ts";
import { calibrateStage } from "../../calibrate/stage.ts";
import { UsageError } from "../../errors.ts";
import { runStages } from "../../run.ts";
import type { Command } from "../command.ts";

const d = CALIBRATE_DEFAULTS;

export const calibrateCommand: Command = {
  name: "calibrate",
  summary: "fit score maps, weights and tiers to this book's churn before a split; compare on the weeks after it",
  usage:
    "health calibrate [--split DATE] [--horizon 90d] [--false-alarms 20%] [--at-risk-lift 3] [--min-churned 15] [--data DIR] [--formula FILE] [--out DIR]",
  help: `--split DATE        split to try first (YYYY-MM-DD, 00:00 UTC). Default: the Monday leaving about 60% of
                    the churned accounts to fit on; when a split leaves either side fewer than
                    --min-churned churned or surviving accounts, others are tried and reported.
--horizon N         churn within N days (90d) or weeks (13w) after a week counts; default 90d. A week is
                    labelled only when its horizon ended by the export (for churners and survivors alike)
--false-alarms P    most non-churned fit-period weeks that watch or worse may flag (20% or 0.2); default ${d.falseAlarmBudget * 100}%
--at-risk-lift X    the at-risk band should churn at least X times the base rate; default ${d.atRiskLift}
--min-churned N     churned (and surviving) accounts each side of the split needs; default ${d.minChurned}
Fits, on the weeks whose churn horizon ended by the split only: each measure's score map from its churn
rate by quantile bin (monotone), the weights by a ridge logistic regression on those scores (measures
without signal drop), and the tier cut-offs. Then re-scores the book with the calibrated formula and
compares it on the later period with the current formula and with a fitted peer (ridge logistic
regression on the raw values of the same measures). Says "Adopt" only when the later-period AUC rises
by ${d.minGain} or more and neither flag collapses: its recall falls below ${d.minRecallKept * 100}% of the current
one's without a higher lift, or below 5%; else "Keep".
Writes calibrate.json, calibrated-formula.yaml and calibrated-formula.diff to --out.
Exit 3 when no split of the history is usable (the reason names what was tried).`,
  writesOut: true,
  options: {
    split: { type: "string" },
    horizon: { type: "string" },
    "false-alarms": { type: "string" },
    "at-risk-lift": { type: "string" },
    "min-churned": { type: "string" },
  },
  async run({ locations, log, format, print, options }) {
    const text = (name: string) => (typeof options[name] === "string" ? (options[name] as string) : undefined);
    const calibrateOptions: CalibrateOptions = {
      ...CALIBRATE_DEFAULTS,
      horizonDays: text("horizon") === undefined ? d.horizonDays : parseHorizon(text("horizon")!),
      split: text("split") === undefined ? null : parseDay(text("split")!, "--split"),
      falseAlarmBudget: text("false-alarms") === undefined ? d.falseAlarmBudget : parseShare(text("false-alarms")!, "--false-alarms"),
      atRiskLift: text("at-risk-lift") === undefined ? d.atRiskLift : parseNumber(text("at-risk-lift")!, "--at-risk-lift", 1, 100),
    };
    const minChurned = text("min-churned") === undefined ? d.minChurned : parseNumber(text("min-churned")!, "--min-churned", 2, 100_000);
    if (!Number.isInteger(minChurned)) throw new UsageError(`--min-churned must be a whole number, got "${text("min-churned")}"`);
    calibrateOptions.minChurned = minChurned;
    calibrateOptions.minSurvivors = minChurned;
    let result: CalibrateResult | undefined;
    const files = await runStages(locations, log, [calibrateStage(calibrateOptions, (r) => (result = r))]);
    for (const file of files) log.info(`wrote ${file.file}`);
    print(formatCalibrate(result!.report, result!.diff, format));
    return 0;
  },
};

/** "20%" or "0.2" -> 0.2, strictly between 0 and 1. */
function parseShare(value: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const share = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(share > 0 && share < 1))
    throw new UsageError(`${option} must be a share between 0 and 1 or a percentage such as 20%, got "${value}"`);
  return share;
}

function parseNumber(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${option} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** `health tune`, the command calibrate replaced: kept as an alias so scripts that call it still run. */
export const tuneCommand: Command = {
  ...calibrateCommand,
  name: "tune",
  summary: "the former name of calibrate (same options, same files)",
  usage: calibrateCommand.usage.replace("health calibrate", "health tune"),
};
