/**
 * The candidate formulas calibrate fits on the fit period: binned and linear scorecards (on raw
 * values or book ranks) and the current formula reweighted, each as score maps (with no-data
 * scores) and whole-number weights from a ridge logistic regression on the scores; and a
 * candidate's score on the sample rows as the engine computes it.
 */
import { rankAuc } from "../../reports/lib/auc.ts";
import { fixed as fmt } from "../core/records.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { MEASURES } from "../health/measures.ts";
import { fitScoreMap, pointsScore, roundSignificant, type BinCount, type FittedMap } from "./bins.ts";

import type { CalibratedCategory } from "./formula-text.ts";
import { fitRidgeLogistic, type LogisticFit } from "./logistic.ts";
import { lineWithMissing, mapScore, noDataCounts, wantsMissingScore } from "./missing.ts";
import { chooseLambda, designOf, fitPeer } from "./peer.ts";
import type { MeasureFit, Candidate, FitContext, Scorecard, Sample, Scale } from "./types.ts";

export const blankFit = (c: Candidate, rows: number): MeasureFit => ({
  measure: c.def.id,
  category: c.category,
  kept: false,
  reason: null,
  rows,
  auc_alone: null,
  better: null,
  catalogue_better: c.def.higherIsBetter ? "higher" : "lower",
  weight: 0,
  effective_weight: 0,
  coefficient: null,
  bins: [],
  no_data: null,
});

/**
 * The binned scorecard on `rows` of the sample (all when undefined): each measure's map from its
 * quantile bins `binRows` (made monotone, see bins.ts), then weights from a ridge logistic
 * regression on the scores, dropping measures whose coefficient is zero or reversed. `lambda`
 * null: chosen on `innerSplit`.
 */
export function fitBinnedScorecard(
  sample: Sample,
  rows: Uint8Array | undefined,
  binRows: readonly (BinCount & { measure_id: string })[],
  minRows: number,
  scale: Scale,
  innerSplit: number | null,
  fixedLambda: number | null,
  { candidates, options, horizonDays }: FitContext,
): Scorecard {
  const maps = new Map<string, FittedMap>();
  const measures: MeasureFit[] = [];
  for (const c of candidates) {
    const bins = binRows.filter((b) => b.measure_id === c.def.id);
    const n = bins.reduce((s, b) => s + b.rows, 0);
    const base = blankFit(c, n);
    const noData = noDataCounts(sample, sample.ids.indexOf(c.def.id), rows);
    const map =
      n > 0
        ? fitScoreMap(bins, {
            minRows,
            smoothing: 5,
            preferHigher: c.def.higherIsBetter,
            ...(wantsMissingScore(noData.share) ? { noData } : {}),
          })
        : null;
    if (n === 0) base.reason = "no data before the split";
    else if (!map) base.reason = "no monotone signal (one bin, or every bin pools into one)";
    else {
      Object.assign(base, { auc_alone: map.auc, better: map.better, bins: map.blocks, no_data: map.missing ?? null });
      if ((map.auc ?? 0) < options.minSignalAuc)
        base.reason = `no signal: its score alone ranks churn at AUC ${fmt(map.auc)} before the split (needs ${options.minSignalAuc})`;
      else maps.set(c.def.id, map);
    }
    measures.push(base);
  }
  return weighScorecard(sample, rows, maps, measures, "binned", scale, innerSplit, fixedLambda, { candidates, options, horizonDays });
}

/**
 * Weights of a scorecard whose maps are fitted: a ridge logistic regression of churn on the
 * measures' scores over `rows`, a week without a value filled as the engine renormalises; a measure
 * whose coefficient is zero or reversed drops and the rest are refitted. `fixedLambda` null: the
 * penalty is chosen on `innerSplit`.
 */
