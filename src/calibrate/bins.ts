/**
 * A measure's score map fitted the way a credit scorecard bins a variable: quantile bins of the raw
 * value on the fit period, the churn rate of each bin, made monotone by pool-adjacent-violators
 * (bins that break the order are pooled), and each pooled bin scored 0-100 on the log-odds of its
 * churn rate (the riskiest bin 0, the safest 100). The map is written as plain `points`: each pooled
 * bin's median raw value with its score, so a reader sees exactly which raw values score what.
 * Pure functions; the bins' counts come from DuckDB (calibrate_bins.sql).
 */
import { rankAucOfCounts } from "../../reports/lib/auc.ts";

/** One quantile bin of a measure's raw values on the fit period, in raw-value order. */
export interface BinCount {
  /** Smallest and largest raw value in the bin; bins do not overlap. */
  lower: number;
  upper: number;
  /** Median raw value of the bin. */
  median: number;
  rows: number;
  positives: number;
}

/** A pooled bin of the fitted map. */
export interface Block {
  lower: number;
  upper: number;
  /** Where the block's point sits (its middle row's bin median). */
  x: number;
  rows: number;
  positives: number;
  churn_rate: number;
  score: number;
}

/** The fit-period weeks with no value for a measure (a scorecard's "missing" bin) and the score they get. */
export interface NoDataBin {
  rows: number;
  positives: number;
  churn_rate: number;
  score: number;
}

export interface FittedMap {
  /** "higher" when higher raw values churn less (and score more). */
  better: "higher" | "lower";
  blocks: Block[];
  points: [number, number][];
  /** The score of no data (the formula map's `missing`), or none: no data drops out. */
  missing?: NoDataBin;
  /** Rank AUC of the block score alone on the fit rows with data (ties inside a block one half). */
  auc: number | null;
  rows: number;
  positives: number;
}

export interface BinOptions {
  /** A bin with fewer rows than this is merged with its smaller neighbour first. */
  minRows: number;
  /** Pseudo-rows at the base rate added to each block before its log-odds (keeps empty bins finite). */
  smoothing: number;
  /** Direction to prefer when both fit equally well. */
  preferHigher: boolean;
  /**
   * The weeks with no value, scored like any bin on the same log-odds scale (the riskiest of the
   * bins and this one scores 0, the safest 100); left out when fewer than `minRows`.
   */
  noData?: { rows: number; positives: number };
}

/**
 * Fits the map of one measure from its bins, or null when there is nothing to rank with: one bin
 * only, no churn or no survivor among its rows, or every bin pooled into one.
 */
export function fitScoreMap(bins: readonly BinCount[], options: BinOptions): FittedMap | null {
  const merged = mergeSmall(bins, options.minRows);
  const rows = merged.reduce((s, b) => s + b.rows, 0);
  const positives = merged.reduce((s, b) => s + b.positives, 0);
  if (merged.length < 2 || positives === 0 || positives === rows) return null;
  const higher = pav(merged, "higher");
  const lower = pav(merged, "lower");
  const sse = (blocks: BinCount[][]) =>
    blocks.reduce((sum, block) => {
      const n = block.reduce((s, b) => s + b.rows, 0);
      const rate = block.reduce((s, b) => s + b.positives, 0) / n;
      return sum + block.reduce((s, b) => s + b.rows * (b.positives / b.rows - rate) ** 2, 0);
    }, 0);
  const [sseHigher, sseLower] = [sse(higher), sse(lower)];
  const better: "higher" | "lower" =
    Math.abs(sseHigher - sseLower) <= 1e-12 * Math.max(1, sseHigher)
      ? options.preferHigher
        ? "higher"
        : "lower"
      : sseHigher < sseLower
        ? "higher"
        : "lower";
  const pooled = better === "higher" ? higher : lower;
  if (pooled.length < 2) return null;

  const base = positives / rows;
  const logit = (p: number) => Math.log(p / (1 - p));
  const blocks = pooled.map((group): Omit<Block, "score"> & { logOdds: number } => {
    const n = group.reduce((s, b) => s + b.rows, 0);
    const pos = group.reduce((s, b) => s + b.positives, 0);
    const smoothed = (pos + options.smoothing * base) / (n + options.smoothing);
    return {
      lower: group[0]!.lower,
      upper: group.at(-1)!.upper,
      x: middleMedian(group),
      rows: n,
      positives: pos,
      churn_rate: pos / n,
      logOdds: logit(smoothed),
    };
  });
  const noData =
    options.noData && options.noData.rows >= options.minRows
      ? {
          ...options.noData,
          logOdds: logit((options.noData.positives + options.smoothing * base) / (options.noData.rows + options.smoothing)),
        }
      : null;
  const blockWorst = Math.max(...blocks.map((b) => b.logOdds));
  const blockBest = Math.min(...blocks.map((b) => b.logOdds));
  if (!(blockWorst - blockBest > 1e-9)) return null;
  const worst = Math.max(blockWorst, noData?.logOdds ?? blockWorst);
  const best = Math.min(blockBest, noData?.logOdds ?? blockBest);
  const score = (logOdds: number) => Math.round((100 * (worst - logOdds)) / (worst - best));
  const scored: Block[] = blocks.map(({ logOdds, ...b }) => ({ ...b, score: score(logOdds) }));
  const missing = noData
    ? { rows: noData.rows, positives: noData.positives, churn_rate: noData.positives / noData.rows, score: score(noData.logOdds) }
    : undefined;
  return { better, blocks: scored, points: mapPoints(scored), auc: blockAuc(scored), rows, positives, ...(missing ? { missing } : {}) };
}

