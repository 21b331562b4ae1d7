/** Quantile bins for the calibrate tests. */
import type { BinCount } from "../../src/calibrate/bins.ts";

/** A bin's counts, its median halfway between its bounds. */
export const bin = (lower: number, upper: number, rows: number, positives: number): BinCount => ({
  lower,
  upper,
  median: (lower + upper) / 2,
  rows,
  positives,
});
