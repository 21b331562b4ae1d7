/**
 * How category scores and weights make the health score: the one statement of the rule in
 * TypeScript, for anyone who re-weights outside DuckDB (the what-if on the Validation page, tests).
 * DOM-free and import-free, so Framework bundles it for the browser and Node imports it as it is.
 * In SQL the same rule is the `weighted_mean` and `capped_score` macros of src/sql/functions.sql,
 * used by the engine (int_measure_scores.sql, int_health_scores.sql) and by rescore.sql;
 * test/site/score-rule.test.ts checks that the two agree.
 *
 * For one account-week, with w_c the weight of category c and s_c its score (0-100, or no data):
 *
 *   1. Only categories with data and a positive weight take part: C = { c : s_c has data, w_c > 0 }.
 *   2. uncapped = sum_{c in C} w_c * s_c / sum_{c in C} w_c (renormalised over C: a category with no
 *      data drops out and its weight is shared by the rest; only the weights' ratios matter). If C
 *      is empty there is no score.
 *   3. score = min(uncapped, cap), cap being the lowest max_score of the formula's caps in force that
 *      week (none: no cap). Caps do not depend on the weights.
 *   4. tier = the first tier, best first, whose min the score reaches; none if it reaches none.
 *
 * Columns are Float64Arrays with NaN for "no data" (and, for caps, for "no cap").
 */

/** Uncapped scores of each row from per-category columns and their weights; NaN where no weighted category has data. */
export function recombine(columns: readonly Float64Array[], weights: readonly number[], out?: Float64Array): Float64Array {
  const n = columns[0]?.length ?? 0;
  const scores = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let weight = 0;
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]![i]!;
      const w = weights[c] ?? 0;
      if (!Number.isNaN(v) && w > 0) {
        sum += v * w;
        weight += w;
      }
    }
    scores[i] = weight > 0 ? sum / weight : Number.NaN;
  }
  return scores;
}

/** Each score capped by its week's cap (NaN = no cap), in place. */
export function applyCaps(scores: Float64Array, caps: Float64Array): Float64Array {
  for (let i = 0; i < scores.length; i++) {
    const cap = caps[i]!;
    if (!Number.isNaN(cap) && scores[i]! > cap) scores[i] = cap;
  }
  return scores;
}

/** A tier's id and the lowest score it takes. */
export interface TierRule {
  id: string;
  min: number;
}

/** Tier id of each score: the first of `tiers` (best first, as site.json lists them) whose min it reaches; null for none or no score. */
export function tiersOf(scores: Float64Array, tiers: readonly TierRule[]): (string | null)[] {
  return Array.from(scores, (s) => (Number.isNaN(s) ? null : (tiers.find((t) => s >= t.min)?.id ?? null)));
}
