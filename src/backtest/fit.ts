/**
 * Fitting category weights: a deterministic coordinate search over the simplex of integer weights
 * summing to 100, maximising the rank AUC of the re-combined score on the fit weeks.
 *
 * The search moves `step` weight points from one category to another, takes the move that raises
 * the AUC most, and halves the step when no move helps (16, 8, 4, 2, 1). Weights stay non-negative
 * and sum to 100 by construction. It runs over typed arrays of the fit weeks (one pass per
 * candidate, no sort: scores are binned to 0.01 points, so the AUC it climbs counts scores within
 * 0.01 of each other as ties); the figures reported come from the exact SQL AUC afterwards.
 * No optimisation library: the AUC is a step function of the weights, which gradient methods and
 * least squares do not climb, and a plain search is small, fast and reproducible.
 */
import type { Database } from "../db/duckdb.ts";
import { ident } from "../db/duckdb.ts";
import { recombine } from "./recombine.ts";

/** Fit weeks as arrays: `scores[row * k + c]` is category c's score (NaN without data). */
export type FitData = {
  rows: number;
  categories: readonly string[];
  scores: Float64Array;
  /** The week's cap, Infinity when none. */
  caps: Float64Array;
  labels: Uint8Array;
};

export type SearchOptions = {
  /** Step sizes in weight points, largest first. */
  steps: readonly number[];
  /** A move must raise the (binned) AUC by more than this. */
  minGain: number;
  /** Safety stop on the number of accepted moves. */
  maxMoves: number;
};

export const SEARCH_DEFAULTS: SearchOptions = { steps: [16, 8, 4, 2, 1], minGain: 1e-5, maxMoves: 500 };

export type SearchResult = {
  weights: number[];
  /** Binned AUC of the start and of the result on the fit weeks. */
  startAuc: number | null;
  auc: number | null;
  moves: number;
  evaluations: number;
};

const BINS = 10_001; // 0.00 to 100.00 in steps of 0.01

/** Loads the fit weeks of `relation` (label, cap_score, category_<id> columns) into arrays. */
export async function loadFitData(db: Database, relation: string, categories: readonly string[]): Promise<FitData> {
  const columns = categories.map((id) => `${ident(`category_${id}`)}::double as ${ident(`c_${id}`)}`).join(", ");
  const data = await db.columns(`select label, cap_score::double as cap_score${columns ? `, ${columns}` : ""} from ${relation} order by account_id, week_start`);
  const labels = data.label as boolean[];
  const rows = labels.length;
  const k = categories.length;
  const scores = new Float64Array(rows * k);
  for (let c = 0; c < k; c++) {
    const values = data[`c_${categories[c]}`] as (number | null)[];
    for (let r = 0; r < rows; r++) scores[r * k + c] = values[r] ?? Number.NaN;
  }
  const caps = Float64Array.from(data.cap_score as (number | null)[], (v) => v ?? Number.POSITIVE_INFINITY);
  return { rows, categories, scores, caps, labels: Uint8Array.from(labels, (l) => (l ? 1 : 0)) };
}

/** Builds FitData from plain rows (category scores in `categories` order, null without data). */
export function fitDataFrom(categories: readonly string[], rows: { scores: (number | null)[]; cap?: number | null; label: boolean }[]): FitData {
  const k = categories.length;
  const scores = new Float64Array(rows.length * k);
  rows.forEach((row, r) => categories.forEach((_, c) => (scores[r * k + c] = row.scores[c] ?? Number.NaN)));
  return {
    rows: rows.length,
    categories,
    scores,
    caps: Float64Array.from(rows, (row) => row.cap ?? Number.POSITIVE_INFINITY),
    labels: Uint8Array.from(rows, (row) => (row.label ? 1 : 0)),
  };
}

/**
 * Rank AUC of the score re-combined with `weights` (lower = riskier, ties one half), scores binned
 * to 0.01; weeks with no weighted category data are left out. Null without both classes.
 */
