/** Cohorts: counts, sizes, retention and the health distribution, checked against the weekly history. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCohorts } from "../../src/cohorts/cohorts.ts";
import { defaultFormulaInput, formulaFrom, scoreDir, type Scoring } from "../helpers/health.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

interface CohortRow {
  dimension: string;
  cohort: string;
  week_end: string;
  accounts: number;
  cohort_size: number;
  retained_share: number;
  arr: number;
  mean_score: number | null;
  median_score: number | null;
  unscored: number;
  healthy: number;
  watch: number;
  at_risk: number;
}

const formula = formulaFrom(defaultFormulaInput());
let scoring: Scoring;
let rows: CohortRow[];
let weeks: { account_id: string; week_end: string; score: number | null; tier: string | null; arr: number }[];
const tables = tinyWarehouse();
// an account without region or CSM is the cohort "(none)"
Object.assign(tables.accounts!.find((a) => a.account_id === "GLOBEX")!, { region: null, csm_owner: null });

beforeAll(async () => {
  scoring = await scoreDir(writeCsvWarehouse(path.join(tempDir(), "tiny"), tables), formula);
  await buildCohorts(scoring.db, formula);
  rows = await scoring.db.all<CohortRow & Record<string, unknown>>(
    "select * replace (strftime(week_end, '%Y-%m-%d') as week_end) from cohorts",
  );
  weeks = await scoring.db.all(
    `select h.account_id, strftime(h.week_end, '%Y-%m-%d') as week_end, h.score, h.tier, w.arr
     from int_health_scores as h join int_account_weeks as w using (account_id, week_start)`,
  );
});
afterAll(() => scoring?.close());

const cohortOf = (dimension: string, account: Record<string, unknown>): string => {
  const start = String(account.contract_start_date);
  const value = {
    signup_quarter: `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`,
    segment: account.segment,
    plan: account.plan,
    region: account.region ?? "(none)",
    csm: account.csm_owner ?? "(none)",
  }[dimension];
  return String(value);
};

describe("cohorts", () => {
  it("have the five dimensions, with the CRM's values and (none) for empty ones", () => {
    const cohorts = [...new Set(rows.map((r) => `${r.dimension}:${r.cohort}`))].sort();
    expect(cohorts).toEqual([
      "csm:(none)",
      "csm:Dana",
      "plan:growth",
      "plan:starter",
      "region:(none)",
      "region:NA",
      "segment:mid_market",
      "segment:smb",
      "signup_quarter:2024-Q2",
      "signup_quarter:2025-Q1",
    ]);
  });

  it("count customers, cohort size, retention, ARR, scores and tiers as the weekly history says", () => {
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    const firstWeek = (account: string) =>
      weeks
        .filter((w) => w.account_id === account)
        .map((w) => w.week_end)
        .sort()[0]!;
    for (const row of rows) {
      const members = tables.accounts!.filter((a) => cohortOf(row.dimension, a) === row.cohort).map((a) => String(a.account_id));
      const now = weeks.filter((w) => w.week_end === row.week_end && members.includes(w.account_id));
      const scores = now.map((w) => w.score).filter((s): s is number => s !== null);
      const size = members.filter((m) => weeks.some((w) => w.account_id === m) && firstWeek(m) <= row.week_end).length;
      const where = `${row.dimension}:${row.cohort} ${row.week_end}`;
      expect(row.accounts, where).toBe(now.length);
      expect(row.cohort_size, where).toBe(size);
      expect(row.retained_share, where).toBeCloseTo(now.length / size, 12);
      expect(row.arr, where).toBeCloseTo(
        now.reduce((s, w) => s + w.arr, 0),
        6,
      );
      expect(row.mean_score, where).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 9);
      expect(row.median_score, where).toBeCloseTo(median(scores), 9);
      expect([row.healthy, row.watch, row.at_risk, row.unscored], where).toEqual([
        now.filter((w) => w.tier === "healthy").length,
        now.filter((w) => w.tier === "watch").length,
        now.filter((w) => w.tier === "at_risk").length,
        now.filter((w) => w.score === null).length,
      ]);
    }
  });

  it("start at the cohort's first customer week and keep churned accounts in the size", () => {
    const quarter = (cohort: string) => rows.filter((r) => r.dimension === "signup_quarter" && r.cohort === cohort);
    // GLOBEX signed on Monday 2025-01-06: its cohort starts with that week
    expect(quarter("2025-Q1")[0]).toMatchObject({ week_end: "2025-01-12", accounts: 1, cohort_size: 1, retained_share: 1 });
    // ACME and INITECH signed in 2024-Q2; INITECH churned on 2025-06-15
    const last = quarter("2024-Q2").at(-1)!;
    expect(last).toMatchObject({ week_end: "2025-07-06", accounts: 1, cohort_size: 2, retained_share: 0.5 });
    expect(quarter("2024-Q2").find((r) => r.week_end === "2025-06-08")).toMatchObject({ accounts: 2, retained_share: 1 });
    // one row per cohort and week, no gaps
    const all = rows.filter((r) => r.dimension === "segment" && r.cohort === "smb").map((r) => r.week_end);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(new Set(weeks.map((w) => w.week_end)).size);
  });
});