/** The score of a raw value under the blocks as steps (the value's block), for fitting weights. */
export function blockScore(blocks: readonly Block[], value: number): number {
  for (let b = 0; b < blocks.length - 1; b++) if (value <= blocks[b]!.upper) return blocks[b]!.score;
  return blocks.at(-1)!.score;
}

/** Merges any bin below `minRows` into its smaller neighbour until none is left (or one bin). */
function mergeSmall(bins: readonly BinCount[], minRows: number): BinCount[] {
  const out = bins.filter((b) => b.rows > 0).map((b) => ({ ...b }));
  for (;;) {
    if (out.length < 2) return out;
    let smallest = -1;
    for (let i = 0; i < out.length; i++) if (out[i]!.rows < minRows && (smallest < 0 || out[i]!.rows < out[smallest]!.rows)) smallest = i;
    if (smallest < 0) return out;
    const left = smallest - 1;
    const right = smallest + 1;
    const other = left < 0 ? right : right >= out.length ? left : out[left]!.rows <= out[right]!.rows ? left : right;
    const [a, b] = other < smallest ? [other, smallest] : [smallest, other];
    out.splice(a, 2, combine(out[a]!, out[b]!));
  }
}

function combine(a: BinCount, b: BinCount): BinCount {
  return {
    lower: a.lower,
    upper: b.upper,
    median: a.rows >= b.rows ? a.median : b.median,
    rows: a.rows + b.rows,
    positives: a.positives + b.positives,
  };
}

/**
 * Pool-adjacent-violators: groups of consecutive bins whose pooled churn rates fall (better
 * "higher": more of the measure, less churn) or rise (better "lower") along the raw values.
 * Equal neighbouring rates are pooled too, so every block differs from the next.
 */
function pav(bins: readonly BinCount[], better: "higher" | "lower"): BinCount[][] {
  const sign = better === "higher" ? 1 : -1;
  const stack: { group: BinCount[]; rows: number; positives: number }[] = [];
  for (const bin of bins) {
    stack.push({ group: [bin], rows: bin.rows, positives: bin.positives });
    while (stack.length > 1) {
      const last = stack.at(-1)!;
      const prev = stack.at(-2)!;
      // violation: the later (higher-valued) block is not safer than the earlier one
      if (sign * (prev.positives / prev.rows - last.positives / last.rows) > 1e-15) break;
      stack.splice(-2, 2, {
        group: [...prev.group, ...last.group],
        rows: prev.rows + last.rows,
        positives: prev.positives + last.positives,
      });
    }
  }
  return stack.map((s) => s.group);
}

/** The median of the bin holding the group's middle row. */
function middleMedian(group: readonly BinCount[]): number {
  const half = group.reduce((s, b) => s + b.rows, 0) / 2;
  let seen = 0;
  for (const bin of group) {
    seen += bin.rows;
    if (seen >= half) return bin.median;
  }
  return group.at(-1)!.median;
}

/**
 * [raw, score] points: each block's median raw value at its score (the engine interpolates between
 * them and clamps beyond the ends); beside a block of one value (a flag, a count of 0, an answer of
 * 10) the neighbour's edge gets the neighbour's score too, so the one value steps instead of
 * blending into its neighbour. Raw values are rounded to 4 significant digits and strictly increase.
 * Tried against steps at every block's edges: on the demo those fitted the earlier period better
 * and the later period worse.
 */
function mapPoints(blocks: readonly Block[]): [number, number][] {
  const points: [number, number][] = [];
  const push = (raw: number, score: number) => {
    const x = roundSignificant(raw, 4);
    if (points.length > 0 && x <= points.at(-1)![0]) return;
    points.push([x, score]);
  };
  blocks.forEach((block, b) => {
    const previous = blocks[b - 1];
    const next = blocks[b + 1];
    if (previous && previous.lower === previous.upper) push(block.lower, block.score);
    push(block.x, block.score);
    if (next && next.lower === next.upper) push(block.upper, block.score);
  });
  if (points.length < 2)
    return [
      [blocks[0]!.upper, blocks[0]!.score],
      [blocks.at(-1)!.upper + Math.max(1e-6, Math.abs(blocks.at(-1)!.upper) * 1e-3), blocks.at(-1)!.score],
    ];
  return points;
}

/** A raw value's score under `points` as a formula's `points` map reads: linear between points, flat beyond the ends. */
export function pointsScore(points: readonly [number, number][], value: number): number {
  if (value <= points[0]![0]) return points[0]![1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (value <= x1) {
      const [x0, y0] = points[i - 1]!;
      return y0 + ((y1 - y0) * (value - x0)) / (x1 - x0);
    }
  }
  return points.at(-1)![1];
}

export function roundSignificant(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** AUC of the block scores: a churned row in a lower-scoring block than a survivor wins, same score one half. */
function blockAuc(blocks: readonly Block[]): number | null {
  return rankAucOfCounts(
    blocks.map((b) => -b.score),
    blocks.map((b) => b.positives),
    blocks.map((b) => b.rows - b.positives),
  );
}
