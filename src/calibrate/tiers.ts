/**
 * Tier cut-offs of a calibrated formula, chosen on the fit period's scores:
 *   - watch or worse (score below the healthy tier's min): as many churned weeks as the
 *     false-alarm budget allows, i.e. at most `falseAlarmBudget` of the non-churned weeks flagged;
 *   - at risk (below the watch tier's min): the highest cut-off whose band churns at least
 *     `atRiskLift` (plus `liftMargin` where a band reaches it) times the base rate and flags at most a quarter of the false alarms allowed (with at least `minPositives` churned weeks in it), or, when
 *     no cut-off reaches it, the one with the highest lift.
 * Pure functions.
 */

export interface CutoffOptions {
  falseAlarmBudget: number;
  atRiskLift: number;
  /**
   * The at-risk band aims this much above `atRiskLift` on the fit period, so that the lift still
   * holds out of sample, where a band chosen at exactly the target falls below it (0: none).
   */
  liftMargin?: number;
  minPositives: number;
}

export interface Cutoffs {
  /** Scores below this are watch or worse (the min of the tier above watch). */
  watch_below: number;
  /** Scores below this are at risk (the min of the watch tier). */
  at_risk_below: number;
  /** Fit-period figures at these cut-offs. */
  fit: {
    rows: number;
    positives: number;
    base_rate: number;
    watch_recall: number;
    watch_false_alarms: number;
    at_risk_recall: number;
    at_risk_lift: number | null;
  };
  lift_reached: boolean;
}

/** Cut-offs from fit-period `scores` (0-100, lower = riskier) and their churn `labels`. */
export function chooseCutoffs(scores: ArrayLike<number>, labels: ArrayLike<number>, options: CutoffOptions): Cutoffs {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] ? 1 : 0;
  const negatives = n - positives;
  const base = n > 0 ? positives / n : 0;

  // watch: the largest t with #(negatives scoring < t) <= budget x negatives
  const allowed = Math.floor(options.falseAlarmBudget * negatives);
  const negativeScores = order.filter((i) => !labels[i]).map((i) => scores[i]!);
  let watch = negativeScores.length > allowed ? negativeScores[allowed]! : 100;
  watch = Math.max(0.02, Math.floor(watch * 100) / 100);

  // at risk: scan cut-offs t = each distinct score below watch, flagged = score < t
  let best: { t: number; lift: number; pos: number; rows: number } | null = null;
  // the largest band reaching the target with its margin, else the target alone
  let bestWithMargin: { t: number; lift: number; pos: number; rows: number } | null = null;
  const aim = options.atRiskLift + (options.liftMargin ?? 0);
  let highestLift: { t: number; lift: number; pos: number; rows: number } | null = null;
  // the at-risk band may flag at most a quarter of the false alarms watch or worse may
  const atRiskAllowed = Math.floor((options.falseAlarmBudget / 4) * negatives);
  let rows = 0;
  let pos = 0;
  for (let k = 0; k < n; ) {
    const t = scores[order[k]!]!;
    if (t >= watch || rows - pos > atRiskAllowed) break;
    if (rows > 0 && pos >= options.minPositives) {
      const lift = pos / rows / base;
      if (lift >= options.atRiskLift) best = { t, lift, pos, rows };
      if (lift >= aim) bestWithMargin = { t, lift, pos, rows };
      if (!highestLift || lift > highestLift.lift) highestLift = { t, lift, pos, rows };
    }
    while (k < n && scores[order[k]!] === t) {
      rows++;
      pos += labels[order[k]!] ? 1 : 0;
      k++;
    }
  }
  // the band of everything below watch is a candidate too
  if (rows - pos <= atRiskAllowed && rows > 0 && pos >= options.minPositives) {
    const lift = pos / rows / base;
    if (lift >= options.atRiskLift) best = { t: watch, lift, pos, rows };
    if (lift >= aim) bestWithMargin = { t: watch, lift, pos, rows };
    if (!highestLift || lift > highestLift.lift) highestLift = { t: watch, lift, pos, rows };
  }
  const chosen = bestWithMargin ?? best ?? highestLift;
  let atRisk = chosen ? Math.floor(chosen.t * 100) / 100 : watch / 2;
  atRisk = Math.min(Math.max(0.01, atRisk), watch - 0.01);

  const flaggedBelow = (cut: number) => {
    let r = 0;
    let p = 0;
    for (let i = 0; i < n; i++) {
      if (scores[i]! < cut) {
        r++;
        p += labels[i] ? 1 : 0;
      }
    }
    return { rows: r, positives: p };
  };
  const w = flaggedBelow(watch);
  const a = flaggedBelow(atRisk);
  return {
    watch_below: watch,
    at_risk_below: atRisk,
    fit: {
      rows: n,
      positives,
      base_rate: base,
      watch_recall: positives > 0 ? w.positives / positives : 0,
      watch_false_alarms: negatives > 0 ? (w.rows - w.positives) / negatives : 0,
      at_risk_recall: positives > 0 ? a.positives / positives : 0,
      at_risk_lift: a.rows > 0 && base > 0 ? a.positives / a.rows / base : null,
    },
    lift_reached: best !== null,
  };
}

/**
 * Tier mins (best first) with the last tier at 0, the one before it at `at_risk_below`, the one
 * before that at `watch_below`; any better tier keeps its min if above, else is spread above watch.
 */
export function tierMins(current: readonly number[], cutoffs: Pick<Cutoffs, "watch_below" | "at_risk_below">): number[] {
  const n = current.length;
  const mins = [...current];
  mins[n - 1] = 0;
  if (n >= 2) mins[n - 2] = cutoffs.at_risk_below;
  if (n >= 3) mins[n - 3] = cutoffs.watch_below;
  for (let i = n - 4; i >= 0; i--) {
    const floor = mins[i + 1]!;
    if (!(mins[i]! > floor)) mins[i] = Math.round((floor + (100 - floor) / (i + 2)) * 100) / 100;
  }
  return mins;
}