export function weighScorecard(
  sample: Sample,
  rows: Uint8Array | undefined,
  maps: Map<string, FittedMap>,
  measures: MeasureFit[],
  kind: Scorecard["kind"],
  scale: Scale,
  innerSplit: number | null,
  fixedLambda: number | null,
  { candidates, horizonDays }: FitContext,
): Scorecard {
  let kept = [...maps.keys()];
  const scoreDesign = (ids: string[], r?: Uint8Array, weights?: ReadonlyMap<string, number>, categoryOf?: ReadonlyMap<string, string>) =>
    designOf(sample, ids, r, (id, v) => mapScore(maps.get(id)!, v) / 100, weights && categoryOf ? { weights, categoryOf } : undefined);
  const lambdaTried: { lambda: number; auc: number | null }[] = [];
  const lambda = fixedLambda ?? chooseLambda(sample, innerSplit, horizonDays, (r) => scoreDesign(kept, r), lambdaTried);
  const categoryOf = new Map(candidates.map((c) => [c.def.id, c.category]));
  let fit: LogisticFit | null = null;
  let weights: Map<string, number> | undefined;
  for (let round = 0; kept.length > 0 && round < 5; round++) {
    // round 0 fills a missing score with the measure's mean; later rounds fill it as the engine
    // renormalises (the week's category score, else its health score) under the last round's
    // weights, so that the regression's combination is the engine's own
    fit = fitRidgeLogistic(scoreDesign(kept, rows, weights, categoryOf), lambda);
    // a higher score must mean less churn: the measures whose coefficient says otherwise drop
    // (all of them at once: one at a time refits the regression once per measure dropped, too slow
    // on a busy machine for a book with dozens of measures)
    const reversed = new Set(kept.filter((_, j) => fit!.coef[j]! >= 0));
    if (reversed.size > 0) {
      kept.forEach((id, j) => {
        if (!reversed.has(id)) return;
        const m = measures.find((x) => x.measure === id)!;
        m.reason = "no signal beside the other measures (its regression weight came out zero or reversed)";
        m.coefficient = fit!.coef[j]!;
      });
      kept = kept.filter((id) => !reversed.has(id));
      fit = null;
      weights = undefined;
      round = -1;
      continue;
    }
    const next = new Map(kept.map((id, j) => [id, -fit!.coef[j]!]));
    // the engine's fill has settled: refitting again would change nothing that matters
    const settled =
      weights !== undefined &&
      kept.every((id) => Math.abs(next.get(id)! - weights!.get(id)!) <= 1e-3 * Math.max(1e-9, Math.abs(weights!.get(id)!)));
    weights = next;
    if (settled) break;
  }
  const effective = new Map<string, number>();
  if (fit) kept.forEach((id, j) => effective.set(id, -fit!.coef[j]!));
  const categories = roundWeights(candidates, effective, measures);
  if (fit) kept.forEach((id, j) => (measures.find((m) => m.measure === id)!.coefficient = fit!.coef[j]!));
  for (const m of measures) m.kept = categories.some((c) => c.measures.some((x) => x.measure === m.measure));
  return {
    id: kind === "reweighted" ? "current_reweighted" : `${kind}_${scale}`,
    kind,
    scale,
    maps,
    measures,
    categories,
    lambda,
    lambdaTried,
  };
}

/**
 * The linear scorecard: the fitted peer on values alone (ridge logistic regression on clipped,
 * standardised values of `rows`) written as a formula. Each measure's map is a straight line over
 * its clip range, 0 at the end the peer's coefficient calls riskier and 100 at the other; the
 * weights are then fitted on those scores as for the binned scorecard (weighScorecard), so that no
 * data is renormalised as the engine does. With every measure present and the peer's weights the
 * score would be the peer's log-odds rescaled.
 */
