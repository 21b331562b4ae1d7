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
    v === null || v === undefined
      ? "null"
      : typeof v === "string"
        ? JSON.stringify(v)
        : typeof v === "number" || typeof v === "boolean"
          ? String(v)
          : JSON.stringify(v);
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
export function whatIfFormulaYaml(
  formula: {
    name: string;
    categories: { id: string; weight: number; measures: { measure: string; weight: number; score: unknown }[] }[];
  } & Record<string, unknown>,
  weights: Record<string, number>,
  note: string,
): string {
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
