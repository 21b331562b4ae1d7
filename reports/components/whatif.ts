/**
 * The what-if recombination, in the browser: new category weights -> every account-week's score,
 * tiers, AUC. Exactly the engine's rule (src/backtest/recombine.ts states it): the weighted mean of
 * the categories with data and a positive weight, renormalised over them, then the week's cap
 * (caps do not depend on the weights). Everything is O(rows x categories) over typed arrays, so
 * 10k accounts' labelled history re-scores in milliseconds.
 */

/** Scores for each row from per-category columns (NaN = no data) and weights; NaN when no category has data. */
export function recombine(columns: readonly Float64Array[], weights: readonly number[], out?: Float64Array): Float64Array {
  const n = columns[0]?.length ?? 0;
  const scores = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let weight = 0;
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]![i]!;
      const w = weights[c]!;
      if (v === v && w > 0) {
        sum += v * w;
        weight += w;
      }
    }
    scores[i] = weight > 0 ? sum / weight : NaN;
  }
  return scores;
}

/** Each score capped by its week's cap (NaN = no cap), in place. */
export function applyCaps(scores: Float64Array, caps: Float64Array): Float64Array {
  for (let i = 0; i < scores.length; i++) {
    const cap = caps[i]!;
    if (cap === cap && scores[i]! > cap) scores[i] = cap;
  }
  return scores;
}

/**
 * Area under the ROC curve of "low score predicts churn" (label 1), from a histogram of scores in
 * 0.01-point bins: O(n), and scores within 0.01 of each other count as ties. Rows without a score
 * are left out. NaN when there are no positives or no negatives.
 */
export function aucLowScoreChurns(scores: Float64Array, labels: ArrayLike<number>): number {
  const bins = 10_001;
  const pos = new Float64Array(bins);
  const neg = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s !== s) continue;
    // risk = 100 - score: higher risk should mean churn
    const b = Math.max(0, Math.min(bins - 1, Math.round((100 - s) * 100)));
    if (labels[i]) pos[b]! += 1;
    else neg[b]! += 1;
  }
  let negBelow = 0;
  let area = 0;
  let p = 0;
  let q = 0;
  for (let b = 0; b < bins; b++) {
    area += pos[b]! * (negBelow + neg[b]! / 2);
    negBelow += neg[b]!;
    p += pos[b]!;
    q += neg[b]!;
  }
  return p > 0 && q > 0 ? area / (p * q) : NaN;
}

export interface TierRule { id: string; min: number }

/** Tier id of each score under `tiers`: the best tier whose min the score reaches; null for none (as the engine). */
export function tiersOf(scores: Float64Array, tiers: readonly TierRule[]): (string | null)[] {
  const sorted = [...tiers].sort((a, b) => b.min - a.min);
  return Array.from(scores, (s) => (s !== s ? null : (sorted.find((t) => s >= t.min)?.id ?? null)));
}

/** Rows, churners and churn rate per tier. */
export function churnByTier(tiers: readonly (string | null)[], labels: ArrayLike<number>, tierIds: readonly string[]) {
  return tierIds.map((id) => {
    let rows = 0;
    let churned = 0;
    for (let i = 0; i < tiers.length; i++) {
      if (tiers[i] !== id) continue;
      rows++;
      churned += labels[i] ? 1 : 0;
    }
    return { tier: id, rows, churned, churn_rate: rows ? churned / rows : null };
  });
}