export function fitLinearScorecard(
  sample: Sample,
  rows: Uint8Array | undefined,
  scale: Scale,
  innerSplit: number | null,
  fixedLambda: number | null,
  context: FitContext,
): Scorecard {
  const { candidates, horizonDays } = context;
  const model = fitPeer(
    sample,
    candidates.map((c) => c.def.id),
    innerSplit,
    horizonDays,
    true,
    rows,
    fixedLambda,
  );
  const maps = new Map<string, FittedMap>();
  const measures: MeasureFit[] = [];
  for (const c of candidates) {
    const j = sample.ids.indexOf(c.def.id);
    let n = 0;
    let positives = 0;
    for (let r = 0; r < sample.rows; r++) {
      if ((rows && !rows[r]) || Number.isNaN(sample.values[r * sample.ids.length + j]!)) continue;
      n++;
      positives += sample.y[r]!;
    }
    const base = blankFit(c, n);
    measures.push(base);
    const f = model.features.find((x) => x.id === c.def.id);
    if (n === 0) base.reason = "no data before the split";
    else if (!f) base.reason = "one value only before the split";
    else {
      base.coefficient = f.coef;
      const lo = roundSignificant(f.lo, 4);
      const hi = roundSignificant(f.hi, 4);
      if (!(hi > lo) || f.coef === 0) {
        base.reason = "no signal (its regression weight came out zero)";
        continue;
      }
      const better = f.coef < 0 ? "higher" : "lower";
      const points: [number, number][] =
        better === "higher"
          ? [
              [lo, 0],
              [hi, 100],
            ]
          : [
              [lo, 100],
              [hi, 0],
            ];
      const risk: number[] = [];
      const y: number[] = [];
      for (let r = 0; r < sample.rows; r++) {
        const v = sample.values[r * sample.ids.length + j]!;
        if ((rows && !rows[r]) || Number.isNaN(v)) continue;
        risk.push(-pointsScore(points, v));
        y.push(sample.y[r]!);
      }
      const auc = rankAuc(risk, y);
      Object.assign(base, { better, auc_alone: auc });
      const line: FittedMap = { better, blocks: [], points, auc, rows: n, positives };
      const noData = noDataCounts(sample, j, rows);
      // the peer's missing-value term, where it has one, is the line's no-data score
      const map = f.missing !== 0 && wantsMissingScore(noData.share) ? lineWithMissing(line, f, noData) : line;
      base.no_data = map.missing ?? null;
      maps.set(c.def.id, map);
    }
  }
  // the weights are the peer's own: a line's score moves by its slope per unit of value, the peer's
  // log-odds by coef / scale, so weight ∝ |coef| / (scale x slope) makes the score the peer's log-odds
  // rescaled (every measure with a value or a no-data score). A second regression on the lines'
  // scores, with its own penalty, would be another model than the peer the formula is judged against.
  const effective = new Map<string, number>();
  for (const [id, map] of maps) {
    const f = model.features.find((x) => x.id === id)!;
    const [[x0, y0], [x1, y1]] = [map.points[0]!, map.points.at(-1)!];
    const slope = Math.abs(y1 - y0) / (x1 - x0);
    if (slope > 0) effective.set(id, Math.abs(f.coef) / (f.scale * slope));
  }
  const categories = roundWeights(candidates, effective, measures);
  for (const m of measures) m.kept = categories.some((c) => c.measures.some((x) => x.measure === m.measure));
  return { id: `linear_${scale}`, kind: "linear", scale, maps, measures, categories, lambda: model.lambda, lambdaTried: [] };
}

/**
 * A candidate formula's score on every sample row as the engine computes it (NaN: no data): a
 * category is the weighted mean of its measures with a value, the score the weighted mean of the
 * categories with data. Caps aside.
 */
export function formulaScores(sample: Sample, card: Scorecard): Float64Array {
  const k = sample.ids.length;
  const parts = card.categories.flatMap((c) =>
    c.measures.map((m) => ({
      category: c.id,
      categoryWeight: c.weight,
      weight: m.weight,
      j: sample.ids.indexOf(m.measure),
      map: card.maps.get(m.measure)!,
    })),
  );
  const out = new Float64Array(sample.rows);
  const sums = new Map<string, [number, number, number]>();
  for (let r = 0; r < sample.rows; r++) {
    sums.clear();
    // as the engine: a week with a value for no measure has no score, missing scores aside
    if (parts.every((p) => Number.isNaN(sample.values[r * k + p.j]!))) {
      out[r] = Number.NaN;
      continue;
    }
    for (const p of parts) {
      const score = mapScore(p.map, sample.values[r * k + p.j]!);
      if (Number.isNaN(score)) continue;
      const s = sums.get(p.category) ?? [0, 0, p.categoryWeight];
      s[0] += p.weight * score;
      s[1] += p.weight;
      sums.set(p.category, s);
    }
    let total = 0;
    let weight = 0;
    for (const [sum, w, cw] of sums.values()) {
      if (!(w > 0) || !(cw > 0)) continue;
      total += (cw * sum) / w;
      weight += cw;
    }
    out[r] = weight > 0 ? total / weight : Number.NaN;
  }
  return out;
}

