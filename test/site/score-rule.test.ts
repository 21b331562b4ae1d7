/**
 * One rule for the health score: reports/lib/score.ts (the what-if in the browser) and the SQL of
 * the engine and rescore.sql (weighted_mean and capped_score in src/sql/functions.sql) give the same
 * scores and tiers on the same inputs, no-data categories and zero weights included.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyCaps, recombine, tiersOf } from "../../reports/lib/score.ts";
import { createBacktestWeeks } from "../../src/backtest/backtest.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { render, sqlFile } from "../../src/sql/files.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const CATEGORIES = ["usage", "support", "fit"] as const;
const WEIGHTS = [50, 30, 0];
const TIERS = [
  { id: "healthy", min: 70 },
  { id: "watch", min: 40 },
  { id: "at_risk", min: 0 },
];
// account-weeks: category scores (null = no data), the week's cap (null = none)
const WEEKS: { id: string; scores: (number | null)[]; cap: number | null }[] = [
  { id: "all data", scores: [80, 20, 100], cap: null },
  { id: "support has no data", scores: [62.5, null, 10], cap: null },
  { id: "only a zero-weight category", scores: [null, null, 90], cap: null },
  { id: "no data at all", scores: [null, null, null], cap: null },
  { id: "capped", scores: [95, 90, null], cap: 35 },
  { id: "cap above the score", scores: [41.25, 39.75, 0], cap: 60 },
  { id: "on a tier's min", scores: [70, null, null], cap: null },
];

describe("the health score rule", () => {
  it("gives the same scores and tiers in TypeScript as rescore.sql in DuckDB", async () => {
    const columns = CATEGORIES.map((_, c) => Float64Array.from(WEEKS, (w) => w.scores[c] ?? Number.NaN));
    const ts = applyCaps(
      recombine(columns, WEIGHTS),
      Float64Array.from(WEEKS, (w) => w.cap ?? Number.NaN),
    );
    const tsTiers = tiersOf(ts, TIERS);

    const sql = await withDatabase(async (db) => {
      await db.run(sqlFile("functions.sql"));
      await db.run("create table formula_tiers (tier_id varchar, min_score double, max_score double, position integer)");
      for (const [position, t] of TIERS.entries()) {
        await db.run("insert into formula_tiers values ($id, $min, $max, $position)", {
          id: t.id,
          min: t.min,
          max: position === 0 ? Number.POSITIVE_INFINITY : TIERS[position - 1]!.min,
          position,
        });
      }
      await db.run("create table rescore_weights (scope varchar, category_id varchar, weight double)");
      for (const [c, id] of CATEGORIES.entries()) await db.run("insert into rescore_weights values ('s', $id, $w)", { id, w: WEIGHTS[c]! });
      await db.run(`create table weeks (account_id varchar, week_start date, week_end date, as_of timestamp, segment varchar, arr double,
        churned_at timestamp, label boolean, cap_score double, ${CATEGORIES.map((c) => `category_${c} double`).join(", ")})`);
      for (const w of WEEKS) {
        await db.run(
          `insert into weeks values ($id, date '2026-01-05', date '2026-01-11', timestamp '2026-01-12', 'smb', 1000, null, false, $cap, ${CATEGORIES.map((_, c) => `$c${c}`).join(", ")})`,
          { id: w.id, cap: w.cap, ...Object.fromEntries(w.scores.map((s, c) => [`c${c}`, s])) },
        );
      }
      return db.all<{ account_id: string; score: number; tier: string | null }>(
        `select account_id, score, tier from (${render(sqlFile("backtest/rescore.sql"), { weeks: "weeks" })})`,
      );
    });
    const bySql = new Map(sql.map((r) => [r.account_id, r]));
    WEEKS.forEach((w, i) => {
      const row = bySql.get(w.id);
      if (Number.isNaN(ts[i]!)) {
        // no weighted category has data: no score in either
        expect(row, w.id).toBeUndefined();
        expect(tsTiers[i], w.id).toBeNull();
        return;
      }
      expect(row, w.id).toBeDefined();
      expect(Math.abs(row!.score - ts[i]!), w.id).toBeLessThan(1e-9);
      expect(row!.tier, w.id).toBe(tsTiers[i]);
    });
    // the figures the rule gives, by hand
    expect([...ts].map((s) => (Number.isNaN(s) ? null : s))).toEqual([57.5, 62.5, null, null, 35, 40.6875, 70]);
    expect(tsTiers).toEqual(["watch", "watch", null, null, "at_risk", "watch", "healthy"]);
  });

  it("reproduces the engine's scores and tiers from its category scores", async () => {
    const dir = writeCsvWarehouse(path.join(tempDir(), "w"), tinyWarehouse());
    const formula = formulaFrom(defaultFormulaInput());
    const scoring = await scoreDir(dir, formula);
    try {
      await createBacktestWeeks(scoring.db, { horizonDays: 90, from: null, to: null });
      const rows = await scoring.db.all<Record<string, number | string | null>>("select * from backtest_weeks");
      const categories = formula.formula.categories;
      const columns = categories.map((c) => Float64Array.from(rows, (r) => (r[`category_${c.id}`] as number | null) ?? Number.NaN));
      const uncapped = recombine(
        columns,
        categories.map((c) => c.weight),
      );
      const scores = applyCaps(
        Float64Array.from(uncapped),
        Float64Array.from(rows, (r) => (r.cap_score as number | null) ?? Number.NaN),
      );
      const tiers = tiersOf(scores, formula.formula.tiers);
      expect(rows.length).toBeGreaterThan(10);
      expect(rows.some((r) => categories.some((c) => r[`category_${c.id}`] === null))).toBe(true);
      rows.forEach((r, i) => {
        expect(Math.abs(uncapped[i]! - (r.uncapped_score as number))).toBeLessThan(1e-6);
        expect(Math.abs(scores[i]! - (r.score as number))).toBeLessThan(1e-6);
        expect(tiers[i]).toBe(r.tier);
      });
    } finally {
      scoring.close();
    }
  });
});
