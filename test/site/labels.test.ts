/**
 * The words the site shows for codes, and the what-if's formula YAML: real formula files through
 * the real formula loader.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALERT_KINDS } from "../../src/alerts/kinds.ts";
import { loadFormula, parseFormula } from "../../src/formula/load.ts";
import { ALERT_KIND_LABELS, alertKindLabel, words } from "../../reports/components/format.ts";
import { weightsToHundred, whatIfFormulaYaml } from "../../reports/components/whatif.ts";

const DEFAULT_FORMULA = path.resolve(import.meta.dirname, "../../src/formula/default-formula.yaml");

describe("words", () => {
  it("spells codes as words, acronyms in capitals, and leaves text alone", () => {
    expect(words("mid_market")).toBe("Mid market");
    expect(words("smb")).toBe("SMB");
    expect(words("signup_quarter")).toBe("Signup quarter");
    expect(words("at_least", { capital: false })).toBe("at least");
    expect(words("2025-Q1")).toBe("2025-Q1");
    expect(words("Acme Corp")).toBe("Acme Corp");
    expect(words(null)).toBe("–");
  });

  it("has a label for every alert kind the engine raises", () => {
    for (const kind of ALERT_KINDS) {
      expect(ALERT_KIND_LABELS[kind]).toMatch(/^[A-Z]\w* [a-z]/);
      expect(alertKindLabel(kind)).not.toContain("_");
    }
    expect(alertKindLabel("some_new_kind")).toBe("Some new kind");
  });
});

describe("what-if formula YAML", () => {
  it("scales weights to sum to exactly 100 at one decimal", () => {
    expect(weightsToHundred([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
    expect(weightsToHundred([0, 0])).toEqual([0, 0]);
    const scaled = weightsToHundred([35, 0, 7, 13, 2, 9, 21, 5]);
    expect(scaled.reduce((s, w) => s + w, 0)).toBeCloseTo(100, 9);
    expect(scaled[1]).toBe(0);
  });

  it("writes the formula in use with the what-if weights, which the formula loader accepts", () => {
    const { formula } = loadFormula(DEFAULT_FORMULA);
    const weights = Object.fromEntries(formula.categories.map((c, i) => [c.id, i === 0 ? 0 : c.weight * 2]));
    // the Formula page's copy adds labels and descriptions to each measure: they must not leak in
    const pageCopy = {
      ...formula,
      categories: formula.categories.map((c) => ({
        ...c,
        measures: c.measures.map((m) => ({ ...m, label: "x", description: "y", unit: null, higher_is_better: true })),
      })),
    };
    const text = whatIfFormulaYaml(pageCopy as never, weights, "a note");
    expect(text.startsWith("# a note\n")).toBe(true);
    const back = parseFormula(text, "what-if.yaml").formula;
    expect(back.categories.map((c) => c.id)).toEqual(formula.categories.map((c) => c.id));
    expect(back.categories[0]!.weight).toBe(0);
    const rest = formula.categories.slice(1).reduce((s, c) => s + c.weight, 0);
    // to one decimal, the rounding left over on the largest
    formula.categories
      .slice(1)
      .forEach((c, i) => expect(Math.abs(back.categories[i + 1]!.weight - (100 * c.weight) / rest)).toBeLessThanOrEqual(0.1 + 1e-9));
    // everything but the weights and the name is the formula in use
    expect(back.tiers).toEqual(formula.tiers);
    expect(back.alerts).toEqual(formula.alerts);
    expect(back.categories[2]!.measures).toEqual(formula.categories[2]!.measures);
  });
});
