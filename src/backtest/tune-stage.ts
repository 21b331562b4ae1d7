/** Tuning as a stage after the health history: writes tune.json, the suggested formula and its diff. */
import type { Stage } from "../run.ts";
import { buildTune, SUGGESTED_DIFF_FILE, SUGGESTED_FORMULA_FILE, type TuneOptions, type TuneResult } from "./tune.ts";

export const TUNE_STAGE = "tune";

/** `onResult` receives the report and the diff, for the command that prints them. */
export function tuneStage(options: TuneOptions, onResult?: (result: TuneResult) => void): Stage {
  return {
    name: TUNE_STAGE,
    async run({ db, scored, batch }) {
      const result = await buildTune(db, scored.formula, options);
      batch.json("tune", result.report);
      batch.text(SUGGESTED_FORMULA_FILE, result.formulaText);
      batch.text(SUGGESTED_DIFF_FILE, result.diff);
      onResult?.(result);
    },
  };
}
