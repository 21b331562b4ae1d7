/** Calibration as a stage after scoring: writes calibrate.json, the calibrated formula and its diff. */
import type { Stage } from "../core/stage.ts";
import { calibrate, CALIBRATED_DIFF_FILE, CALIBRATED_FORMULA_FILE, type CalibrateResult } from "./calibrate.ts";
import type { CalibrateOptions } from "./types.ts";

export const CALIBRATE_STAGE = "calibrate";

/** `onResult` receives the report and the diff, for the command that prints them. */
export function calibrateStage(options: CalibrateOptions, onResult?: (result: CalibrateResult) => void): Stage {
  return {
    name: CALIBRATE_STAGE,
    async run({ db, scored, batch, log }) {
      const result = await calibrate(db, scored.formula, scored.ingested, options, log.info);
      batch.json("calibrate", result.report);
      batch.text(CALIBRATED_FORMULA_FILE, result.formulaText);
      batch.text(CALIBRATED_DIFF_FILE, result.diff);
      onResult?.(result);
    },
  };
}