/** The current formula with its weights refitted on `rows`: its measures' scores are the sample's values, read as they are. */
export function reweightCurrent(
  sample: Sample,
  rows: Uint8Array | undefined,
  innerSplit: number | null,
  fixedLambda: number | null,
  context: FitContext,
): Scorecard {
  const maps = new Map<string, FittedMap>();
  const measures: MeasureFit[] = [];
  for (const c of context.candidates) {
    const j = sample.ids.indexOf(c.def.id);
    let n = 0;
    let positives = 0;
    const risk: number[] = [];
    const y: number[] = [];
    for (let r = 0; r < sample.rows; r++) {
      const v = sample.values[r * sample.ids.length + j]!;
      if ((rows && !rows[r]) || Number.isNaN(v)) continue;
      n++;
      positives += sample.y[r]!;
      risk.push(-v);
      y.push(sample.y[r]!);
    }
    const base = blankFit(c, n);
    measures.push(base);
    const auc = rankAuc(risk, y);
    if (n === 0) base.reason = "no data before the split";
    else if (auc === null || new Set(risk).size < 2) base.reason = "one score only before the split";
    else {
      Object.assign(base, { auc_alone: auc, better: c.def.higherIsBetter ? "higher" : "lower" });
      maps.set(c.def.id, {
        better: base.better!,
        blocks: [],
        points: [
          [0, 0],
          [100, 100],
        ],
        auc,
        rows: n,
        positives,
      });
    }
  }
  return weighScorecard(sample, rows, maps, measures, "reweighted", "raw", innerSplit, fixedLambda, context);
}

/**
 * Whole-number weights from the effective weights: each category's share of the total, each
 * measure's share of its category, by largest remainder. A measure (or category) whose weight
 * rounds to 0 drops, and the rest are rounded again.
 */
export function roundWeights(
  candidates: readonly Candidate[],
  effective: ReadonlyMap<string, number>,
  measures: MeasureFit[],
): CalibratedCategory[] {
  const live = new Map(effective);
  for (;;) {
    const total = [...live.values()].reduce((s, v) => s + v, 0);
    if (!(total > 0)) return [];
    const categoryIds = [...new Set(candidates.filter((c) => live.has(c.def.id)).map((c) => c.category))];
    const categoryWeights = largestRemainder(
      categoryIds.map(
        (id) => candidates.filter((c) => c.category === id && live.has(c.def.id)).reduce((s, c) => s + live.get(c.def.id)!, 0) / total,
      ),
    );
    let dropped = false;
    const out: CalibratedCategory[] = [];
    categoryIds.forEach((id, ci) => {
      const members = candidates.filter((c) => c.category === id && live.has(c.def.id));
      const sum = members.reduce((s, c) => s + live.get(c.def.id)!, 0);
      const weights = largestRemainder(members.map((c) => live.get(c.def.id)! / sum));
      members.forEach((c, mi) => {
        if (weights[mi] === 0 || categoryWeights[ci] === 0) {
          live.delete(c.def.id);
          measures.find((m) => m.measure === c.def.id)!.reason = "its weight rounds to 0";
          dropped = true;
        }
      });
      out.push({
        id,
        weight: categoryWeights[ci]!,
        measures: members.map((c, mi) => ({ measure: c.def.id, weight: weights[mi]!, points: [], comment: [] })),
      });
    });
    if (dropped) continue;
    for (const c of out) {
      for (const m of c.measures) {
        const fit = measures.find((x) => x.measure === m.measure)!;
        fit.weight = m.weight;
        fit.effective_weight = (c.weight * m.weight) / 100;
      }
    }
    return out;
  }
}

/** Shares (summing to 1) as whole numbers summing to 100, largest remainders first (ties: earlier). */
export function largestRemainder(shares: readonly number[]): number[] {
  const raw = shares.map((s) => s * 100);
  const out = raw.map((v) => Math.floor(v + 1e-9));
  let rest = 100 - out.reduce((s, v) => s + v, 0);
  const order = raw.map((v, i) => ({ i, frac: v - Math.floor(v + 1e-9) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    out[i]! += 1;
    rest--;
  }
  return out;
}

/** The current formula's measures as kept (with their effective weights), the other candidates as not. */
export function currentMeasures(formula: LoadedFormula, candidates: readonly Candidate[]): MeasureFit[] {
  const uses = new Map(
    formula.formula.categories.flatMap((c) =>
      c.measures.map((m) => [m.measure, { weight: m.weight, effective: (c.weight * m.weight) / 100 }] as const),
    ),
  );
  return candidates.map((c) => {
    const m = blankFit(c, 0);
    const use = uses.get(c.def.id) ?? [...uses].find(([id]) => MEASURES.find((x) => x.id === id)?.netOf === c.def.id)?.[1];
    if (use) Object.assign(m, { kept: true, weight: use.weight, effective_weight: use.effective });
    else m.reason = "not in the current formula, which was kept";
    return m;
  });
}
