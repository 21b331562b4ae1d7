/** Expansion opportunities: who is listed, with which signals, in which order. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExpansion, expansionRecords, type ExpansionRecord } from "../../src/expansion/expansion.ts";
import { ALERT_EXPORT } from "../helpers/alert-warehouse.ts";
import { formulaWith } from "../helpers/alerts.ts";
import { expansionWarehouse } from "../helpers/expansion-warehouse.ts";
import { defaultFormulaInput, formulaFrom, scoreDir, type Scoring } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

const formula = formulaFrom(defaultFormulaInput());
let scoring: Scoring;
let rows: ExpansionRecord[];

beforeAll(async () => {
  scoring = await scoreDir(writeCsvWarehouse(path.join(tempDir(), "expansion"), expansionWarehouse(), ALERT_EXPORT), formula);
  await buildExpansion(scoring.db, formula);
  rows = await expansionRecords(scoring.db);
});
afterAll(() => scoring?.close());

const row = (id: string) => rows.find((r) => r.account_id === id)!;

describe("expansion opportunities", () => {
  it("rank healthy accounts with growth signals by potential ARR", () => {
    // NEAR_CAP_BIG: 19 of 20 seats, 5 more users than 8 weeks ago -> ceil((19 + 5) / 0.9) - 20 = 7 seats x 1,000
    // PLAN_UPGRADE: one step to enterprise, 0.5 x 10,000; NEAR_CAP_SMALL: ceil(5 / 0.9) - 5 = 1 seat
    // BROADER: breadth only, no paid expansion estimated
    expect(rows.map((r) => [r.rank, r.account_id, r.potential_arr])).toEqual([
      [1, "NEAR_CAP_BIG", 7000],
      [2, "PLAN_UPGRADE", 5000],
      [3, "NEAR_CAP_SMALL", 1000],
      [4, "BROADER", 0],
    ]);
    expect(row("NEAR_CAP_BIG")).toMatchObject({
      extra_seats: 7,
      seat_potential_arr: 7000,
      plan_potential_arr: 0,
      seats: 20,
      active_users: 19,
    });
    expect(row("NEAR_CAP_BIG").active_users_trend_8w).toBeCloseTo(19 / 14 - 1, 9);
  });

  it("leave out accounts below min_score or still onboarding however close to their cap, and accounts without a signal", () => {
    expect(rows.find((r) => r.account_id === "NEAR_CAP_BANKRUPT")).toBeUndefined();
    expect(rows.find((r) => r.account_id === "NEAR_CAP_NEW")).toBeUndefined();
    expect(rows.find((r) => r.account_id === "NO_SIGNAL")).toBeUndefined();
    expect(rows.every((r) => r.score >= formula.formula.expansion.min_score)).toBe(true);
  });

  it("say their signals in words", () => {
    expect(row("NEAR_CAP_BIG").signals).toEqual(["19 of 20 seats used (95%)", "active users +36% over 8 weeks"]);
    expect(row("NEAR_CAP_SMALL").signals).toEqual(["5 of 5 seats used (100%)"]);
    expect(row("BROADER").signals).toEqual(["feature breadth +50 points over 8 weeks"]);
    expect(row("PLAN_UPGRADE").signals).toEqual(["3 requests for enterprise features in the last 182 days: audit_log, sso"]);
  });

  it("count recent requests (any status) for features above the account's plan, and need min_plan_requests of them", async () => {
    expect(row("PLAN_UPGRADE")).toMatchObject({
      higher_plan_requests: 3,
      requested_features: ["audit_log", "sso"],
      target_plan: "enterprise",
      plan_potential_arr: 5000,
    });
    // NO_SIGNAL asked for a growth-plan feature (its own), an enterprise one 60 weeks ago, and one recently
    expect(rows.some((r) => r.account_id === "NO_SIGNAL")).toBe(false);
    await buildExpansion(
      scoring.db,
      formulaWith((f) => (f.expansion.min_plan_requests = 1)),
    );
    expect((await expansionRecords(scoring.db)).find((r) => r.account_id === "NO_SIGNAL")).toMatchObject({
      higher_plan_requests: 1,
      signals: ["1 request for enterprise features in the last 182 days: audit_log"],
      plan_potential_arr: 5000,
    });
    // a window of over a year takes the old ask in
    await buildExpansion(
      scoring.db,
      formulaWith((f) => (f.expansion.request_window_days = 450)),
    );
    expect((await expansionRecords(scoring.db)).find((r) => r.account_id === "NO_SIGNAL")).toMatchObject({
      higher_plan_requests: 2,
      requested_features: ["audit_log", "sso"],
    });
  });

  it("follow the formula's thresholds", async () => {
    await buildExpansion(
      scoring.db,
      formulaWith((f) => {
        f.expansion.seat_utilisation = 0.7;
        f.expansion.plans = [];
      }),
    );
    const relaxed = await expansionRecords(scoring.db);
    // at 70% utilisation the threshold is reached by everyone healthy, but 70% needs no extra seat
    expect(relaxed.find((r) => r.account_id === "NO_SIGNAL")).toMatchObject({ signals: ["7 of 10 seats used (70%)"], potential_arr: 0 });
    expect(relaxed.find((r) => r.account_id === "PLAN_UPGRADE")!.higher_plan_requests).toBe(0);
    // 19 users, 5 more than 8 weeks ago: 24 in 8 weeks need ceil(24 / 0.7) = 35 seats
    expect(relaxed[0]).toMatchObject({ account_id: "NEAR_CAP_BIG", extra_seats: 15 });
  });
});
