/**
 * The default book (500 accounts, 104 weeks): its size and churn rate are what the README promises.
 * Generates the full default warehouse once, about 5 seconds on two cores.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoWarehouse, type GenerateSummary } from "../../src/generate/demo-warehouse.ts";
import { PLANTINGS, quotaFor } from "../../src/generate/scenarios.ts";

let root: string;
let summary: GenerateSummary;
let written: { scenarios: Record<string, number>; annual_churn_rate: number; rows: Record<string, number> };

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "gen-default-"));
  summary = await generateDemoWarehouse({ outDir: path.join(root, "wh") });
  written = JSON.parse(readFileSync(path.join(root, "wh", "_answers", "summary.json"), "utf8"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the default demo warehouse", () => {
  it("churns 10-15% of accounts a year", () => {
    expect(summary.annualChurnRate).toBeGreaterThan(0.1);
    expect(summary.annualChurnRate).toBeLessThan(0.15);
    expect(written.annual_churn_rate).toBeCloseTo(summary.annualChurnRate, 3);
  });

  it("has about 20 contacts and 10 000 usage events per account", () => {
    expect(summary.accounts).toBe(500);
    expect(summary.contacts / summary.accounts).toBeGreaterThan(15);
    expect(summary.contacts / summary.accounts).toBeLessThan(30);
    expect(summary.usageEvents / summary.accounts).toBeGreaterThan(7_000);
    expect(summary.usageEvents / summary.accounts).toBeLessThan(13_000);
  });

  it("plants each scenario about as often as planned", () => {
    const planned: Record<string, number> = {};
    for (const p of PLANTINGS) planned[p.scenario] = (planned[p.scenario] ?? 0) + quotaFor(p, 500);
    for (const [scenario, quota] of Object.entries(planned)) {
      const got = written.scenarios[scenario] ?? 0;
      // Only onboarding stalls are short of eligible accounts (they need a start inside the window).
      expect(got, scenario).toBeGreaterThanOrEqual(Math.floor(quota * 0.7));
      expect(got, scenario).toBeLessThanOrEqual(quota);
    }
    const planted = Object.entries(written.scenarios)
      .filter(([s]) => s !== "baseline")
      .reduce((n, [, c]) => n + c, 0);
    expect(written.scenarios.baseline).toBe(500 - planted);
  });
});
