/** Known answers of the metric queries on hand-built labelled tables in a real DuckDB. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aucByScope, fullMetrics, scoreMetrics } from "../../src/backtest/metrics.ts";
import { Database } from "../../src/db/duckdb.ts";
import { loadFormulaTables } from "../../src/health/formula-tables.ts";
import { defaultFormulaInput, formulaFrom } from "../helpers/health.ts";

const TIERS = ["healthy", "watch", "at_risk"];
let db: Database;

beforeAll(async () => {
  db = await Database.open();
  await loadFormulaTables(db, formulaFrom(defaultFormulaInput()).formula);
});
afterAll(() => db?.close());

/** A labelled table from (score, label, tier position) triples, scope "s". */
async function table(name: string, rows: [number, boolean, number][]): Promise<string> {
  await db.run(
    `create or replace table ${name} (scope varchar, account_id varchar, week_start date, score double, label boolean, tier_position integer)`,
  );
  const values = rows.map(([score, label, tier], i) => `('s', 'A${i}', date '2025-01-06', ${score}, ${label}, ${tier})`);
  if (values.length > 0) await db.run(`insert into ${name} values ${values.join(", ")}`);
  return name;
}

/** n rows with pseudo-random scores and labels from DuckDB's hash, seeded. */
async function randomTable(name: string, n: number, seed: number): Promise<string> {
  await db.run(
    `create or replace table ${name} as
     select 's' as scope, 'A' || i as account_id, date '2025-01-06' as week_start,
            (hash(i, $seed) % 100000) / 1000.0 as score, hash(i, $seed + 1) % 5 = 0 as label, 0 as tier_position
     from range($n) as t(i)`,
    { n, seed },
  );
  return name;
}

const auc = async (relation: string) => (await scoreMetrics(db, relation, TIERS)).get("s")!.auc;

describe("AUC", () => {
  it("is 1 for a score that puts every churner below every survivor", async () => {
    const rows: [number, boolean, number][] = [];
    for (let i = 0; i < 20; i++) rows.push([i, true, 2]);
    for (let i = 20; i < 100; i++) rows.push([i, false, 0]);
    expect(await auc(await table("perfect", rows))).toBe(1);
  });

  it("is 0 for the reversed score", async () => {
    const rows: [number, boolean, number][] = [];
    for (let i = 0; i < 20; i++) rows.push([100 - i, true, 0]);
    for (let i = 20; i < 100; i++) rows.push([100 - i, false, 2]);
    expect(await auc(await table("reversed", rows))).toBe(0);
  });

  it("is about 0.5 for a random score (seeded), and exactly 0.5 when all scores tie", async () => {
    for (const seed of [1, 2, 3]) {
      const value = await auc(await randomTable("random", 20_000, seed));
      expect(Math.abs(value! - 0.5)).toBeLessThan(0.015);
    }
    expect(
      await auc(
        await table("ties", [
          [50, true, 0],
          [50, false, 0],
          [50, false, 0],
          [50, true, 0],
        ]),
      ),
    ).toBe(0.5);
  });

  it("counts ties between a churner and a survivor as one half (Mann-Whitney)", async () => {
    // pairs (churner, survivor): (10,20) 1, (10,30) 1, (20,20) 0.5, (20,30) 1 -> 3.5 / 4
    expect(
      await auc(
        await table("half", [
          [10, true, 0],
          [20, true, 0],
          [20, false, 0],
          [30, false, 0],
        ]),
      ),
    ).toBe(0.875);
  });

  it("is null when a scope has no churner", async () => {
    expect(
      await auc(
        await table("none", [
          [10, false, 0],
          [20, false, 0],
        ]),
      ),
    ).toBeNull();
  });
});

describe("aucByScope", () => {
  it("matches a pairwise count with ties as one half, per scope, ignoring weeks without a score", async () => {
    // integer scores 0-9 force many ties; two scopes with different label rules
    await db.run(
      `create or replace table pairs as
       select case when i % 2 = 0 then 'even' else 'odd' end as scope, (hash(i, 7) % 10)::double as score,
              hash(i, 8) % 3 = 0 or (i % 2 = 0 and hash(i, 7) % 10 < 3) as label
       from range(600) as t(i)
       union all select 'even', null, true union all select 'odd', null, false`,
    );
    const rows = await db.all<{ scope: string; score: number | null; label: boolean }>("select * from pairs");
    const expected = new Map<string, number>();
    for (const scope of ["even", "odd"]) {
      const scored = rows.filter((r) => r.scope === scope && r.score !== null);
      const pos = scored.filter((r) => r.label);
      const neg = scored.filter((r) => !r.label);
      let wins = 0;
      for (const p of pos) for (const n of neg) wins += p.score! < n.score! ? 1 : p.score === n.score ? 0.5 : 0;
      expected.set(scope, wins / (pos.length * neg.length));
    }
    const auc = await aucByScope(db, "pairs");
    expect([...auc.keys()]).toEqual(["even", "odd"]);
    expect(auc.get("even")).toBeCloseTo(expected.get("even")!, 12);
    expect(auc.get("odd")).toBeCloseTo(expected.get("odd")!, 12);
    expect(auc.get("even")).toBeGreaterThan(auc.get("odd")! + 0.05);
  });
});

