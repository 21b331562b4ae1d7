import { describe, expect, it } from "vitest";
import { importCycles, layeringViolations, readImportGraph, type ImportGraph } from "../../src/scripts/import-graph.ts";

describe("the import graph of src/, loaders/ and reports/", () => {
  const graph = readImportGraph();

  it("reads the real tree, type-only imports included", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("src/run.ts")).toContain("src/core/stage.ts");
    expect(graph.get("src/cli/main.ts")).toContain("src/core/log.ts");
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("keeps the layers: no core module imports src/cli/, no Node code imports a browser component, reports/lib/ stands alone", () => {
    expect(layeringViolations(graph)).toEqual([]);
  });

  it("would see a planted cycle and planted back-imports", () => {
    const planted: ImportGraph = new Map([
      ["src/run.ts", ["src/backtest/stage.ts", "src/cli/log.ts"]],
      ["src/backtest/stage.ts", ["src/run.ts"]],
      ["src/cli/log.ts", []],
      ["src/self.ts", ["src/self.ts"]],
      ["loaders/site.ts", ["reports/components/account-link.ts"]],
      ["reports/lib/score.ts", ["pkg:d3"]],
      ["src/cli/main.ts", ["src/run.ts"]],
    ]);
    expect(importCycles(planted)).toEqual([["src/backtest/stage.ts", "src/run.ts"], ["src/self.ts"]]);
    expect(layeringViolations(planted).map((v) => v.split(":")[0])).toEqual([
      "loaders/site.ts -> reports/components/account-link.ts",
      "reports/lib/score.ts -> pkg",
      "src/run.ts -> src/cli/log.ts",
    ]);
  });
});
