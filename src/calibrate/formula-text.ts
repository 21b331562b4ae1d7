/**
 * The calibrated formula as a file a person can read and edit: the current formula's settings
 * (caps, user health, alerts, expansion) as they were, the fitted categories, measures, weights,
 * score points and tier mins, and comments saying where each number came from. Plus a line diff
 * against the current formula.
 */
import { Document, isMap, isSeq, parseDocument, type YAMLMap } from "yaml";
import { parseFormula, type LoadedFormula } from "../formula/load.ts";

export interface CalibratedMeasure {
  measure: string;
  weight: number;
  points: [number, number][];
  /** The map reads the value's percentile rank in the book that week. */
  relativeTo?: "book";
  /** The score of no data (the map's `missing`); absent: no data drops out. */
  missing?: number;
  /** The score map to write as it is (the current formula's), instead of `points`. */
  score?: unknown;
  /** Comment lines written above the measure (its bins and churn rates). */
  comment: string[];
}

export interface CalibratedCategory {
  id: string;
  weight: number;
  measures: CalibratedMeasure[];
}

export interface CalibratedParts {
  name: string;
  description: string;
  header: string[];
  /** null: keep the current formula's categories, measures and score maps as they are (tiers only). */
  categories: CalibratedCategory[] | null;
  /** Tier id -> min. */
  tierMins: Record<string, number>;
  tierComment: string[];
}

/** The calibrated formula text (YAML), validated by the formula loader before it is returned. */
export function calibratedFormulaText(
  currentText: string,
  currentFile: string,
  parts: CalibratedParts,
): { text: string; loaded: LoadedFormula } {
  const base = parseDocument(currentText).toJS() as Record<string, unknown>;
  const currentCategories = new Map(((base.categories as Record<string, unknown>[]) ?? []).map((c) => [c.id as string, c]));
  const object: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if (key === "$schema") continue;
    if (key === "name") object.name = parts.name;
    else if (key === "description") object.description = parts.description;
    else if (key === "tiers")
      object.tiers = (value as Record<string, unknown>[]).map((t) => ({ ...t, min: parts.tierMins[t.id as string] ?? t.min }));
    else if (key === "categories" && parts.categories === null) object.categories = value;
    else if (key === "categories" && parts.categories !== null) {
      object.categories = parts.categories.map((c) => {
        const {
          measures: _,
          weight: __,
          ...rest
        } = currentCategories.get(c.id) ?? { id: c.id, label: c.id, playbook: "Review the drivers with the account." };
        const { id, label, description, playbook, ...others } = rest as Record<string, unknown>;
        return {
          id,
          label,
          weight: c.weight,
          ...(description === undefined ? {} : { description }),
          playbook,
          ...others,
          measures: c.measures.map((m) => ({
            measure: m.measure,
            weight: m.weight,
            score: m.score ?? {
              ...(m.relativeTo ? { relative_to: m.relativeTo } : {}),
              points: m.points,
              ...(m.missing === undefined ? {} : { missing: m.missing }),
            },
          })),
        };
      });
    } else object[key] = value;
  }
  if (!("description" in object)) object.description = parts.description;

  const doc = new Document(object);
  doc.commentBefore = parts.header.map((line) => ` ${line}`.trimEnd()).join("\n");
  const tiers = doc.get("tiers", true);
  if (isSeq(tiers) && parts.tierComment.length > 0) tiers.commentBefore = parts.tierComment.map((l) => ` ${l}`).join("\n");
  (parts.categories ?? []).forEach((category, ci) => {
    category.measures.forEach((measure, mi) => {
      const node = doc.getIn(["categories", ci, "measures", mi], true);
      if (isMap(node)) {
        if (measure.comment.length > 0) node.commentBefore = measure.comment.map((l) => ` ${l}`).join("\n");
        const score = node.get("score", true);
        if (isMap(score)) (score as YAMLMap).flow = true;
      }
    });
  });
  for (const path of [
    ["alerts", "score_drop"],
    ["alerts", "tier_down"],
    ["alerts", "key_person_inactive_days"],
    ["alerts", "divergence"],
    ["alerts", "renewal_tiers"],
  ] as const) {
    const node = doc.getIn(path, true);
    if (isMap(node) || isSeq(node)) node.flow = true;
  }
  for (const part of ["recency", "frequency", "breadth", "weights"] as const) {
    const node = doc.getIn(["user_health", part], true);
    if (isMap(node)) node.flow = true;
  }
  const text = doc.toString({ lineWidth: 0 });
  const loaded = parseFormula(text, `${currentFile.replace(/\.[^./]+$/, "")}.calibrated.yaml`);
  return { text, loaded };
}

/**
 * A unified diff of two texts by lines (longest common subsequence), with `context` lines around
 * each change. Enough for files of a few hundred lines.
 */
export function lineDiff(a: string, b: string, nameA: string, nameB: string, context = 2): string {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        x[i] === y[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  type Op = { kind: " " | "-" | "+"; text: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ kind: " ", text: x[i]!, ai: i++, bi: j++ });
    else if (j < m && (i >= n || lcs[i * (m + 1) + j + 1]! >= lcs[(i + 1) * (m + 1) + j]!))
      ops.push({ kind: "+", text: y[j]!, ai: i, bi: j++ });
    else ops.push({ kind: "-", text: x[i]!, ai: i++, bi: j });
  }
  const out = [`--- ${nameA}`, `+++ ${nameB}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === " ") {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while changes are within 2 x context of each other
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== " ") end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === " " && next - end < 2 * context) next++;
      if (next < ops.length && ops[next]!.kind !== " ") end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aCount = hunk.filter((o) => o.kind !== "+").length;
    const bCount = hunk.filter((o) => o.kind !== "-").length;
    out.push(`@@ -${hunk[0]!.ai + 1},${aCount} +${hunk[0]!.bi + 1},${bCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = stop;
  }
  return `${out.join("\n")}\n`;
}