describe("flags, lift and calibration on a hand-built table", () => {
  // 10 account-weeks: tiers 2 (at risk), 1 (watch), 0 (healthy); 3 churned of 10 (base 0.3)
  const rows: [number, boolean, number][] = [
    [10, true, 2],
    [20, true, 2],
    [30, false, 2], // at risk: 2 of 3 churned
    [45, true, 1],
    [50, false, 1], // watch: 1 of 2
    [75, false, 0],
    [80, false, 0],
    [85, false, 0],
    [90, false, 0],
    [95, false, 0],
  ];

  it("gives precision and recall of at-risk and of at-risk plus watch", async () => {
    const m = (await scoreMetrics(db, await table("flags", rows), TIERS)).get("s")!;
    expect(m).toMatchObject({ rows: 10, positives: 3, base_rate: 0.3 });
    expect(m.at_risk).toMatchObject({ tiers: ["at_risk"], flagged: 3 });
    expect(m.at_risk.precision).toBeCloseTo(2 / 3, 12);
    expect(m.at_risk.recall).toBeCloseTo(2 / 3, 12);
    expect(m.at_risk_or_watch).toMatchObject({ tiers: ["watch", "at_risk"], flagged: 5, precision: 0.6, recall: 1 });
    expect(m.auc).toBeCloseTo((7 + 7 + 6) / 21, 12);
  });

  it("gives churn rate and lift by tier, every tier listed", async () => {
    const m = (await fullMetrics(db, await table("flags", rows), TIERS)).get("s")!;
    expect(m.lift_by_tier.map(({ tier, rows: n, churned }) => ({ tier, n, churned }))).toEqual([
      { tier: "healthy", n: 5, churned: 0 },
      { tier: "watch", n: 2, churned: 1 },
      { tier: "at_risk", n: 3, churned: 2 },
    ]);
    expect(m.lift_by_tier[0]!.lift).toBe(0);
    expect(m.lift_by_tier[1]!.lift).toBeCloseTo(0.5 / 0.3, 12);
    expect(m.lift_by_tier[2]!.lift).toBeCloseTo(2 / 3 / 0.3, 12);
  });

  it("gives calibration by 10-point band", async () => {
    const m = (await fullMetrics(db, await table("flags", rows), TIERS)).get("s")!;
    expect(m.calibration.map((b) => [b.band, b.rows, b.churned])).toEqual([
      ["10-20", 1, 1],
      ["20-30", 1, 1],
      ["30-40", 1, 0],
      ["40-50", 1, 1],
      ["50-60", 1, 0],
      ["70-80", 1, 0],
      ["80-90", 2, 0],
      ["90-100", 2, 0],
    ]);
    // risk percentile: 95 is the safest (0), 90 the next (1/9), 10 the riskiest (1)
    expect(m.calibration[0]!.mean_risk_percentile).toBe(1);
    expect(m.calibration.at(-1)!.mean_risk_percentile).toBeCloseTo((0 + 1 / 9) / 2, 12);
    expect(m.calibration.at(-1)!.mean_score).toBe(92.5);
  });

  it("gives the top decile's lift: the lowest-scoring tenth against the base rate", async () => {
    // 100 weeks scored 0-99; 5 of the 10 lowest churned, 5 of the other 90: base 0.1, top decile 0.5
    const hundred: [number, boolean, number][] = Array.from({ length: 100 }, (_, i) => [i, i < 10 ? i % 2 === 0 : i % 18 === 0, 0]);
    const m = (await scoreMetrics(db, await table("decile", hundred), TIERS)).get("s")!;
    expect(m.positives).toBe(10);
    expect(m.top_decile).toEqual({ rows: 10, churned: 5, churn_rate: 0.5 });
    expect(m.top_decile_lift).toBeCloseTo(5, 12);
  });
});

