/** Category and health-score arithmetic, reweighting, caps, tiers, explanations and no look-ahead. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { explainAccount } from "../../src/health/explain.ts";
import { cutAt } from "../helpers/cut.ts";
import { HAND_EXPORT, handWarehouse, LAST_WEEK_END } from "../helpers/hand-warehouse.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir();
let n = 0;
const write = (tables: Tables, exportedAt = HAND_EXPORT) => writeCsvWarehouse(path.join(root, `w${n++}`), tables, exportedAt);

/** Two categories, three measures and tiers at 70 and 40: small enough to check on paper. */
function smallFormula(): FormulaInput {
  const base = defaultFormulaInput();
  return {
    ...base,
    tiers: [
      { id: "healthy", label: "Healthy", min: 70, playbook: "Nurture." },
      { id: "watch", label: "Watch", min: 40, playbook: "Engage." },
      { id: "at_risk", label: "At risk", min: 0, playbook: "Save." },
    ],
    alerts: { ...base.alerts, renewal_tiers: ["watch", "at_risk"] },
    categories: [
      {
        id: "adoption",
        label: "Adoption",
        weight: 60,
        playbook: "Re-onboard.",
        measures: [
          { measure: "licence_utilisation", weight: 50, score: { red: 0, green: 1 } },
          { measure: "feature_breadth", weight: 50, score: { red: 0, green: 1 } },
        ],
      },
      {
        id: "sentiment",
        label: "Sentiment",
        weight: 40,
        playbook: "Call them.",
        measures: [
          {
            measure: "nps_latest",
            weight: 100,
            score: {
              points: [
                [0, 0],
                [10, 100],
              ],
            },
          },
        ],
      },
    ],
    caps: [],
  };
}

async function lastWeek(tables: Tables, formula: FormulaInput) {
  const scoring = await scoreDir(write(tables), formulaFrom(formula));
  try {
    return await scoring.db.one<{
      score: number;
      coverage: number;
      tier: string;
      cap_reason: string | null;
      uncapped_score: number;
      category_adoption: number;
      category_sentiment: number | null;
    }>("select * from account_health_weekly where account_id = 'A1' and week_end = $week::date", { week: LAST_WEEK_END });
  } finally {
    scoring.close();
  }
}

describe("health score arithmetic", () => {
  it("is the weighted mean of category scores, each the weighted mean of its measures", async () => {
    const row = await lastWeek(handWarehouse(), smallFormula());
    // adoption = (0.5 * 100 + 2/3 * 100) / 2 = 58.33; sentiment = nps 10 -> 100; 0.6 * 58.33 + 0.4 * 100 = 75
    expect(row!.category_adoption).toBeCloseTo(58.333, 2);
    expect(row!.category_sentiment).toBe(100);
    expect(row!.score).toBeCloseTo(75, 6);
    expect(row!.coverage).toBe(1);
    expect(row!.tier).toBe("healthy");
  });

  it("renormalises over categories with data when a table is absent, and reports coverage", async () => {
    const { survey_responses: _, ...withoutSurveys } = handWarehouse();
    const row = await lastWeek(withoutSurveys, smallFormula());
    expect(row!.category_sentiment).toBeNull();
    expect(row!.score).toBeCloseTo(58.333, 2);
    expect(row!.coverage).toBeCloseTo(0.6);
    expect(row!.tier).toBe("watch");
  });

  it("moves with the weights: sentiment at 80 lifts the score", async () => {
    const formula = smallFormula();
    formula.categories[0]!.weight = 20;
    formula.categories[1]!.weight = 80;
    const row = await lastWeek(handWarehouse(), formula);
    expect(row!.score).toBeCloseTo(0.2 * 58.3333 + 0.8 * 100, 3);
  });

  it("applies a cap and says why", async () => {
    const formula = smallFormula();
    formula.caps = [{ measure: "layoffs_180d", at_least: 2, max_score: 39, reason: "Layoffs cap the score." }];
    const row = await lastWeek(handWarehouse(), formula);
    expect(row!.uncapped_score).toBeCloseTo(75, 6);
    expect(row!.score).toBe(39);
    expect(row!.tier).toBe("at_risk");
    expect(row!.cap_reason).toBe("Layoffs cap the score.");
  });
});

