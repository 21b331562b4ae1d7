/**
 * The area under the ROC curve, one rule for every place that ranks churn by a score: the
 * calibration fitter (src/calibrate: a penalty's linear predictor, a measure's binned score map)
 * and the what-if on the Validation page. DOM-free and import-free (Node and the browser).
 * The backtest's own AUCs are computed in DuckDB (src/sql/backtest/metric_auc*.sql) over the
 * same definition: a churned row against a survivor wins when it is riskier, ties count one half.
 */

/**
 * AUC from counts grouped by risk, least risky group first: group g holds positives[g] churned rows
 * and negatives[g] survivors. Each positive beats every negative of a less risky group and half of
 * those in its own. Null without both classes.
 */
export function aucOfGroups(positives: ArrayLike<number>, negatives: ArrayLike<number>): number | null {
  let negativesBelow = 0;
  let wins = 0;
  let p = 0;
  for (let g = 0; g < positives.length; g++) {
    const pos = positives[g]!;
    const neg = negatives[g]!;
    wins += pos * (negativesBelow + 0.5 * neg);
    negativesBelow += neg;
    p += pos;
  }
  const pairs = p * negativesBelow;
  return pairs > 0 ? wins / pairs : null;
}

/**
 * Rank AUC (Mann-Whitney, exact ties one half) of rows or groups of rows: row i has risk[i] and
 * holds positives[i] churned and negatives[i] surviving account-weeks. Null without both classes.
 */
export function rankAucOfCounts(risk: ArrayLike<number>, positives: ArrayLike<number>, negatives: ArrayLike<number>): number | null {
  const n = risk.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => risk[a]! - risk[b]!);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    let p = 0;
    let q = 0;
    while (j < n && risk[order[j]!] === risk[order[i]!]) {
      p += positives[order[j]!]!;
      q += negatives[order[j]!]!;
      j++;
    }
    pos.push(p);
    neg.push(q);
    i = j;
  }
  return aucOfGroups(pos, neg);
}

/** Rank AUC of `risk` against labels `y` (truthy = churned): the chance a churned row is riskier than a survivor, ties one half. */
export function rankAuc(risk: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const positives = Array.from({ length: y.length }, (_, i) => (y[i] ? 1 : 0));
  return rankAucOfCounts(
    risk,
    positives,
    positives.map((p) => 1 - p),
  );
}

/**
 * AUC of "a low score predicts churn" (label truthy = churned) for 0-100 scores, from a histogram
 * in 0.01-point bins: O(n), scores within 0.01 of each other count as ties. Rows without a score
 * (NaN) are left out. NaN without both classes (the page prints it as a dash).
 */
export function aucLowScoreChurns(scores: Float64Array, labels: ArrayLike<number>): number {
  const bins = 10_001;
  const pos = new Float64Array(bins);
  const neg = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    // risk = 100 - score: the higher the risk, the likelier the churn
    const b = Math.max(0, Math.min(bins - 1, Math.round((100 - s) * 100)));
    if (labels[i]) pos[b]! += 1;
    else neg[b]! += 1;
  }
  return aucOfGroups(pos, neg) ?? Number.NaN;
}
