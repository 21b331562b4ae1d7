/** Category bars and the heatmap are coloured at the formula's tier cut-offs, not at fixed numbers. */
import { describe, expect, it } from "vitest";
import { loadFormula } from "../../src/formula/load.ts";
import { DEFAULT_FORMULA_FILE } from "../../src/core/paths.ts";
import { tierThresholdScale } from "../../reports/components/portfolio-charts.ts";

describe("tier colours", () => {
  it("takes the threshold scale's cut-offs and colours from the formula's tiers", () => {
    const tiers = loadFormula(DEFAULT_FORMULA_FILE).formula.tiers.map((t) => ({
      id: t.id,
      label: t.label,
      color: t.color ?? "#888",
      min: t.min,
      max: 100,
    }));
    const scale = tierThresholdScale(tiers);
    const ascending = [...tiers].sort((a, b) => a.min - b.min);
    expect(scale.domain).toEqual(ascending.slice(1).map((t) => t.min));
    expect(scale.range).toEqual(ascending.map((t) => t.color));
    // whatever the order the formula lists them in
    expect(tierThresholdScale([...tiers].reverse())).toEqual(scale);
    expect(
      tierThresholdScale([
        { id: "good", label: "Good", color: "green", min: 75, max: 100 },
        { id: "bad", label: "Bad", color: "red", min: 0, max: 50 },
        { id: "meh", label: "Meh", color: "amber", min: 50, max: 75 },
      ]),
    ).toEqual({ type: "threshold", domain: [50, 75], range: ["red", "amber", "green"] });
  });
});
