/**
 * Calibrate's trend candidates are net of the book: the catalogue's `<base>_net` in place of its base,
 * valued as the engine scores it (the base minus the base's median over the book's accounts with a
 * value that week), so a fitted map cannot learn the fit period's season. Every candidate's value,
 * rank and no-data weeks come from the engine's own measure models (int_measure_inputs), built for
 * the candidates. Tiny inline tables in a real DuckDB.
 */
import { describe, expect, it } from "vitest";
import { candidateMeasures } from "../../src/calibrate/calibrate.ts";
import { createBookValues } from "../../src/calibrate/sample.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { loadFormula } from "../../src/formula/load.ts";
import { loadFormulaTables } from "../../src/health/formula-tables.ts";
import { MEASURES } from "../../src/health/measures.ts";

describe("net-of-book candidates", () => {
  it("offers each trend the catalogue has net of the book in that form only", () => {
    const formula = loadFormula("src/formula/default-formula.yaml");
    const ids = candidateMeasures(formula, new Set(["accounts", "contacts", "usage_events"])).map((c) => c.def.id);
    const nets = MEASURES.filter((m) => m.netOf !== undefined);
    expect(nets.length).toBeGreaterThan(3);
    for (const m of nets) {
      expect(ids).toContain(m.id);
      expect(ids).not.toContain(m.netOf);
    }
    // the measures without a net form stay as they are
    expect(ids).toContain("usage_volume_4w");
  });

  it("values a net candidate as its base minus the book's median that week, the plain ones as they are", async () => {
    const formula = loadFormula("src/formula/default-formula.yaml");
    const rows = await withDatabase(async (db) => {
      await loadFormulaTables(db, formula.formula);
      // week 1: every account dips (the season); week 2: only A3 does. A4 has a trend but is not
      // a scored account-week, yet counts in the book's median as in the engine
      // active_weeks_13w is 1.0 for every account in week 1 (not informative yet: no data, as the
      // engine scores it), and differs in week 2
      await db.run(`create table measures_adoption as select * from (values
        ('A1', date '2025-01-06', -0.50, 10.0, 1.0), ('A2', date '2025-01-06', -0.40, 20.0, 1.0), ('A3', date '2025-01-06', -0.60, 30.0, 1.0),
        ('A4', date '2025-01-06', -0.45, 40.0, 1.0),
        ('A1', date '2025-01-13', 0.10, 10.0, 1.0), ('A2', date '2025-01-13', 0.00, 20.0, 0.5), ('A3', date '2025-01-13', -0.50, 30.0, 1.0),
        ('A4', date '2025-01-13', 0.05, 40.0, 1.0)
      ) as t(account_id, week_start, usage_trend_13w, usage_volume_4w, active_weeks_13w)`);
      await db.run(
        `create table int_account_weeks as select account_id, week_start, 'smb' as segment from measures_adoption where account_id <> 'A4'`,
      );
      const candidates = ["usage_trend_13w_net", "usage_volume_4w", "active_weeks_13w"].map((id) => ({
        def: MEASURES.find((m) => m.id === id)!,
        category: "adoption",
      }));
      await createBookValues(db, formula, candidates);
      return db.all<{ account_id: string; week: string; measure_id: string; raw_value: number; pct_value: number }>(
        `select account_id, strftime(week_start, '%Y-%m-%d') as week, measure_id, raw_value, pct_value
         from calibrate_book_values order by measure_id, week, account_id`,
      );
    });
    const net = rows.filter((r) => r.measure_id === "usage_trend_13w_net");
    // medians: week 1 -0.475, week 2 0.025
    expect(net.map((r) => [r.account_id, r.week, r.raw_value])).toEqual([
      ["A1", "2025-01-06", -0.025],
      ["A2", "2025-01-06", 0.075],
      ["A3", "2025-01-06", -0.125],
      ["A1", "2025-01-13", 0.075],
      ["A2", "2025-01-13", -0.025],
      ["A3", "2025-01-13", -0.525],
    ]);
    // ranked among the scored accounts of the week: A3 lowest both weeks
    expect(net.filter((r) => r.account_id === "A3").map((r) => r.pct_value)).toEqual([1 / 6, 1 / 6].map((v) => Math.round(v * 1e9) / 1e9));
    expect(rows.filter((r) => r.measure_id === "usage_volume_4w").map((r) => r.raw_value)).toEqual([10, 20, 30, 10, 20, 30]);
    expect(rows.some((r) => r.measure_id === "usage_trend_13w")).toBe(false);
    // one value across the book so far is no data, as the engine scores it; informative from week 2
    expect(rows.filter((r) => r.measure_id === "active_weeks_13w").map((r) => [r.account_id, r.week, r.raw_value, r.pct_value])).toEqual(
      [
        ["A1", "2025-01-13", 1, 2 / 3],
        ["A2", "2025-01-13", 0.5, 1 / 6],
        ["A3", "2025-01-13", 1, 2 / 3],
      ].map(([a, w, v, p]) => [a, w, v, Math.round((p as number) * 1e9) / 1e9]),
    );
  });
});
