/**
 * The rule that picks which candidate formula calibrate writes, from each candidate's AUC on the
 * inner split of the fit period. Twenty to forty churned accounts decide that split, so a higher
 * AUC there is often chance: the reference candidate (the one built like the fitted peer) is kept
 * unless another beats it by more than the standard error of its AUC. Pure functions.
 */

/**
 * Standard error of an AUC (Hanley and McNeil, 1982) over `positives` churned and `negatives`
 * surviving units; callers count accounts, not weeks, as an account's weeks are not independent.
 */
export function aucStandardError(auc: number, positives: number, negatives: number): number {
  if (!(positives > 0 && negatives > 0)) return Number.POSITIVE_INFINITY;
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (positives * negatives);
  return Math.sqrt(Math.max(0, variance));
}

/**
 * The reference unless another candidate's AUC exceeds the reference's by more than `margin` (then
 * the highest); candidates without an AUC never win. Null reference AUC: the highest.
 */
export function chooseOverReference<T extends string>(
  aucs: readonly { candidate: T; auc: number | null }[],
  reference: T,
  margin: number,
): T | null {
  const ref = aucs.find((a) => a.candidate === reference && a.auc !== null);
  let best: { candidate: T; auc: number } | null = null;
  for (const a of aucs) if (a.auc !== null && (best === null || a.auc > best.auc)) best = { candidate: a.candidate, auc: a.auc };
  if (!ref) return best?.candidate ?? null;
  return best && best.auc > ref.auc! + margin ? best.candidate : reference;
}
