/**
 * `health calibrate` on books that are not the demo: each generator profile (sparse buying, one
 * user, no roles, only the required tables, a strong season, churn from low volume), small and
 * generated once. On the weeks after the split the calibrated formula ranks churn at least as well
 * as the fitted peer (a ridge logistic regression on the same measures, fitted on the same weeks)
 * and the default formula, within 0.01; its at-risk band churns at least 3 times the base rate; and
 * a measure the book has no data for is never in the calibrated formula (it would score 0 or 100
 * everywhere) nor scored by it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CalibrateReport } from "../../src/calibrate/calibrate.ts";
import { main } from "../../src/cli/main.ts";
import { loadFormula } from "../../src/formula/load.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import { PROFILES } from "../../src/generate/profiles.ts";
import { tempDir } from "../helpers/warehouse.ts";

const root = tempDir("calibrate-profiles-");
const SIZE = { accounts: 250, seed: 11 } as const;

async function health(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([...args, "-q"], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const runs: Record<string, { code: number; err: string; report?: CalibrateReport; out: string }> = {};

describe.each(PROFILES.map((p) => p.id))("health calibrate on the %s profile", (id) => {
  // one book per profile, generated and calibrated once for its tests (a -t filter skips the others)
  beforeAll(async () => {
    const data = path.join(root, id);
    const out = path.join(root, "out", id);
    await generateDemoWarehouse({ ...SIZE, profile: id, outDir: data });
    const run = await health("calibrate", "--data", data, "--out", out, "--min-churned", "10");
    runs[id] = { code: run.code, err: run.err, out, ...(run.code === 0 ? { report: JSON.parse(readFileSync(path.join(out, "calibrate.json"), "utf8")) as CalibrateReport } : {}) };
  }, 1_800_000);
  const report = () => {
    expect(runs[id]!.err).not.toMatch(/unexpected failure/i);
    expect(runs[id]!.code).toBe(0);
    return runs[id]!.report!;
  };

  it("ranks later-period churn at least as well as the fitted peer and the default formula (within 0.01)", () => {
    const e = report().evaluation;
    expect(e.calibrated.auc!).toBeGreaterThanOrEqual(e.peer.auc! - 0.01);
    expect(e.calibrated.auc!).toBeGreaterThanOrEqual(e.default.auc! - 0.01);
    expect(e.calibrated.auc!).toBeGreaterThan(0.6);
  });

  it("has an at-risk band churning at least 3 times the base rate on the later period", () => {
    const e = report().evaluation;
    expect(e.calibrated.at_risk!.lift!).toBeGreaterThanOrEqual(3);
    expect(e.calibrated.at_risk!.recall!).toBeGreaterThan(0.05);
  });

  it("leaves out every measure the book has no data for, and says why", () => {
    const r = report();
    const loaded = loadFormula(path.join(runs[id]!.out, "calibrated-formula.yaml"));
    const written = new Set(loaded.formula.categories.flatMap((c) => c.measures.map((m) => m.measure)));
    for (const m of r.measures) {
      if (m.rows === 0 && r.fit.candidate.chosen !== "current") {
        expect(written.has(m.measure), m.measure).toBe(false);
        expect(m.kept).toBe(false);
        expect(m.reason).toBe("no data before the split");
      }
      if (m.kept && r.fit.candidate.chosen !== "current") expect(m.rows, m.measure).toBeGreaterThan(0);
    }
    if (id === "no_roles") {
      // no role is recorded anywhere: the role measures are constant or absent, never scored
      for (const m of ["champion_present", "sponsor_present", "key_contacts"]) expect(written.has(m), m).toBe(false);
    }
    if (id === "minimal") {
      for (const m of ["csat_trailing", "nps_trailing", "open_bugs_weighted", "fit_score"]) expect(written.has(m), m).toBe(false);
    }
  });
});
