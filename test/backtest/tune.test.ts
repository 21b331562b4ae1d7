/**
 * `health tune` on labelled weeks built to order: which weights it suggests, what it reports for the
 * later period, and proof that the fit never reads the evaluation period.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacktestWeeks } from "../../src/backtest/backtest.ts";
import { TUNE_DEFAULTS, tuneOnWeeks, type TuneOptions, type TuneResult } from "../../src/backtest/tune.ts";
import { Database } from "../../src/db/duckdb.ts";
import { parseFormula, type LoadedFormula } from "../../src/formula/load.ts";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { loadFormulaTables } from "../../src/health/formula-tables.ts";
import { render, sqlFile } from "../../src/sql/files.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const SPLIT = "2024-07-29"; // Monday of week 31 of 60
const HORIZON = 28;
const options: TuneOptions = { ...TUNE_DEFAULTS, horizonDays: HORIZON, split: SPLIT, minChurned: 5 };

/** The default formula cut to two categories, adoption and stakeholders, weighted 50/50. */
function twoCategoryFormula(): { formula: LoadedFormula; text: string } {
  const base = defaultFormulaInput();
  const input: FormulaInput = {
    ...base,
    categories: base.categories.filter((c) => c.id === "adoption" || c.id === "stakeholders").map((c) => ({ ...c, weight: 50 })),
  };
  const text = JSON.stringify(input, null, 2);
  return { formula: parseFormula(text, "two-categories.json"), text };
}

/**
 * backtest_weeks for 400 accounts over 60 weeks from Monday 2024-01-01 (export at week 60's as_of).
 * Every 4th account churns, between weeks 12 and 57. A week is "risky" in the 6 weeks before its
 * churn. `early` and `late` say which category carries that signal before and after the split
 * (the other one is noise there).
 */
async function buildWeeks(db: Database, early: "adoption" | "stakeholders", late: "adoption" | "stakeholders"): Promise<void> {
  await db.run(
    `create or replace table backtest_weeks as
    with
    accounts as (
        select i, 'A' || lpad(i::varchar, 4, '0') as account_id,
               case when i % 4 = 0 then 12 + (i // 4) % 46 end as churn_week
        from range(400) as t(i)
    ),
    weeks as (
        select a.*, w::integer as week_number, cast(date '2024-01-01' + to_days(7 * (w::integer - 1)) as date) as week_start
        from accounts as a cross join range(1, 61) as r(w)
        where a.churn_week is null or w < a.churn_week
    ),
    dated as (
        select *,
            week_start + 6 as week_end,
            cast(week_start + 7 as timestamp) as as_of,
            cast(date '2024-01-01' + to_days(7 * (churn_week - 1)) as timestamp) as churned_at,
            coalesce(churn_week - week_number <= 6, false) as risky,
            cast(week_start + 7 < $split::date as boolean) as early,
            (hash(i, week_number, 1) % 100)::double as noise_a,
            (hash(i, week_number, 2) % 100)::double as noise_b
        from weeks
    ),
    labelled as (
        select *,
            coalesce(churned_at < as_of + to_days($horizon), false) as label,
            case when risky then 10 + noise_a * 0.4 else 45 + noise_a * 0.55 end as signal_a,
            case when risky then 10 + noise_b * 0.4 else 45 + noise_b * 0.55 end as signal_b
        from dated
    )
    select
        account_id, week_start, week_end, as_of, week_number, 'smb' as segment, 1000.0 as arr,
        label,
        not label and as_of + to_days($horizon) > timestamp '2024-01-01' + to_days(7 * 60) as censored,
        churned_at,
        null::double as cap_score,
        case when (early and $early = 'adoption') or (not early and $late = 'adoption') then signal_a else noise_a end as category_adoption,
        case when (early and $early = 'stakeholders') or (not early and $late = 'stakeholders') then signal_b else noise_b end as category_stakeholders
    from labelled`,
    { split: SPLIT, horizon: HORIZON, early, late },
  );
}

let db: Database;
const { formula, text } = twoCategoryFormula();
const tune = (o: Partial<TuneOptions> = {}): Promise<TuneResult> => tuneOnWeeks(db, formula, { ...options, ...o }, text);

beforeAll(async () => {
  db = await Database.open();
  await loadFormulaTables(db, formula.formula);
});
afterAll(() => db?.close());

