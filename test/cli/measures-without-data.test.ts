/**
 * `health check` and `health backtest` say which measures of the formula had no usable data and
 * why (issue 17 item 2), on a book shaped like real exports: no contacts, tickets with no kind,
 * no surveys. Check knows the table and column reasons before scoring, from the same rule the
 * engine uses; the backtest prints the engine's full list.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/core/paths.ts";
import { scoreDir } from "../helpers/health.ts";
import { REAL_EXPORT, realExportWarehouse } from "../helpers/real-export-warehouse.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

const root = tempDir("without-data-");
const dir = writeCsvWarehouse(path.join(root, "book"), realExportWarehouse(), REAL_EXPORT);

function health(...args: string[]) {
  // the default formula, whatever the environment names
  const env = { ...process.env };
  delete env.HEALTH_FORMULA;
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, "src/cli/bin.js"), ...args], { encoding: "utf8", env });
}

type Gap = { measure: string; category: string; reason: string };

describe("measures without data", () => {
  it("health check lists the formula's measures whose table or ticket column the book lacks, the same as the engine finds", async () => {
    const json = health("check", "--data", dir, "--format", "json");
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as { measures_without_data: Gap[]; measures_without_data_note: string };
    const byMeasure = Object.fromEntries(report.measures_without_data.map((m) => [m.measure, m]));
    expect(byMeasure.key_contacts_lost_90d).toEqual({
      measure: "key_contacts_lost_90d",
      category: "stakeholders",
      reason: "needs contacts, absent from the data",
    });
    expect(byMeasure.open_bugs_weighted).toEqual({
      measure: "open_bugs_weighted",
      category: "technical",
      reason: "no ticket of the book records a kind (support_tickets.kind)",
    });
    expect(byMeasure.nps_trailing?.reason).toBe("needs survey_responses, absent from the data");
    // what only the values show is not claimed before scoring
    expect(byMeasure.licence_utilisation).toBeUndefined();
    expect(report.measures_without_data_note).toMatch(/known after scoring/);

    // one rule: each of check's entries is the engine's entry for that measure
    const scored = await scoreDir(dir);
    try {
      const engine = scored.run.measuresWithoutData;
      for (const m of report.measures_without_data) expect(engine, m.measure).toContainEqual(m);
      expect(engine.filter((m) => !report.measures_without_data.some((c) => c.measure === m.measure)).map((m) => m.measure)).toContain(
        "licence_utilisation",
      );
    } finally {
      scored.close();
    }

    const text = health("check", "--data", dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Measures of formula "[^"]+" without data in this book \(\d+; their weight is shared by the others\):/);
    expect(text.stdout).toMatch(/key_contacts_lost_90d\s+stakeholders\s+needs contacts, absent from the data/);
    expect(text.stdout).toMatch(/open_bugs_weighted\s+technical\s+no ticket of the book records a kind \(support_tickets\.kind\)/);
    expect(text.stdout).toContain(
      "Others: measures whose values have no account with a value or one value across the whole book are known after scoring",
    );
  });

  it("health backtest prints and writes the engine's measures without data, with their reasons", () => {
    const out = path.join(root, "out");
    const text = health("backtest", "--data", dir, "--out", out, "--horizon", "28d");
    expect(text.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Measures without usable data \(\d+; their weight is shared by the others\)/);
    expect(text.stdout).toMatch(/licence_utilisation\s+adoption\s+no account has a value: the usage names no contact/);
    expect(text.stdout).toMatch(/open_bugs_weighted\s+technical\s+no ticket of the book records a kind/);
    expect(text.stdout).toMatch(/key_contacts_lost_90d\s+stakeholders\s+needs contacts, absent from the data/);

    const json = health("backtest", "--data", dir, "--out", out, "--horizon", "28d", "--format", "json");
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as { measures_without_data: Gap[] };
    expect(report.measures_without_data).toContainEqual({
      measure: "feature_breadth",
      category: "adoption",
      reason: "every account-week has the same value (1): the book does not record what it tells apart",
    });
    expect(report.measures_without_data.map((m) => m.measure)).toContain("training_completion");
  });
});
