/**
 * The fitted peer (ridge logistic regression on clipped, standardised raw values plus missing-value
 * terms), the penalty chosen on the inner time split, and the design matrices of scores the
 * scorecards' weights are fitted on.
 */
import { rankAuc } from "../../reports/lib/auc.ts";
import { fitRidgeLogistic, linearPredictor, type Design } from "./logistic.ts";
import type { Sample, PeerFeature } from "./types.ts";

export const LAMBDAS = [1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 0.3, 1, 3] as const;

export const DEFAULT_LAMBDA = 1e-3;

/** Ridge penalty with the best AUC on the later part of the fit period, fitted on its earlier part. */
export function chooseLambda(
  sample: Sample,
  innerSplit: number | null,
  horizonDays: number,
  design: (rows: Uint8Array) => Design,
  tried: { lambda: number; auc: number | null }[],
): number {
  if (innerSplit === null) return DEFAULT_LAMBDA;
  const gap = horizonDays * 86_400_000;
  const early = new Uint8Array(sample.rows);
  const late = new Uint8Array(sample.rows);
  for (let r = 0; r < sample.rows; r++) {
    early[r] = sample.asOf[r]! + gap <= innerSplit ? 1 : 0;
    late[r] = sample.asOf[r]! >= innerSplit ? 1 : 0;
  }
  const train = design(early);
  const test = design(late);
  if (train.cols === 0) return DEFAULT_LAMBDA;
  let best = DEFAULT_LAMBDA;
  let bestAuc = Number.NEGATIVE_INFINITY;
  for (const lambda of LAMBDAS) {
    const fit = fitRidgeLogistic(train, lambda);
    const auc = rankAuc(linearPredictor(test, fit), test.y);
    tried.push({ lambda, auc });
    if (auc !== null && auc > bestAuc + 1e-4) {
      bestAuc = auc;
      best = lambda;
    }
  }
  return best;
}

/** The fitted peer: ridge logistic regression on clipped, standardised raw values plus missing-value terms. */
export function fitPeer(
  sample: Sample,
  ids: readonly string[],
  innerSplit: number | null,
  horizonDays: number,
  indicators = true,
  only?: Uint8Array,
  fixedLambda: number | null = null,
): { features: PeerFeature[]; intercept: number; lambda: number } {
  let used = 0;
  for (let r = 0; r < sample.rows; r++) if (!only || only[r]) used++;
  const stats = ids
    .map((id) => {
      const j = sample.ids.indexOf(id);
      const present: number[] = [];
      for (let r = 0; r < sample.rows; r++) {
        if (only && !only[r]) continue;
        const v = sample.values[r * sample.ids.length + j]!;
        if (!Number.isNaN(v)) present.push(v);
      }
      present.sort((a, b) => a - b);
      if (present.length < 10) return null;
      const lo = present[Math.floor(0.01 * (present.length - 1))]!;
      const hi = present[Math.ceil(0.99 * (present.length - 1))]!;
      const clipped = present.map((v) => Math.min(hi, Math.max(lo, v)));
      const center = clipped.reduce((s, v) => s + v, 0) / clipped.length;
      const scale = Math.sqrt(clipped.reduce((s, v) => s + (v - center) ** 2, 0) / clipped.length);
      if (!(scale > 1e-12)) return null;
      const missingShare = 1 - present.length / Math.max(1, used);
      return { id, j, lo, hi, center, scale, indicator: indicators && missingShare > 0.01 && missingShare < 0.99 };
    })
    .filter((s) => s !== null);
  const cols = stats.length + stats.filter((s) => s.indicator).length;
  const design = (rows?: Uint8Array): Design => {
    const index: number[] = [];
    for (let r = 0; r < sample.rows; r++) if (!rows || rows[r]) index.push(r);
    const x = new Float64Array(index.length * cols);
    const y = new Uint8Array(index.length);
    index.forEach((r, i) => {
      y[i] = sample.y[r]!;
      let c = 0;
      for (const s of stats) {
        const v = sample.values[r * sample.ids.length + s.j]!;
        x[i * cols + c++] = Number.isNaN(v) ? 0 : (Math.min(s.hi, Math.max(s.lo, v)) - s.center) / s.scale;
        if (s.indicator) x[i * cols + c++] = Number.isNaN(v) ? 1 : 0;
      }
    });
    return { rows: index.length, cols, x, y };
  };
  if (cols === 0) return { features: [], intercept: 0, lambda: DEFAULT_LAMBDA };
  const lambda = fixedLambda ?? chooseLambda(sample, innerSplit, horizonDays, design, []);
  const fit = fitRidgeLogistic(design(only), lambda);
  let c = 0;
  const features = stats.map((s) => {
    const coef = fit.coef[c++]!;
    const missing = s.indicator ? fit.coef[c++]! : 0;
    return { id: s.id, center: s.center, scale: s.scale, lo: s.lo, hi: s.hi, coef, missing };
  });
  return { features, intercept: fit.intercept, lambda };
}

/**
 * A design matrix of the sample's `rows` (all when undefined) over measures `ids`, each value
 * mapped by `map`. A week without a value gets the column's mean over the weeks that have one, or,
 * with `engine` weights, what the engine's renormalisation amounts to: the week's score of the
 * measure's category (its measures with data, weighted), else the week's score over every measure
 * with data, so that sum(weight x column) / sum(weight) is the engine's uncapped score.
 */
export function designOf(
  sample: Sample,
  ids: readonly string[],
  rows: Uint8Array | undefined,
  map: (id: string, value: number) => number,
  engine?: { weights: ReadonlyMap<string, number>; categoryOf: ReadonlyMap<string, string> },
): Design {
  const cols = ids.map((id) => sample.ids.indexOf(id));
  const k = ids.length;
  const index: number[] = [];
  for (let r = 0; r < sample.rows; r++) if (!rows || rows[r]) index.push(r);
  const x = new Float64Array(index.length * k);
  const y = new Uint8Array(index.length);
  const means = ids.map((id, j) => {
    let sum = 0;
    let n = 0;
    index.forEach((r, i) => {
      const v = sample.values[r * sample.ids.length + cols[j]!]!;
      const s = map(id, v);
      x[i * k + j] = s;
      if (!Number.isNaN(s)) {
        sum += s;
        n++;
      }
    });
    return n > 0 ? sum / n : 0;
  });
  const weight = ids.map((id) => engine?.weights.get(id) ?? 0);
  const category = ids.map((id) => engine?.categoryOf.get(id) ?? "");
  for (let i = 0; i < index.length; i++) {
    y[i] = sample.y[index[i]!]!;
    let all = 0;
    let allWeight = 0;
    const byCategory = new Map<string, [number, number]>();
    if (engine) {
      for (let j = 0; j < k; j++) {
        const s = x[i * k + j]!;
        if (Number.isNaN(s) || !(weight[j]! > 0)) continue;
        all += weight[j]! * s;
        allWeight += weight[j]!;
        const c = byCategory.get(category[j]!) ?? [0, 0];
        c[0] += weight[j]! * s;
        c[1] += weight[j]!;
        byCategory.set(category[j]!, c);
      }
    }
    for (let j = 0; j < k; j++) {
      if (!Number.isNaN(x[i * k + j]!)) continue;
      const c = byCategory.get(category[j]!);
      x[i * k + j] = c && c[1] > 0 ? c[0] / c[1] : allWeight > 0 ? all / allWeight : means[j]!;
    }
  }
  return { rows: index.length, cols: k, x, y };
}