describe("explanations", () => {
  it("break the 4-week change down by measure, adding up to the change", async () => {
    // an earlier P0 elsewhere in the book: P0 counts vary before A1's, so 0 four weeks ago is data
    // (a measure with one value across the whole book so far has no data)
    const tables = handWarehouse();
    tables.support_tickets!.push({
      ticket_id: "T9",
      account_id: "A3",
      contact_id: "A3-champ",
      opened_at: "2024-12-10T10:00:00Z",
      closed_at: "2024-12-12T10:00:00Z",
      severity: "P0",
      kind: "bug",
      status: "closed",
      csat_score: null,
    });
    const scoring = await scoreDir(write(tables));
    try {
      const e = await explainAccount(scoring.db, scoring.run.formula, "A1");
      expect(e.week_end).toBe(LAST_WEEK_END);
      const sum = e.drivers.reduce((s, d) => s + d.contribution_change_4w, 0);
      expect(e.score_change_4w).not.toBeNull();
      expect(sum).toBeCloseTo(e.score_change_4w!, 6);
      // the P0 opened on 2025-02-20 is among the movers, pulling down
      const p0 = e.drivers.find((d) => d.measure_id === "p0_last_30d");
      expect(p0).toMatchObject({ raw_value: 1, raw_value_4w_ago: 0 });
      expect(p0!.contribution_change_4w).toBeLessThan(0);
      const contributions = e.drivers.reduce((s, d) => s + d.contribution, 0);
      expect(contributions).toBeCloseTo(e.score!, 6);
    } finally {
      scoring.close();
    }
  });
});

describe("no look-ahead", () => {
  it("adding everything that happened later changes no earlier score", async () => {
    const cutInstant = "2025-02-03T00:00:00Z";
    const full = handWarehouse();
    // later events that would leak if any measure looked ahead: a churn, a departure, a P0, a survey
    full.accounts![2]!.churned_at = "2025-02-20T00:00:00Z";
    full.contacts![1]!.left_at = "2025-02-10T00:00:00Z";
    full.survey_responses!.push({
      response_id: "S9",
      account_id: "A2",
      contact_id: "A2-champ",
      responded_at: "2025-02-05T00:00:00Z",
      nps: 0,
      csat: 1,
      ces: 1,
      comment: null,
    });
    full.feature_requests![0]!.shipped_at = "2025-02-15T00:00:00Z";
    const earlier = cutAt(full, cutInstant);
    expect(earlier.usage_events!.length).toBeLessThan(full.usage_events!.length);

    const before = await scoreDir(write(earlier, cutInstant));
    const after = await scoreDir(write(full));
    try {
      const query = `select account_id, week_end, score, tier, coverage from account_health_weekly where as_of <= $cut::timestamp order by all`;
      const measuresQuery = `select account_id, week_start, measure_id, raw_value, score, contribution from account_measures_weekly m
                             join int_calendar c using (week_start) where c.as_of <= $cut::timestamp order by all`;
      const cut = { cut: cutInstant };
      const a = await before.db.all(query, cut);
      const b = await after.db.all(query, cut);
      expect(a.length).toBeGreaterThan(10);
      expect(b).toEqual(a);
      expect(await after.db.all(measuresQuery, cut)).toEqual(await before.db.all(measuresQuery, cut));
      // and the later facts do change the later weeks
      const late = await after.db.all("select * from account_health_weekly where account_id = 'A3' and as_of > '2025-02-20'");
      expect(late).toEqual([]);
    } finally {
      before.close();
      after.close();
    }
  });
});