export function binnedAuc(data: FitData, weights: readonly number[], scratch = newScratch()): number | null {
  const { pos, neg } = scratch;
  pos.fill(0);
  neg.fill(0);
  const k = data.categories.length;
  const row = new Array<number | null>(k);
  for (let r = 0; r < data.rows; r++) {
    for (let c = 0; c < k; c++) {
      const s = data.scores[r * k + c]!;
      row[c] = Number.isNaN(s) ? null : s;
    }
    const uncapped = recombine(row, weights);
    if (uncapped === null) continue;
    const score = Math.min(uncapped, data.caps[r]!);
    const bin = Math.min(BINS - 1, Math.max(0, Math.round(score * 100)));
    if (data.labels[r]) pos[bin]!++;
    else neg[bin]!++;
  }
  let negativesSafer = 0;
  let wins = 0;
  let positives = 0;
  for (let b = BINS - 1; b >= 0; b--) {
    wins += pos[b]! * (negativesSafer + 0.5 * neg[b]!);
    negativesSafer += neg[b]!;
    positives += pos[b]!;
  }
  const pairs = positives * negativesSafer;
  return pairs > 0 ? wins / pairs : null;
}

function newScratch() {
  return { pos: new Float64Array(BINS), neg: new Float64Array(BINS) };
}

/**
 * Coordinate search from `start` (weights summing to 100). Only categories in `movable` change;
 * the others keep their weight. Deterministic: candidates are tried in category order and a move
 * must beat the best so far by more than `minGain`.
 */
export function searchWeights(
  data: FitData,
  start: readonly number[],
  movable: readonly boolean[] = start.map(() => true),
  options: SearchOptions = SEARCH_DEFAULTS,
): SearchResult {
  const scratch = newScratch();
  let evaluations = 0;
  const auc = (w: readonly number[]) => {
    evaluations++;
    return binnedAuc(data, w, scratch);
  };
  const weights = [...start];
  const startAuc = auc(weights);
  if (startAuc === null) return { weights, startAuc, auc: null, moves: 0, evaluations };
  let best = startAuc;
  let moves = 0;
  for (const step of options.steps) {
    while (moves < options.maxMoves) {
      let bestMove: [number, number] | null = null;
      let bestAuc = best + options.minGain;
      for (let from = 0; from < weights.length; from++) {
        if (!movable[from] || weights[from]! < step) continue;
        for (let to = 0; to < weights.length; to++) {
          if (to === from || !movable[to]) continue;
          weights[from]! -= step;
          weights[to]! += step;
          const a = auc(weights);
          weights[from]! += step;
          weights[to]! -= step;
          if (a !== null && a > bestAuc) {
            bestAuc = a;
            bestMove = [from, to];
          }
        }
      }
      if (!bestMove) break;
      weights[bestMove[0]]! -= step;
      weights[bestMove[1]]! += step;
      best = bestAuc;
      moves++;
    }
  }
  return { weights, startAuc, auc: best, moves, evaluations };
}

/** Shrinkage factors tried between the current weights (0) and the fitted ones (1). */
export const SHRINKAGE_GRID = [0, 0.25, 0.5, 0.75, 1] as const;

/**
 * current + alpha * (fitted - current), rounded to whole points by largest remainder so that the
 * movable categories keep their total (ties go to the earlier category); fixed ones stay as they are.
 */
export function blendWeights(current: readonly number[], fitted: readonly number[], alpha: number, movable: readonly boolean[]): number[] {
  const raw = current.map((w, c) => (movable[c] ? w + alpha * (fitted[c]! - w) : w));
  const budget = current.reduce((sum, w, c) => sum + (movable[c] ? w : 0), 0);
  const out = raw.map((w, c) => (movable[c] ? Math.floor(w + 1e-9) : w));
  let rest = Math.round(budget - out.reduce((sum, w, c) => sum + (movable[c] ? w : 0), 0));
  const order = raw
    .map((w, c) => ({ c, frac: w - Math.floor(w + 1e-9) }))
    .filter(({ c }) => movable[c])
    .sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (const { c } of order) {
    if (rest <= 0) break;
    out[c]! += 1;
    rest--;
  }
  return out;
}
