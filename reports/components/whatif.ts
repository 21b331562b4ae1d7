/**
 * The what-if on the Validation page: new category weights -> every sampled account-week's score,
 * tier and AUC, in the browser. The score rule and the AUC are the project's one definition of each
 * (reports/lib/score.ts, reports/lib/auc.ts), re-exported here for the page; only the churn-by-tier
 * table is the what-if's own. O(rows x categories) over typed arrays: 10k accounts' labelled
 * history re-scores in milliseconds.
 */
export { aucLowScoreChurns } from "../lib/auc.js";
export { applyCaps, recombine, type TierRule, tiersOf } from "../lib/score.js";

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
