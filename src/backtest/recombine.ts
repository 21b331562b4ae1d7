/**
 * How the engine turns category scores into the health score, written out for anyone who re-weights
 * outside DuckDB (the what-if panel in the browser, `health calibrate` re-tiers with rescore.sql, which mirrors it). Pure functions,
 * no Node or DuckDB import, so the site can use them as they are.
 *
 * For one account-week, with w_c the weight of category c and s_c its score (0-100, or null when
 * none of its measures had data that week):
 *
 *   1. Only categories with data and a positive weight take part: C = { c : s_c != null, w_c > 0 }.
 *   2. uncapped = sum_{c in C} w_c * s_c / sum_{c in C} w_c   (renormalised over C, so the weights'
 *      scale does not matter, only their ratios; coverage is not a factor). If C is empty there is
 *      no score: the week has nothing to rank and the backtest leaves it out.
 *   3. score = min(uncapped, cap) where cap (`cap_score` in the sample) is the lowest max_score of
 *      the formula caps whose measure reached at_least that week, or no cap (null). Caps do not
 *      depend on the weights.
 *   4. tier = the first tier, best first, whose min the score reaches (score >= min); none if it
 *      reaches no tier's min.
 *
 * s_c itself is the weighted mean of the category's measure scores with data, renormalised the same
 * way over its measures; the sample ships s_c, so the browser never needs the measures.
 */

/** The health score before caps, or null when no category with a positive weight has data. */
export function recombine(categoryScores: readonly (number | null)[], weights: readonly number[]): number | null {
  let weighted = 0;
  let total = 0;
  for (let c = 0; c < categoryScores.length; c++) {
    const s = categoryScores[c];
    const w = weights[c] ?? 0;
    if (s === null || s === undefined || !(w > 0)) continue;
    weighted += w * s;
    total += w;
  }
  return total > 0 ? weighted / total : null;
}

/** The score after the week's cap (null = no cap), as the engine applies it. */
export function applyCap(uncapped: number | null, cap: number | null): number | null {
  if (uncapped === null) return null;
  return cap === null ? uncapped : Math.min(uncapped, cap);
}

/**
 * Index of the tier (best first) a score falls in: the first whose `min` it reaches. -1 when there is
 * no score, or when it is below every tier's min (the engine then has no tier either).
 */
export function tierIndex(score: number | null, tierMins: readonly number[]): number {
  if (score === null) return -1;
  return tierMins.findIndex((min) => score >= min);
}
