/**
 * Where `health calibrate` splits a book, on weeks built to order (calibrate_weeks shaped tables)
 * whose split counts are worked out by hand: the rules it tries, what it reports when a split
 * fails, and the exit-3 reason for a book whose churn sits in its last quarter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseSplit, SplitError } from "../../src/calibrate/splits.ts";
import { Database } from "../../src/db/duckdb.ts";

let db: Database;
beforeAll(async () => {
  db = await Database.open();
  // export at the as_of of week 60: Monday 2024-01-01 + 420 days
  await db.run("create table run_context as select timestamp '2024-01-01' + to_days(420) as exported_at");
});
afterAll(() => db?.close());

/**
 * 200 accounts over weeks 1-60 from Monday 2024-01-01 (week w known at as_of = 2024-01-01 + 7w days);
 * `churnWeek(i)` is the week an account churns at the start of (null = never). Labels and the
 * observed flag follow calibrate_weeks.sql with the horizon given.
 */
async function buildWeeks(table: string, churnWeek: string, horizonDays: number): Promise<void> {
  await db.run(
    `create or replace table ${table} as
     with accounts as (
       select 'A' || lpad(i::varchar, 3, '0') as account_id, (${churnWeek})::integer as churn_week from range(200) as t(i)
     ),
     weeks as (
       select a.*, w::integer as week_number, timestamp '2024-01-01' + to_days(7 * w::integer) as as_of,
              timestamp '2024-01-01' + to_days(7 * (a.churn_week - 1)) as churned_at
       from accounts as a cross join range(1, 61) as r(w)
       where a.churn_week is null or w < a.churn_week
     )
     select account_id, week_number, as_of, churned_at,
            coalesce(churned_at < as_of + to_days($h), false) as label,
            as_of + to_days($h) <= (select exported_at from run_context) as observed
     from weeks`,
    { h: horizonDays },
  );
}

describe("choosing a split", () => {
  // every 5th account churns, account 5k at the start of week 10 + k (weeks 10-49); 28-day horizon
  const churn = "case when i % 5 = 0 then 10 + i // 5 end";
  const needs = { horizonDays: 28, minChurned: 10, minSurvivors: 10 };
  beforeAll(() => buildWeeks("steady_weeks", churn, 28));

  it("tries a given split first, says why it fails, and falls back to the 60/40 split", async () => {
    // a churner of week c is first positive at week c-4 (its horizon ends at as_of c), last at c-1:
    // split at as_of m leaves c <= m to fit on (m - 9) and c >= m + 1 after it (49 - m);
    // 60/40 is m = 33 (24 and 16): 2024-01-01 + 231 days
    const { chosen, tried } = await chooseSplit(db, "steady_weeks", "2024-03-04", needs);
    expect(tried[0]).toMatchObject({ rule: "given", split: "2024-03-04", usable: false, fit_churned: 0 });
    expect(tried[0]!.reason).toMatch(/only 0 churned accounts before it to fit on .* each side needs 10 churned and 10 surviving accounts/);
    expect(chosen).toMatchObject({ rule: "fit_60", split: "2024-08-19", usable: true, fit_churned: 24, eval_churned: 16 });
    // survivors before it: the 160 that never churn and the 16 that churn later; after it: the 160
    expect(chosen).toMatchObject({ fit_survivors: 176, eval_survivors: 160 });
  });

  it("keeps a given split that works", async () => {
    const { chosen, tried } = await chooseSplit(db, "steady_weeks", "2024-07-01", needs);
    // as_of of week 26: 17 to fit on, 23 after
    expect(tried).toHaveLength(1);
    expect(chosen).toMatchObject({ rule: "given", split: "2024-07-01", fit_churned: 17, eval_churned: 23 });
  });
});

describe("a book whose last quarter holds most churns", () => {
  // 5 accounts churn in weeks 10-14, 35 in weeks 49-60 (after export - 91 days); 13-week horizon
  const churn = "case when i < 5 then 10 + i when i < 40 then 49 + (i - 5) % 12 end";
  beforeAll(() => buildWeeks("late_weeks", churn, 91));

  it("has no usable split, and the reason names what was tried and where the churn is", async () => {
    const attempt = chooseSplit(db, "late_weeks", null, { horizonDays: 91, minChurned: 10, minSurvivors: 10 });
    await expect(attempt).rejects.toBeInstanceOf(SplitError);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toMatch(/no split of the history leaves 10 churned and 10 surviving accounts on both sides/);
    expect(message).toMatch(
      /tried \d{4}-\d{2}-\d{2} \(the split leaving about 60% of the churned accounts to fit on\): only [0-5] churned accounts before it/,
    );
    expect(message).toMatch(/40 accounts churned; 35 of them \(88%\) in the last 91 days before the export/);
    expect(((await attempt.catch((e: unknown) => e)) as { exitCode: number }).exitCode).toBe(3);
  });

  it("finds a split once fewer churned accounts are enough", async () => {
    const { chosen } = await chooseSplit(db, "late_weeks", null, { horizonDays: 91, minChurned: 5, minSurvivors: 10 });
    expect(chosen.fit_churned).toBe(5);
    expect(chosen.eval_churned).toBeGreaterThanOrEqual(5);
  });
});