describe("health tune on a stable signal", () => {
  let result: TuneResult;
  beforeAll(async () => {
    await buildWeeks(db, "adoption", "adoption");
    result = await tune();
  });

  it("moves weight to the category that predicts churn and raises the later-period AUC", () => {
    const { report } = result;
    const w = Object.fromEntries(report.weights.map((c) => [c.id, c.suggested]));
    expect(w.adoption! + w.stakeholders!).toBe(100);
    expect(w.adoption!).toBeGreaterThan(75);
    expect(report.changed).toBe(true);
    expect(report.improved).toBe(true);
    expect(report.evaluation.suggested.auc!).toBeGreaterThan(report.evaluation.current.auc! + 0.05);
    expect(report.fit.auc_suggested!).toBeGreaterThan(report.fit.auc_current!);
    expect(report.verdict).toMatch(/raise the later-period AUC/);
  });

  it("reports the split it was given, with the weeks on each side", () => {
    const { split } = result.report;
    expect(split).toMatchObject({ date: SPLIT, chosen: "given" });
    // fit: weeks whose as_of + 28 days <= 2024-07-29, i.e. as_of <= 2024-07-01 (week 26's)
    expect(split.fit.to_week_end).toBe("2024-06-30");
    expect(split.evaluation.from_week_end).toBe("2024-07-28");
    expect(split.fit.churned_accounts).toBeGreaterThan(10);
    expect(split.evaluation.churned_accounts).toBeGreaterThan(10);
  });

  it("writes a suggested formula that loads, with the weights of the report", () => {
    const loaded = parseFormula(result.formulaText, "suggested.json").formula;
    expect(loaded.categories.map((c) => [c.id, c.weight])).toEqual(result.report.weights.map((c) => [c.id, c.suggested]));
    const adoption = result.report.weights.find((c) => c.id === "adoption")!;
    expect(result.diff).toMatch(new RegExp(`@@ adoption\n-\\s+"weight": 50,\n\\+\\s+"weight": ${adoption.suggested},`));
  });

  it("picks by default a split with churn on both sides", async () => {
    const r = (await tune({ split: null })).report;
    expect(r.split.chosen).toBe("default");
    expect(r.split.fit.positives).toBeGreaterThan(50);
    expect(r.split.evaluation.positives).toBeGreaterThan(50);
  });

  it("refuses a split that leaves too little churn on one side, saying which", async () => {
    await expect(tune({ split: "2024-03-04" })).rejects.toThrow(/churned accounts .* before it to fit on; need at least 5/);
  });
});

describe("health tune when the signal moves after the split", () => {
  it("fits the earlier period, and says the later period did not improve and why", async () => {
    await buildWeeks(db, "adoption", "stakeholders");
    const { report } = await tune();
    const w = Object.fromEntries(report.weights.map((c) => [c.id, c.suggested]));
    expect(w.adoption!).toBeGreaterThan(50);
    expect(report.fit.auc_suggested!).toBeGreaterThan(report.fit.auc_current!);
    expect(report.evaluation.suggested.auc!).toBeLessThan(report.evaluation.current.auc!);
    expect(report.improved).toBe(false);
    expect(report.verdict).toMatch(/not the later period's .* does not carry over .* Keep the current weights/);
  });
});

describe("no leakage", () => {
  it("fits only weeks whose horizon ended by the split, and evaluates only weeks from it on", async () => {
    await buildWeeks(db, "adoption", "stakeholders");
    await tune();
    const fit = await db.one<{ n: number; late: number }>(
      `select count(*)::integer as n, count(*) filter (where as_of + to_days(${HORIZON}) > $split::timestamp)::integer as late from tune_fit`,
      { split: SPLIT },
    );
    expect(fit!.n).toBeGreaterThan(0);
    expect(fit!.late).toBe(0);
    const evaluation = await db.one<{ early: number }>("select count(*) filter (where as_of < $split::timestamp)::integer as early from tune_eval", { split: SPLIT });
    expect(evaluation!.early).toBe(0);
  });

  it("suggests the same weights whatever the labels and scores after the fit period say", async () => {
    await buildWeeks(db, "adoption", "stakeholders");
    const before = (await tune()).report;
    // scramble everything the fit may not see: labels, churn dates and scores of weeks whose horizon runs past the split
    await db.run(
      `update backtest_weeks set
         label = not label,
         churned_at = case when churned_at is null then as_of + to_days(3) end,
         category_adoption = 100 - category_adoption,
         category_stakeholders = (hash(account_id, week_start) % 100)::double
       where as_of + to_days(${HORIZON}) > $split::timestamp`,
      { split: SPLIT },
    );
    const after = (await tune()).report;
    expect(after.weights).toEqual(before.weights);
    expect(after.fit).toEqual(before.fit);
    expect(after.split.fit).toEqual(before.split.fit);
    // the scrambling did reach the evaluation
    expect(after.evaluation.current.auc).not.toBeCloseTo(before.evaluation.current.auc!, 3);
  });
});

describe("re-scoring", () => {
  it("reproduces the engine's scores and tiers with the formula's own weights", async () => {
    const dir = writeCsvWarehouse(path.join(tempDir(), "w"), tinyWarehouse());
    const defaultFormula = formulaFrom(defaultFormulaInput());
    const scoring = await scoreDir(dir, defaultFormula);
    try {
      await createBacktestWeeks(scoring.db, { horizonDays: 90, from: null, to: null });
      await scoring.db.run("create table tune_weights (scope varchar, category_id varchar, weight double)");
      for (const c of defaultFormula.formula.categories) {
        await scoring.db.run("insert into tune_weights values ('current', $id, $weight)", { id: c.id, weight: c.weight });
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
