/** rescore.sql, the one re-combination of category scores outside the engine (calibrate re-tiers with it). */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createBacktestWeeks } from "../../src/backtest/backtest.ts";
import { render, sqlFile } from "../../src/sql/files.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

describe("re-scoring", () => {
  it("reproduces the engine's scores and tiers with the formula's own weights", async () => {
    const dir = writeCsvWarehouse(path.join(tempDir(), "w"), tinyWarehouse());
    const defaultFormula = formulaFrom(defaultFormulaInput());
    const scoring = await scoreDir(dir, defaultFormula);
    try {
      await createBacktestWeeks(scoring.db, { horizonDays: 90, from: null, to: null });
      await scoring.db.run("create table rescore_weights (scope varchar, category_id varchar, weight double)");
      for (const c of defaultFormula.formula.categories) {
        await scoring.db.run("insert into rescore_weights values ('current', $id, $weight)", { id: c.id, weight: c.weight });
      }
      const rows = await scoring.db.all<{ n: number; matched: number; max_diff: number; tier_diff: number }>(
        `select count(*)::integer as n, count(r.score)::integer as matched, max(abs(r.score - w.score)) as max_diff,
                count(*) filter (where r.tier is distinct from w.tier)::integer as tier_diff
         from backtest_weeks as w
         left join (${render(sqlFile("backtest/rescore.sql"), { weeks: "backtest_weeks" })}) as r using (account_id, week_start)`,
      );
      expect(rows[0]!.n).toBeGreaterThan(10);
      expect(rows[0]!.matched).toBe(rows[0]!.n);
      expect(rows[0]!.max_diff).toBeLessThan(1e-9);
      expect(rows[0]!.tier_diff).toBe(0);
    } finally {
      scoring.close();
    }
  });
});
