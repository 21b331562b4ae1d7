/**
 * Tier cut-offs of a calibrated formula, chosen on the fit period's scores:
 *   - watch or worse (score below the healthy tier's min): as many churned weeks as the
 *     false-alarm budget allows, i.e. at most `falseAlarmBudget` of the non-churned weeks flagged;
 *   - at risk (below the watch tier's min): the highest cut-off whose band churns at least
 *     `atRiskLift` times the base rate and flags at most a quarter of the false alarms allowed
 *     (with at least `minPositives` churned weeks in it), or, when no cut-off reaches it, the one
 *     with the highest lift. With `accounts` given, "churns at least" means the lower confidence
 *     bound of the band's churn rate (Wilson, one-sided, z = `liftBoundZ`, counting each account in
 *     the band once, as its weeks are not independent) reaches `atRiskLift` x the base rate: a
 *     band chosen at its point estimate regresses below the target on later weeks, the more so the
 *     fewer accounts it holds; and the band must hold churned weeks of at least `minChurnedAccounts`
 *     accounts. Without accounts, `liftMargin` is added to the target instead.
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
  /**
   * With `accounts`: the at-risk band must hold churned weeks of at least this many accounts (0:
   * no such floor). A narrow band of a few churned accounts' worst weeks passes a lower bound by
   * chance on a small book and is empty on later weeks.
   */
  minChurnedAccounts?: number;
  /** One-sided z of the lower bound of the band's churn rate (with `accounts`); default 1.645 (95%). */
  liftBoundZ?: number;
}

/**
 * Churned accounts the at-risk band must hold in the fit period: a fifth of the fit period's, and
 * at least 5. On a small book the lower bound alone can pass a band of two or three churned
 * accounts' worst weeks, which later weeks seldom fall into; a band holding a share of the book's
 * churners is a part of the book, not its extremes, and scales with the book.
 */
export function atRiskMinChurned(fitChurnedAccounts: number): number {
  return Math.max(5, Math.ceil(fitChurnedAccounts / 5));
}

/** Wilson lower bound of a share `p` observed on `n` units at one-sided `z`. */
export function wilsonLower(p: number, n: number, z: number): number {
  if (!(n > 0)) return 0;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
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
    /** Lower confidence bound of the at-risk band's lift (null without accounts). */
    at_risk_lift_lower: number | null;
    /** Accounts with a week in the at-risk band (null without accounts). */
    at_risk_accounts: number | null;
  };
  lift_reached: boolean;
  /** How "reaches the target lift" was judged. */
  lift_rule: string;
}

/**
 * Cut-offs from fit-period `scores` (0-100, lower = riskier), their churn `labels` and, optionally,
 * the account of each week (any number identifying it), for the lift's confidence bound.
 */
export function chooseCutoffs(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: CutoffOptions,
  accounts?: ArrayLike<number>,
): Cutoffs {
  const z = options.liftBoundZ ?? 1.645;
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
  type Band = { t: number; lift: number; pos: number; rows: number };
  let best: Band | null = null;
  // the largest band reaching the target with its margin (or its lower bound), else the target alone
  let bestWithMargin: Band | null = null;
  const aim = options.atRiskLift + (accounts ? 0 : (options.liftMargin ?? 0));
  let highestLift: Band | null = null;
  const inBand = new Set<number>();
  // accounts with a churned week in the band, and how many the band must hold
  const churnedInBand = new Set<number>();
  const minChurned = accounts ? (options.minChurnedAccounts ?? 0) : 0;
  const enough = (pos: number) => pos >= options.minPositives && churnedInBand.size >= minChurned;
  // the lift the rule judges: the point estimate, or its lower bound counting each account once
  const judged = (pos: number, rows: number) => (accounts ? wilsonLower(pos / rows, inBand.size, z) / base : pos / rows / base);
  // the at-risk band may flag at most a quarter of the false alarms watch or worse may
  const atRiskAllowed = Math.floor((options.falseAlarmBudget / 4) * negatives);
  let rows = 0;
  let pos = 0;
  for (let k = 0; k < n; ) {
    const t = scores[order[k]!]!;
    if (t >= watch || rows - pos > atRiskAllowed) break;
    if (rows > 0 && enough(pos)) {
      const lift = pos / rows / base;
      const bound = judged(pos, rows);
      if (lift >= options.atRiskLift) best = { t, lift, pos, rows };
      if (bound >= aim) bestWithMargin = { t, lift, pos, rows };
      if (!highestLift || bound > highestLift.lift) highestLift = { t, lift: bound, pos, rows };
    }
    while (k < n && scores[order[k]!] === t) {
      rows++;
      pos += labels[order[k]!] ? 1 : 0;
      if (accounts) inBand.add(accounts[order[k]!]!);
      if (accounts && labels[order[k]!]) churnedInBand.add(accounts[order[k]!]!);
      k++;
    }
  }
  // the band of everything below watch is a candidate too
  if (rows - pos <= atRiskAllowed && rows > 0 && enough(pos)) {
    const lift = pos / rows / base;
    const bound = judged(pos, rows);
    if (lift >= options.atRiskLift) best = { t: watch, lift, pos, rows };
    if (bound >= aim) bestWithMargin = { t: watch, lift, pos, rows };
    if (!highestLift || bound > highestLift.lift) highestLift = { t: watch, lift: bound, pos, rows };
  }
  // with accounts, no band's bound reaching the target: the band with the highest bound
  const chosen = bestWithMargin ?? (accounts ? null : best) ?? highestLift;
  let atRisk = chosen ? Math.floor(chosen.t * 100) / 100 : watch / 2;
  atRisk = Math.min(Math.max(0.01, atRisk), watch - 0.01);

  const flaggedBelow = (cut: number) => {
    let r = 0;
    let p = 0;
    const ids = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (scores[i]! < cut) {
        r++;
        p += labels[i] ? 1 : 0;
        if (accounts) ids.add(accounts[i]!);
      }
    }
    return { rows: r, positives: p, accounts: ids.size };
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
      at_risk_lift_lower: accounts && a.rows > 0 && base > 0 ? wilsonLower(a.positives / a.rows, a.accounts, z) / base : null,
      at_risk_accounts: accounts ? a.accounts : null,
    },
    lift_reached: accounts ? bestWithMargin !== null : best !== null,
    lift_rule: accounts
      ? `the lower ${z === 1.645 ? "95%" : `z = ${z}`} confidence bound of the band's churn rate (Wilson, each account in the band counted once) at least ${options.atRiskLift}x the base rate${minChurned > 0 ? `, the band holding churned weeks of at least ${minChurned} accounts` : ""}`
      : `the band's churn rate at least ${aim}x the base rate`,
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
