/**
 * Every measure on a hand-built warehouse, against values worked out by hand for the week ending
 * 2025-03-02 (as of Monday 2025-03-03). The arithmetic is in the comments.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAND_EXPORT, handWarehouse, LAST_WEEK_END } from "../helpers/hand-warehouse.ts";
import { MEASURES } from "../../src/health/measures.ts";
import { defaultFormulaInput, formulaFrom, measureValue, scoreDir, type Scoring } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

/** The default formula with every catalogue measure in one more category (weight 0 but one), so each is computed. */
function everyMeasure() {
  const formula = defaultFormulaInput();
  const used = new Set(formula.categories.flatMap((c) => c.measures.map((m) => m.measure)));
  const rest = MEASURES.filter((m) => !used.has(m.id)).map((m, i) => ({
    measure: m.id,
    weight: i === 0 ? 100 : 0,
    score: {
      points: [
        [0, 0],
        [1, 100],
      ] as [number, number][],
    },
  }));
  formula.categories[0]!.weight -= 1;
  formula.categories.push({ id: "all", label: "Every other measure", weight: 1, playbook: "-", measures: rest });
  return formulaFrom(formula);
}

let scoring: Scoring;
beforeAll(async () => {
  scoring = await scoreDir(writeCsvWarehouse(path.join(tempDir(), "hand"), handWarehouse(), HAND_EXPORT), everyMeasure());
});
afterAll(() => scoring?.close());

const value = (account: string, measure: string) => measureValue(scoring.db, account, LAST_WEEK_END, measure);

describe("measures as of the last week, worked by hand", () => {
  it("scores 13 weeks and only weeks that ended before the export", () => {
    expect(scoring.run).toMatchObject({ weeks: 13, firstWeekEnd: "2024-12-08", lastWeekEnd: LAST_WEEK_END });
  });

  it("product adoption", async () => {
    expect(await value("A1", "licence_utilisation")).toBe(0.5); // champion and u1 active in 28 days, 4 seats
    expect(await value("A1", "feature_breadth")).toBeCloseTo(2 / 3); // reports and dashboards of 3 core features
    expect(await value("A1", "usage_depth")).toBe(2.5); // (16 champion + 4 u1 events) / 2 users / 4 weeks
    expect(await value("A1", "usage_trend_4w")).toBe(0.25); // 20 events against 16 in the 4 weeks before
    expect(await value("A1", "usage_trend_8w")).toBeNull(); // needs 16 weeks of history, there are 13
    expect(await value("A1", "training_completion")).toBe(0.25); // 1 of 4 present contacts
    // champion 87.44 (recency 92.5, frequency 90, breadth 72.2), u1 74.44, sponsor and u2 idle: / 4 seats
    expect(await value("A1", "user_health_avg")).toBeCloseTo((87.4444 + 74.4444) / 4, 3);
    expect(await value("A1", "active_users_4w")).toBe(2);
  });

  it("volume, recency and frequency, and usage against the account's own baseline", async () => {
    expect(await value("A1", "usage_volume_4w")).toBe(5); // 20 events in 4 weeks
    expect(await value("A1", "usage_per_seat_4w")).toBe(1.25); // 5 a week over 4 seats
    expect(await value("A1", "weeks_since_last_activity")).toBe(0); // used this week
    expect(await value("A1", "active_weeks_13w")).toBe(1); // 13 of 13 weeks
    // last 4 weeks 5 a week against weeks 1-9: 36 champion events + the sponsor's and the API's = 38 / 9
    expect(await value("A1", "usage_vs_baseline_26w")).toBeCloseTo(5 / (38 / 9) - 1, 9);
    expect(await value("A2", "usage_vs_baseline_26w")).toBeNull(); // 8 scored weeks: 4 of baseline, needs 8
    expect(await value("A2", "active_weeks_13w")).toBe(1); // 8 of its 8 weeks
  });

  it("stakeholder relationship", async () => {
    expect(await value("A1", "champion_present")).toBe(1);
    expect(await value("A1", "champion_inactive_days")).toBe(6); // last active Tuesday 2025-02-25
    expect(await value("A1", "sponsor_present")).toBe(1);
    expect(await value("A1", "sponsor_inactive_days")).toBe(83); // last active 2024-12-10
    expect(await value("A1", "key_contacts")).toBe(2); // champion and sponsor; the old champion left
    expect(await value("A1", "key_contacts_lost_90d")).toBe(1); // left 2025-01-15
  });

  it("customer sentiment", async () => {
    expect(await value("A1", "nps_latest")).toBe(10);
    expect(await value("A1", "nps_trailing")).toBeCloseTo(100 / 3); // 2 promoters, 1 detractor of 3
    expect(await value("A1", "detractor_share")).toBeCloseTo(1 / 3);
    expect(await value("A1", "csat_trailing")).toBe(3); // survey 4 and ticket 2 in 180 days
    expect(await value("A1", "ces_trailing")).toBe(6);
    expect(await value("A2", "nps_latest")).toBeNull(); // no answers: no data, not zero
  });

  it("technical issues", async () => {
    expect(await value("A1", "open_bugs_weighted")).toBe(14); // open P0 bug 10 + open P1 incident 4; questions do not count
    expect(await value("A1", "p0_last_30d")).toBe(1);
    expect(await value("A1", "resolution_days_90d")).toBe(5); // T2 closed after 5 days
    expect(await value("A1", "ticket_volume_trend_8w")).toBeNull();
  });

  it("feature requests", async () => {
    expect(await value("A1", "open_critical_requests")).toBe(1.5); // critical 1 + high 0.5; the shipped one is closed
    expect(await value("A1", "repeated_requests")).toBe(1); // sso twice within 365 days
    expect(await value("A1", "open_request_age_days")).toBe(122); // mean of 61, 275 and 30 days
  });

  it("onboarding and time to value", async () => {
    expect(await value("A2", "onboarding_status")).toBe(0); // red since 2025-02-10
    expect(await value("A2", "days_past_go_live_target")).toBe(26); // target 2025-02-05
    expect(await value("A2", "time_to_value_ratio")).toBe(2.8); // 56 days so far / 20-day median (A3, the only live project)
    expect(await value("A3", "onboarding_status")).toBeNull(); // live: no onboarding risk any more
    expect(await value("A3", "time_to_value_ratio")).toBe(1);
    expect(await value("A1", "onboarding_status")).toBeNull(); // no project
  });

  it("fit and uncontrollable risks", async () => {
    expect(await value("A1", "fit_score")).toBe(70);
    expect(await value("A1", "sponsor_and_strategy")).toBe(1);
    expect(await value("A1", "implementation_readiness")).toBe(3);
    expect(await value("A1", "layoffs_180d")).toBe(2); // one medium event
    expect(await value("A1", "bankruptcy_365d")).toBe(0);
  });

  it("uses only what was known at each week: the old champion counts until he left", async () => {
    const early = await measureValue(scoring.db, "A1", "2025-01-12", "key_contacts");
    const late = await measureValue(scoring.db, "A1", "2025-01-19", "key_contacts");
    expect([early, late]).toEqual([3, 2]);
    expect(await measureValue(scoring.db, "A1", "2025-02-16", "p0_last_30d")).toBe(0); // P0 opened on 2025-02-20
  });
});