describe("the ROC curve", () => {
  it("runs from the origin to (1, 1), never going back, in at most 200 points", async () => {
    const m = (await fullMetrics(db, await randomTable("roc", 5_000, 9), TIERS)).get("s")!;
    expect(m.roc.length).toBeLessThanOrEqual(200);
    expect(m.roc.length).toBeGreaterThan(150);
    expect(m.roc[0]).toEqual({ threshold: null, fpr: 0, tpr: 0 });
    expect(m.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    for (let i = 1; i < m.roc.length; i++) {
      expect(m.roc[i]!.fpr).toBeGreaterThanOrEqual(m.roc[i - 1]!.fpr);
      expect(m.roc[i]!.tpr).toBeGreaterThanOrEqual(m.roc[i - 1]!.tpr);
    }
    // the trapezoids under the kept points approximate the exact AUC
    let area = 0;
    for (let i = 1; i < m.roc.length; i++) area += ((m.roc[i]!.fpr - m.roc[i - 1]!.fpr) * (m.roc[i]!.tpr + m.roc[i - 1]!.tpr)) / 2;
    expect(area).toBeCloseTo(m.auc!, 2);
  });

  it("keeps every threshold of a short curve", async () => {
    const m = (
      await fullMetrics(
        db,
        await table("short", [
          [10, true, 0],
          [20, false, 0],
          [30, true, 0],
          [40, false, 0],
        ]),
        TIERS,
      )
    ).get("s")!;
    expect(m.roc).toEqual([
      { threshold: null, fpr: 0, tpr: 0 },
      { threshold: 10, fpr: 0, tpr: 0.5 },
      { threshold: 20, fpr: 0.5, tpr: 0.5 },
      { threshold: 30, fpr: 0.5, tpr: 1 },
      { threshold: 40, fpr: 1, tpr: 1 },
    ]);
  });
});

/** A labelled table from (week index, score, label) triples, scope "s", weeks from Monday 2025-01-06. */
async function weekly(name: string, rows: [number, number, boolean][]): Promise<string> {
  await db.run(
    `create or replace table ${name} (scope varchar, account_id varchar, week_start date, score double, label boolean, tier_position integer)`,
  );
  const values = rows.map(([week, score, label], i) => `('s', 'A${i}', date '2025-01-06' + ${7 * week}, ${score}, ${label}, 0)`);
  await db.run(`insert into ${name} values ${values.join(", ")}`);
  return name;
}

describe("the time-stratified AUC", () => {
  // week 0: churner 10 below survivors 20, 30 -> 1; week 1: churner 50 above survivor 40 -> 0;
  // week 2: survivors only (70, 80) -> skipped. Mean of the weeks: 0.5.
  // Pooled: 10 beats all 5 survivors, 50 beats 70 and 80 -> 7 of 10 pairs.
  const rows: [number, number, boolean][] = [
    [0, 10, true],
    [0, 20, false],
    [0, 30, false],
    [1, 50, true],
    [1, 40, false],
    [2, 70, false],
    [2, 80, false],
  ];

  it("compares accounts within each week and averages the weeks, beside the pooled AUC", async () => {
    const m = (await scoreMetrics(db, await weekly("strata", rows), TIERS)).get("s")!;
    expect(m.stratified_auc).toEqual({ auc: 0.5, weeks: 2, single_class_weeks: 1, single_class_rows: 2 });
    expect(m.auc).toBeCloseTo(0.7, 12);
  });

  it("equals the pooled AUC when every row is in the same week", async () => {
    const same: [number, number, boolean][] = rows.map(([, score, label]) => [0, score, label]);
    const m = (await scoreMetrics(db, await weekly("one_week", same), TIERS)).get("s")!;
    expect(m.stratified_auc).toEqual({ auc: 0.7, weeks: 1, single_class_weeks: 0, single_class_rows: 0 });
  });

  it("is null, with every week counted as skipped, when no week holds both classes", async () => {
    const m = (
      await scoreMetrics(
        db,
        await weekly("apart", [
          [0, 10, true],
          [1, 20, false],
          [1, 30, false],
        ]),
        TIERS,
      )
    ).get("s")!;
    expect(m.stratified_auc).toEqual({ auc: null, weeks: 0, single_class_weeks: 2, single_class_rows: 3 });
    expect(m.auc).toBe(1);
  });
});

describe("average precision", () => {
  it("sums recall gained times precision at each threshold, counted by hand", async () => {
    // ascending: 10 P, 20 N, 30 N, 40 N, 50 P, 70 N, 80 N
    // at 10: precision 1/1, recall +1/2; at 50: precision 2/5, recall +1/2 -> 0.5 + 0.2
    const m = (
      await scoreMetrics(
        db,
        await weekly("ap", [
          [0, 10, true],
          [0, 20, false],
          [0, 30, false],
          [1, 50, true],
          [1, 40, false],
          [2, 70, false],
          [2, 80, false],
        ]),
        TIERS,
      )
    ).get("s")!;
    expect(m.average_precision).toBeCloseTo(0.7, 12);
  });

  it("lets ties enter together, is 1 for a perfect score and null without a churner", async () => {
    // tie at 10: precision 1/2 for the whole recall
    expect(
      (
        await scoreMetrics(
          db,
          await table("ap_tie", [
            [10, true, 0],
            [10, false, 0],
            [20, false, 0],
          ]),
          TIERS,
        )
      ).get("s")!.average_precision,
    ).toBe(0.5);
    expect(
      (
        await scoreMetrics(
          db,
          await table("ap_perfect", [
            [1, true, 0],
            [2, true, 0],
            [3, false, 0],
          ]),
          TIERS,
        )
      ).get("s")!.average_precision,
    ).toBe(1);
    expect(
      (
        await scoreMetrics(
          db,
          await table("ap_none", [
            [1, false, 0],
            [2, false, 0],
          ]),
          TIERS,
        )
      ).get("s")!.average_precision,
    ).toBeNull();
  });

  it("is about the base rate for a random score (seeded)", async () => {
    // labels: hash % 5 = 0, a base rate of about 0.2
    const m = (await scoreMetrics(db, await randomTable("ap_random", 20_000, 4), TIERS)).get("s")!;
    expect(Math.abs(m.average_precision! - m.base_rate)).toBeLessThan(0.015);
  });
});
