/**
 * The "no data" score of a calibrated measure (the formula map's `missing`): a scorecard's missing
 * bin. A binned map scores the no-data weeks like any bin on its log-odds scale (bins.ts); a
 * straight-line map takes the point of the line where the fitted peer puts a week without a value,
 * the line stretched so that this point lies within 0-100. Only measures with no data on between
 * MIN_SHARE and 1 - MIN_SHARE of the fit weeks get one. Pure functions.
 */
import { pointsScore, type FittedMap, type NoDataBin } from "./bins.ts";

/** Below this share of weeks with no data (or above 1 minus it), no data drops out as in the default formula. */
export const MIN_NO_DATA_SHARE = 0.01;

/** The weeks of `rows` (all when undefined) with no value in column `j` of a row-major matrix, and their churned weeks. */
export function noDataCounts(
  sample: { rows: number; ids: readonly string[]; values: Float64Array; y: Uint8Array },
  j: number,
  rows?: Uint8Array,
): { rows: number; positives: number; share: number } {
  let n = 0;
  let missing = 0;
  let positives = 0;
  const k = sample.ids.length;
  for (let r = 0; r < sample.rows; r++) {
    if (rows && !rows[r]) continue;
    n++;
    if (!Number.isNaN(sample.values[r * k + j]!)) continue;
    missing++;
    positives += sample.y[r]!;
  }
  return { rows: missing, positives, share: n > 0 ? missing / n : 0 };
}

/** Whether a measure with this share of no-data weeks gets a missing score. */
export function wantsMissingScore(share: number): boolean {
  return share >= MIN_NO_DATA_SHARE && share <= 1 - MIN_NO_DATA_SHARE;
}

/**
 * A straight-line map with its no-data score: the peer's log-odds for a week without a value is
 * its missing-value term, which on the line is the value `center + missingCoef x scale / coef`;
 * its score is the line's (extended past its ends). When that lies outside 0-100 the line is
 * squeezed so that the no-data score is 0 (or 100) and the line's ends keep their order.
 */
export function lineWithMissing(
  map: FittedMap,
  peer: { center: number; scale: number; coef: number; missing: number },
  counts: { rows: number; positives: number },
): FittedMap {
  const [[lo, yLo], [hi, yHi]] = [map.points[0]!, map.points.at(-1)!];
  const at = peer.center + (peer.missing * peer.scale) / peer.coef;
  // the line's score at `at`, not clamped at its ends
  const raw = yLo + ((yHi - yLo) * (at - lo)) / (hi - lo);
  const s = Math.min(500, Math.max(-400, raw));
  const min = Math.min(0, s);
  const max = Math.max(100, s);
  const squeeze = (y: number) => Math.round(((100 * (y - min)) / (max - min)) * 100) / 100;
  const missing: NoDataBin = {
    rows: counts.rows,
    positives: counts.positives,
    churn_rate: counts.rows > 0 ? counts.positives / counts.rows : 0,
    score: squeeze(s),
  };
  return { ...map, points: map.points.map(([x, y]) => [x, squeeze(y)]), missing };
}

/** A measure's score under `map` for a raw value, NaN = no data (its missing score, or NaN: drops out). */
export function mapScore(map: FittedMap, value: number): number {
  if (Number.isNaN(value)) return map.missing?.score ?? Number.NaN;
  return pointsScore(map.points, value);
}
