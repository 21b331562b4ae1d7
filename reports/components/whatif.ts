/**
 * The what-if recombination, in the browser: new category weights -> every account-week's score,
 * tiers, AUC. Exactly the engine's rule (src/backtest/recombine.ts states it): the weighted mean of
 * the categories with data and a positive weight, renormalised over them, then the week's cap
 * (caps do not depend on the weights). Everything is O(rows x categories) over typed arrays, so
 * 10k accounts' labelled history re-scores in milliseconds.
 */

/** Scores for each row from per-category columns (NaN = no data) and weights; NaN when no category has data. */
export function recombine(columns: readonly Float64Array[], weights: readonly number[], out?: Float64Array): Float64Array {
  const n = columns[0]?.length ?? 0;
  const scores = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let weight = 0;
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]![i]!;
      const w = weights[c]!;
      if (v === v && w > 0) {
        sum += v * w;
        weight += w;
      }
    }
    scores[i] = weight > 0 ? sum / weight : NaN;
  }
  return scores;
}

/** Each score capped by its week's cap (NaN = no cap), in place. */
export function applyCaps(scores: Float64Array, caps: Float64Array): Float64Array {
  for (let i = 0; i < scores.length; i++) {
    const cap = caps[i]!;
    if (cap === cap && scores[i]! > cap) scores[i] = cap;
  }
  return scores;
}

/**
 * Area under the ROC curve of "low score predicts churn" (label 1), from a histogram of scores in
 * 0.01-point bins: O(n), and scores within 0.01 of each other count as ties. Rows without a score
 * are left out. NaN when there are no positives or no negatives.
 */
export function aucLowScoreChurns(scores: Float64Array, labels: ArrayLike<number>): number {
  const bins = 10_001;
  const pos = new Float64Array(bins);
  const neg = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s !== s) continue;
    // risk = 100 - score: higher risk should mean churn
    const b = Math.max(0, Math.min(bins - 1, Math.round((100 - s) * 100)));
    if (labels[i]) pos[b]! += 1;
    else neg[b]! += 1;
  }
  let negBelow = 0;
  let area = 0;
  let p = 0;
  let q = 0;
  for (let b = 0; b < bins; b++) {
    area += pos[b]! * (negBelow + neg[b]! / 2);
    negBelow += neg[b]!;
    p += pos[b]!;
    q += neg[b]!;
  }
  return p > 0 && q > 0 ? area / (p * q) : NaN;
}

export interface TierRule { id: string; min: number }

/** Tier id of each score under `tiers`: the best tier whose min the score reaches; null for none (as the engine). */
export function tiersOf(scores: Float64Array, tiers: readonly TierRule[]): (string | null)[] {
  const sorted = [...tiers].sort((a, b) => b.min - a.min);
  return Array.from(scores, (s) => (s !== s ? null : (sorted.find((t) => s >= t.min)?.id ?? null)));
}

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

/**
 * Weights scaled to sum to 100 (the formula requires it), to one decimal, the rounding left over
 * given to the largest; all-zero weights stay zero.
 */
export function weightsToHundred(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + Math.max(0, w), 0);
  if (total <= 0) return weights.map(() => 0);
  const tenths = weights.map((w) => Math.round((Math.max(0, w) / total) * 1000));
  const largest = tenths.indexOf(Math.max(...tenths));
  tenths[largest]! += 1000 - tenths.reduce((s, t) => s + t, 0);
  return tenths.map((t) => t / 10);
}

/** Plain data (objects, arrays, strings, numbers, booleans, null) as block YAML. */
export function toYaml(value: unknown, indent = ""): string {
  const scalar = (v: unknown): string =>
    v === null || v === undefined ? "null" : typeof v === "string" ? JSON.stringify(v) : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  const isBlock = (v: unknown) => v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    return value
      .map((item) => {
        if (!isBlock(item)) return `${indent}- ${scalar(item)}`;
        // a list of scalars (score points) stays on one line
        if (Array.isArray(item) && item.every((x) => !isBlock(x))) return `${indent}- [${item.map(scalar).join(", ")}]`;
        const body = toYaml(item, `${indent}  `);
        return `${indent}- ${body.slice(indent.length + 2)}`;
      })
      .join("\n");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return "{}";
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k);
        if (!isBlock(v)) return `${indent}${key}: ${Array.isArray(v) ? "[]" : v !== null && typeof v === "object" ? "{}" : scalar(v)}`;
        if (Array.isArray(v) && v.every((x) => !isBlock(x))) return `${indent}${key}: [${v.map(scalar).join(", ")}]`;
        return `${indent}${key}:\n${toYaml(v, `${indent}  `)}`;
      })
      .join("\n");
  }
  return `${indent}${scalar(value)}`;
}

/**
 * The formula in use with the what-if's category weights (scaled to sum to 100), as formula YAML
 * ready for `--formula`. `formula` is the Formula page's copy: the labels and descriptions it adds
 * to each measure are left out, as the formula file has no place for them.
 */
export function whatIfFormulaYaml(formula: { name: string; categories: { id: string; weight: number; measures: { measure: string; weight: number; score: unknown }[] }[] } & Record<string, unknown>, weights: Record<string, number>, note: string): string {
  const ids = formula.categories.map((c) => c.id);
  const scaled = weightsToHundred(ids.map((id) => weights[id] ?? formula.categories.find((c) => c.id === id)!.weight));
  const copy = {
    ...formula,
    name: `${formula.name} (what-if weights)`,
    categories: formula.categories.map((c, i) => ({
      ...c,
      weight: scaled[i],
      measures: c.measures.map((m) => ({ measure: m.measure, weight: m.weight, score: m.score })),
    })),
  };
  return `# ${note}\n${toYaml(copy)}\n`;
}
