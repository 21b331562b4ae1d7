/**
 * Scale-free scoring on the hand-built warehouse: percentile ranks among the week's accounts (book
 * and segment), net-of-book trends, a measure the book does not record has no data (never 0), and
 * account-level usage leaves per-person measures without data. Worked by hand for the week ending
 * 2025-03-02.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { HAND_EXPORT, handWarehouse, LAST_WEEK_END } from "../helpers/hand-warehouse.ts";
import { defaultFormulaInput, formulaFrom, measureValue, scoreDir } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir();
let n = 0;
const write = (tables: Tables) => writeCsvWarehouse(path.join(root, `w${n++}`), tables, HAND_EXPORT);

function formulaWith(measures: FormulaInput["categories"][number]["measures"]): FormulaInput {
  const base = defaultFormulaInput();
  return { ...base, caps: [], categories: [{ id: "adoption", label: "Adoption", weight: 100, playbook: "Re-onboard.", measures }] };
}

async function lastWeekScores(tables: Tables, formula: FormulaInput) {
  const scoring = await scoreDir(write(tables), formulaFrom(formula));
  const rows = await scoring.db.all<{
    account_id: string;
    measure_id: string;
    raw_value: number;
    percentile: number | null;
    score: number;
  }>(
    `select account_id, measure_id, raw_value, percentile, score from int_measure_scores join int_calendar using (week_start)
     where week_end = $week::date order by account_id, measure_id`,
    { week: LAST_WEEK_END },
  );
  return { scoring, rows };
}

describe("scores relative to the book", () => {
  it("rank a value among the week's accounts with data, ties counting half, in the book or the segment", async () => {
    const tables = handWarehouse();
    tables.accounts![2]!.segment = "enterprise"; // A3 alone in its segment
    const { scoring, rows } = await lastWeekScores(
      tables,
      formulaWith([
        // events per week over 4 weeks: A1 20 / 4 = 5, A2 and A3 one event a week each
        {
          measure: "usage_volume_4w",
          weight: 50,
          score: {
            relative_to: "book",
            points: [
              [0, 0],
              [1, 100],
            ],
          },
        },
        {
          measure: "usage_per_seat_4w",
          weight: 50,
          score: {
            relative_to: "segment",
            points: [
              [0, 0],
              [1, 100],
            ],
          },
        },
      ]),
    );
    try {
      const at = (account: string, measure: string) => rows.find((r) => r.account_id === account && r.measure_id === measure);
      // book: A2 and A3 tie below A1: (0 below + 2 equal / 2) / 3 and (2 below + 1 / 2) / 3
      expect(at("A1", "usage_volume_4w")!.raw_value).toBe(5);
      expect(at("A1", "usage_volume_4w")!.percentile).toBeCloseTo(2.5 / 3, 9);
      expect(at("A2", "usage_volume_4w")!.percentile).toBeCloseTo(1 / 3, 9);
      expect(at("A3", "usage_volume_4w")!.score).toBeCloseTo(100 / 3, 6);
      // per seat: A1 5 / 4 seats = 1.25 and A2 1 / 2 = 0.5 in smb; A3 alone in enterprise
      expect(at("A1", "usage_per_seat_4w")).toMatchObject({ raw_value: 1.25, percentile: 0.75, score: 75 });
      expect(at("A2", "usage_per_seat_4w")).toMatchObject({ raw_value: 0.5, percentile: 0.25 });
      expect(at("A3", "usage_per_seat_4w")).toMatchObject({ raw_value: 0.5, percentile: 0.5, score: 50 });
    } finally {
      scoring.close();
    }
  });

  it("net-of-book trends subtract the book's median change of the same week", async () => {
    const { scoring, rows } = await lastWeekScores(
      handWarehouse(),
      formulaWith([
        {
          measure: "usage_trend_4w_net",
          weight: 100,
          score: {
            points: [
              [-0.5, 0],
              [0, 100],
            ],
          },
        },
      ]),
    );
    try {
      // 4-week trends: A1 +25% (20 events against 16), A2 and A3 steady: median 0
      expect(await measureValue(scoring.db, "A1", LAST_WEEK_END, "usage_trend_4w")).toBe(0.25);
      expect(rows.map((r) => [r.account_id, r.raw_value])).toEqual([
        ["A1", 0.25],
        ["A2", 0],
        ["A3", 0],
      ]);
    } finally {
      scoring.close();
    }
  });
});

describe("missing is no data, never zero", () => {
  it("a role no account records has no data; the category renormalises over the rest and the run says why", async () => {
    const tables = handWarehouse();
    tables.contacts!.find((c) => c.role === "executive_sponsor")!.role = "end_user"; // no sponsor anywhere
    const formula = defaultFormulaInput();
    const { scoring } = await lastWeekScores(tables, formula);
    try {
      const without = scoring.run.measuresWithoutData;
      expect(without).toContainEqual({
        measure: "sponsor_present",
        category: "stakeholders",
        reason: expect.stringContaining("same value (0)"),
      });
      expect(without).toContainEqual({
        measure: "sponsor_inactive_days",
        category: "stakeholders",
        reason: "no account has a value in any week",
      });
      expect(scoring.run.warnings.some((w) => w.includes('"sponsor_present"') && w.includes("no usable data"))).toBe(true);
      const sponsorRows = await scoring.db.one<{ n: number }>(
        "select count(*)::integer as n from int_measure_scores where measure_id like 'sponsor_%'",
      );
      expect(sponsorRows!.n).toBe(0);
      // the stakeholder score is the weighted mean of the measures left, with their weights only
      const check = await scoring.db.one<{ category_score: number; recomputed: number }>(
        `
        select any_value(category_score) as category_score, sum(measure_weight * score) / sum(measure_weight) as recomputed
        from int_measure_scores join int_calendar using (week_start)
        where account_id = 'A1' and category_id = 'stakeholders' and week_end = $week::date`,
        { week: LAST_WEEK_END },
      );
      expect(check!.category_score).toBeCloseTo(check!.recomputed, 6);
    } finally {
      scoring.close();
    }
  });

  it("account-level usage (no contact on any event) leaves per-person measures without data, not 0", async () => {
    const tables = handWarehouse();
    for (const e of tables.usage_events!) e.contact_id = null; // contacts exist, but no usage names them
    const { scoring, rows } = await lastWeekScores(tables, defaultFormulaInput());
    try {
      for (const id of ["licence_utilisation", "user_health_avg", "usage_depth", "champion_inactive_days", "active_users_4w"]) {
        expect(await measureValue(scoring.db, "A1", LAST_WEEK_END, id), id).toBeNull();
      }
      expect(await measureValue(scoring.db, "A1", LAST_WEEK_END, "usage_per_seat_4w")).toBe(1.25); // account-level use still counts: 5 a week, 4 seats
      const perPerson = scoring.run.measuresWithoutData.find((m) => m.measure === "licence_utilisation");
      expect(perPerson?.reason).toContain("account-level usage");
      expect(rows.some((r) => r.measure_id === "user_health_avg")).toBe(false);
      const summary = scoring.run.measuresWithoutData.map((m) => m.measure);
      expect(summary).toEqual(expect.arrayContaining(["licence_utilisation", "user_health_avg", "champion_inactive_days"]));
    } finally {
      scoring.close();
    }
  });
});
