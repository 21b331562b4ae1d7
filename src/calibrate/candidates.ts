/**
 * Which candidate formula calibrate writes, judged on the inner time split of the fit period by
 * AUC within weeks: the peer-shaped reference unless another beats it by more than the standard
 * error of its AUC (choice.ts).
 */
import { rankAuc } from "../../reports/lib/auc.ts";
import { aucStandardError, chooseOverReference } from "./choice.ts";
import type { Scorecard, Sample, CandidateChoice, CandidateId } from "./types.ts";

export type CandidateScore = { candidate: CandidateId; scores: Float64Array };

/** The later part of the inner split with a current-formula score. */
export function innerScoredRows(sample: Sample, late: Uint8Array): Uint8Array {
  const rows = new Uint8Array(sample.rows);
  for (let r = 0; r < sample.rows; r++) rows[r] = late[r] && !Number.isNaN(sample.score[r]!) ? 1 : 0;
  return rows;
}

/** The candidate built like the fitted peer (its coefficients as straight-line maps, its missing-value terms as no-data scores). */
export const REFERENCE: CandidateId = "linear_raw";

export const CANDIDATE_LABELS: Record<CandidateId, string> = {
  binned_book: "binned scorecard on book ranks",
  binned_raw: "binned scorecard on raw values",
  linear_book: "linear scorecard on book ranks",
  linear_raw: "linear scorecard on raw values",
  current_reweighted: "the current formula's measures and score maps, weights refitted",
  current: "the current formula, only its tiers recalibrated",
};

/**
 * Which formula to write, chosen on the inner time split of the fit period (the later period is
 * never read): each scorecard refitted on the split's earlier part, and the current formula as it
 * is, judged by AUC within weeks (withinWeekAuc) on the later part over the weeks all of them score. The best wins (ties: the
 * earlier in SCALES x binned, linear, then the current formula). Without an inner split (too few
 * churned weeks to judge on), the binned scorecard on book ranks.
 */
export function chooseCandidate(
  cards: readonly Scorecard[],
  inner: readonly CandidateScore[],
  innerRows: Uint8Array | null,
  sample: Sample,
  innerSplit: number | null,
): CandidateChoice {
  const rule = "each candidate fitted on the earlier part of the fit period, judged by AUC within weeks on its later part";
  const usable = cards.filter((c) => c.categories.length > 0);
  if (innerSplit === null || innerRows === null || inner.length === 0) {
    const fallback = usable.find((c) => c.id === "binned_book") ?? usable[0];
    return {
      chosen: fallback?.id ?? "current",
      inner_split: null,
      inner_auc: [],
      rule: `no inner split with enough churned weeks: the ${CANDIDATE_LABELS[fallback?.id ?? "current"]}`,
      reference: null,
      margin: null,
    };
  }
  const scored = [
    ...inner.filter((s) => usable.some((c) => c.id === s.candidate)),
    { candidate: "current" as const, scores: sample.score },
  ];
  const common: number[] = [];
  for (let r = 0; r < sample.rows; r++) if (innerRows[r] && scored.every((s) => !Number.isNaN(s.scores[r]!))) common.push(r);
  const y = common.map((r) => sample.y[r]!);
  const inner_auc = scored.map((s) => ({
    candidate: s.candidate,
    auc: rankAuc(
      common.map((r) => -s.scores[r]!),
      y,
    ),
    auc_within_week: withinWeekAuc(
      common.map((r) => -s.scores[r]!),
      y,
      common.map((r) => sample.asOf[r]!),
    ),
  }));
  // the reference: the linear scorecard on raw values, the fitted peer written as a formula
  const reference: CandidateId = inner_auc.some((a) => a.candidate === REFERENCE && a.auc_within_week !== null) ? REFERENCE : "current";
  const churned = new Set<number>();
  const seen = new Set<number>();
  for (const r of common) {
    seen.add(sample.account[r]!);
    if (sample.y[r]) churned.add(sample.account[r]!);
  }
  const refAuc = inner_auc.find((a) => a.candidate === reference)?.auc_within_week ?? null;
  const margin = refAuc === null ? 0 : aucStandardError(refAuc, churned.size, seen.size - churned.size);
  const chosen =
    chooseOverReference(
      inner_auc.map((a) => ({ candidate: a.candidate, auc: a.auc_within_week })),
      reference,
      margin,
    ) ?? "current";
  return {
    chosen,
    inner_split: new Date(innerSplit).toISOString().slice(0, 10),
    inner_auc,
    rule: `${rule}; the ${CANDIDATE_LABELS[reference]} is kept unless another beats it by more than the standard error of its AUC (${margin.toFixed(3)}, over ${churned.size} churned and ${seen.size - churned.size} surviving accounts)`,
    reference,
    margin,
  };
}

/**
 * AUC within weeks: of the (churned, surviving) pairs of the same week, the share the risk ranks
 * right (ties one half), pooled over the weeks. A season that moves every account at once moves no
 * pair, so a candidate is not judged on how the inner split's weeks happen to fall in the year.
 */
export function withinWeekAuc(risk: readonly number[], y: readonly number[], week: readonly number[]): number | null {
  const byWeek = new Map<number, number[]>();
  week.forEach((w, i) => byWeek.set(w, [...(byWeek.get(w) ?? []), i]));
  let wins = 0;
  let pairs = 0;
  for (const rows of byWeek.values()) {
    const positives = rows.filter((i) => y[i]).length;
    const negatives = rows.length - positives;
    if (positives === 0 || negatives === 0) continue;
    const auc = rankAuc(
      rows.map((i) => risk[i]!),
      rows.map((i) => y[i]!),
    )!;
    wins += auc * positives * negatives;
    pairs += positives * negatives;
  }
  return pairs > 0 ? wins / pairs : null;
}
