/**
 * A score map's `missing` score (what calibrate learns for "no data"), applied by the engine on the
 * hand-built warehouse for the week ending 2025-03-02: only A1 has an NPS answer; A2 and A3 then
 * score the map's `missing` for nps_latest, shown as no data (raw value null), counted in the
 * category but not in the coverage. Without `missing` no data drops out; a measure the whole book
 * does not record drops out even with one.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { explainAccount } from "../../src/health/explain.ts";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { HAND_EXPORT, handWarehouse, LAST_WEEK_END } from "../helpers/hand-warehouse.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

const root = tempDir();
let n = 0;

const line = (red: number, green: number) => ({ red, green });

function formulaWith(npsMissing: number | undefined, sponsorMissing?: number): FormulaInput {
  const base = defaultFormulaInput();
  return {
    ...base,
    caps: [],
    categories: [
      {
        id: "adoption",
        label: "Adoption",
        weight: 100,
        playbook: "Re-onboard.",
        measures: [
          // 4-week events per week: A1 5, A2 and A3 1 -> 50 and 10
          { measure: "usage_volume_4w", weight: 50, score: line(0, 10) },
          { measure: "nps_latest", weight: 30, score: { ...line(0, 10), ...(npsMissing === undefined ? {} : { missing: npsMissing }) } },
          {
            measure: "sponsor_inactive_days",
            weight: 20,
            score: { ...line(90, 0), ...(sponsorMissing === undefined ? {} : { missing: sponsorMissing }) },
          },
        ],
      },
    ],
  };
}

async function lastWeek(formula: FormulaInput) {
  const tables = handWarehouse();
  tables.contacts!.find((c) => c.role === "executive_sponsor")!.role = "end_user"; // no sponsor anywhere
  const dir = writeCsvWarehouse(path.join(root, `w${n++}`), tables, HAND_EXPORT);
  const loaded = formulaFrom(formula);
  const scoring = await scoreDir(dir, loaded);
  const rows = await scoring.db.all<{ account_id: string; measure_id: string; raw_value: number | null; score: number; no_data: boolean }>(
    `select account_id, measure_id, raw_value, score, no_data from int_measure_scores join int_calendar using (week_start)
     where week_end = $week::date order by account_id, measure_id`,
    { week: LAST_WEEK_END },
  );
  const health = await scoring.db.all<{ account_id: string; score: number; coverage: number }>(
    `select account_id, score, coverage from int_health_scores
     where week_end = $week::date order by account_id`,
    { week: LAST_WEEK_END },
  );
  return { scoring, rows, health, loaded };
}

describe("a score map's missing score", () => {
  it("scores an account-week with no value while the book has one; coverage counts measured weight only", async () => {
    const { scoring, rows, health, loaded } = await lastWeek(formulaWith(20, 0));
    try {
      const at = (a: string, m: string) => rows.find((r) => r.account_id === a && r.measure_id === m);
      expect(at("A1", "nps_latest")).toMatchObject({ raw_value: 10, score: 100, no_data: false });
      expect(at("A2", "nps_latest")).toMatchObject({ raw_value: null, score: 20, no_data: true });
      expect(at("A3", "nps_latest")).toMatchObject({ raw_value: null, score: 20, no_data: true });
      // no account has a sponsor: the measure drops out, its missing score notwithstanding
      expect(rows.some((r) => r.measure_id === "sponsor_inactive_days")).toBe(false);
      const of = (a: string) => health.find((h) => h.account_id === a)!;
      expect(of("A1").score).toBeCloseTo((50 * 50 + 30 * 100) / 80, 6);
      expect(of("A2").score).toBeCloseTo((50 * 10 + 30 * 20) / 80, 6);
      expect(of("A2").coverage).toBeCloseTo(0.5, 9);
      expect(of("A1").coverage).toBeCloseTo(0.8, 9);
      const explained = await explainAccount(scoring.db, loaded, "A2");
      expect(explained.drivers.find((d) => d.measure_id === "nps_latest")).toMatchObject({ raw_value: null });
    } finally {
      scoring.close();
    }
  });

  it("is optional: without it no data drops out and its weight is shared by the rest", async () => {
    const { scoring, rows, health } = await lastWeek(formulaWith(undefined));
    try {
      expect(rows.filter((r) => r.measure_id === "nps_latest").map((r) => r.account_id)).toEqual(["A1"]);
      expect(health.find((h) => h.account_id === "A2")!.score).toBeCloseTo(10, 6);
    } finally {
      scoring.close();
    }
  });

  it("is a score from 0 to 100 on a formula measure only", () => {
    expect(() => formulaFrom(formulaWith(120))).toThrow(/missing/);
    const input = formulaWith(20);
    input.user_health.recency = { ...(input.user_health.recency as object), missing: 10 } as never;
    expect(() => formulaFrom(input)).toThrow(/user_health\.recency\.missing|missing scores an account-week/);
  });
});
