/** Known answers of the weight search, the blending and the suggested formula file. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binnedAuc, blendWeights, fitDataFrom, searchWeights } from "../../src/backtest/fit.ts";
import { recombine } from "../../src/backtest/recombine.ts";
import { formulaDiff, suggestedFormulaText } from "../../src/backtest/suggest.ts";
import { DEFAULT_FORMULA_FILE } from "../../src/cli/paths.ts";
import { FormulaError, parseFormula } from "../../src/formula/load.ts";

/** Deterministic pseudo-random integers 0..n-1 (a small LCG), so the data is the same on every run. */
function lcg(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

describe("binnedAuc", () => {
  it("equals a pair-by-pair count, ties one half, on the re-combined and capped score", () => {
    const rand = lcg(3);
    const rows = Array.from({ length: 300 }, () => ({
      scores: [rand(11) * 10, rand(3) === 0 ? null : rand(21) * 5],
      cap: rand(5) === 0 ? 40 : null,
      label: rand(4) === 0,
    }));
    const weights = [30, 70];
    const data = fitDataFrom(["a", "b"], rows);
    const scored = rows.map((r) => ({ score: Math.min(recombine(r.scores, weights)!, r.cap ?? Infinity), label: r.label }));
    let wins = 0;
    let pairs = 0;
    for (const p of scored.filter((r) => r.label)) {
      for (const n of scored.filter((r) => !r.label)) {
        pairs++;
        wins += p.score < n.score ? 1 : p.score === n.score ? 0.5 : 0;
      }
    }
    expect(binnedAuc(data, weights)).toBeCloseTo(wins / pairs, 12);
  });

  it("is null without both classes", () => {
    expect(binnedAuc(fitDataFrom(["a"], [{ scores: [10], label: false }, { scores: [20], label: false }]), [100])).toBeNull();
  });
});

describe("searchWeights", () => {
  // category a separates churners perfectly, b points the wrong way, c is noise
  const rand = lcg(11);
  const rows = Array.from({ length: 400 }, (_, i) => {
    const label = i % 5 === 0;
    return { scores: [label ? rand(40) : 50 + rand(50), label ? 60 + rand(40) : rand(100), rand(100)], label };
  });
  const data = fitDataFrom(["a", "b", "c"], rows);

  it("moves weight to the category that separates churners until the ranking is perfect, in whole points summing to 100", () => {
    const result = searchWeights(data, [20, 50, 30]);
    expect(result.startAuc!).toBeLessThan(0.7);
    expect(result.auc).toBe(1);
    expect(result.weights[0]).toBeGreaterThan(80);
    expect(result.weights.reduce((s, w) => s + w, 0)).toBe(100);
    for (const w of result.weights) expect(Number.isInteger(w) && w >= 0).toBe(true);
    // the exact AUC of the result, pair by pair, agrees
    const scored = rows.map((r) => ({ score: recombine(r.scores, result.weights)!, label: r.label }));
    const pos = scored.filter((r) => r.label);
    const neg = scored.filter((r) => !r.label);
    expect(pos.every((p) => neg.every((n) => p.score < n.score))).toBe(true);
  });

  it("is deterministic and leaves categories that may not move alone", () => {
    const a = searchWeights(data, [20, 50, 30], [true, false, true]);
    const b = searchWeights(data, [20, 50, 30], [true, false, true]);
    expect(a).toEqual(b);
    expect(a.weights).toEqual([50, 50, 0]);
    for (const w of a.weights) expect(w).toBeGreaterThanOrEqual(0);
  });

  it("makes no move when the start cannot be beaten", () => {
    const result = searchWeights(data, [100, 0, 0]);
    expect(result).toMatchObject({ weights: [100, 0, 0], moves: 0, auc: 1 });
  });
});

describe("blendWeights", () => {
  it("goes the given share of the way, in whole points that keep the total", () => {
    expect(blendWeights([35, 15, 50], [3, 47, 50], 0.5, [true, true, true])).toEqual([19, 31, 50]);
    expect(blendWeights([35, 15, 50], [3, 47, 50], 0, [true, true, true])).toEqual([35, 15, 50]);
    expect(blendWeights([35, 15, 50], [3, 47, 50], 1, [true, true, true])).toEqual([3, 47, 50]);
    // 10 + 0.25 * (0 - 10) = 7.5 and 10 + 0.25 * (30 - 10) = 15, 80 fixed
    const quarter = blendWeights([10, 10, 80], [0, 20, 80], 0.25, [true, true, false]);
    expect(quarter).toEqual([8, 12, 80]);
    expect(quarter.reduce((s, w) => s + w, 0)).toBe(100);
  });
});

describe("the suggested formula file", () => {
  const text = readFileSync(DEFAULT_FORMULA_FILE, "utf8");
  const current = parseFormula(text, DEFAULT_FORMULA_FILE).formula;
  const ids = current.categories.map((c) => c.id);
  const weights = Object.fromEntries(ids.map((id, i) => [id, i === 0 ? 100 - 2 * (ids.length - 1) : 2]));

  it("changes only the category weights, keeps comments and layout, and loads with the formula loader", () => {
    const out = suggestedFormulaText(text, DEFAULT_FORMULA_FILE, weights, ["tuned for a test"]);
    expect(out.startsWith("# tuned for a test\n")).toBe(true);
    const loaded = parseFormula(out, "suggested-formula.yaml").formula;
    expect(loaded.categories.map((c) => [c.id, c.weight])).toEqual(ids.map((id) => [id, weights[id]]));
    expect(loaded.categories.map((c) => c.measures)).toEqual(current.categories.map((c) => c.measures));
    expect(loaded.tiers).toEqual(current.tiers);
    const before = text.split("\n");
    const after = out.split("\n").slice(1);
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line.trim(), after[i]!.trim()]]));
    expect(changed.length).toBe(ids.filter((id) => weights[id] !== current.categories.find((c) => c.id === id)!.weight).length);
    for (const [a, b] of changed) {
      expect(a).toMatch(/^weight: \d+$/);
      expect(b).toMatch(/^weight: \d+$/);
    }
  });

  it("refuses weights that do not sum to 100, naming the problem", () => {
    expect(() => suggestedFormulaText(text, DEFAULT_FORMULA_FILE, { ...weights, [ids[0]!]: 1 })).toThrow(FormulaError);
    expect(() => suggestedFormulaText(text, DEFAULT_FORMULA_FILE, { ...weights, [ids[0]!]: 1 })).toThrow(/must sum to 100/);
  });

  it("diffs the weight lines, each hunk titled with its category", () => {
    const out = suggestedFormulaText(text, DEFAULT_FORMULA_FILE, weights, ["tuned"]);
    const diff = formulaDiff(text, out, "a/default-formula.yaml", "b/suggested-formula.yaml");
    const lines = diff.trimEnd().split("\n");
    expect(lines.slice(0, 4)).toEqual(["--- a/default-formula.yaml", "+++ b/suggested-formula.yaml", "@@ -0,0 +1,1 @@", "+# tuned"]);
    const first = current.categories[0]!;
    const hunk = lines.indexOf(lines.find((l) => l.endsWith(`@@ ${first.id}`))!);
    expect(hunk).toBeGreaterThan(0);
    expect(lines[hunk + 1]!.trim()).toBe(`-    weight: ${first.weight}`.trim());
    expect(lines[hunk + 2]!.trim()).toBe(`+    weight: ${weights[first.id]}`.trim());
  });
});
