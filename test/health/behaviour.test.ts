/** Behaviours a health score must catch, each as two accounts that differ in one respect. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BEHAVIOUR_EXPORT, BEHAVIOUR_LAST_WEEK_END, behaviourWarehouse } from "../helpers/behaviour.ts";
import { measureValue, scoreDir, type Scoring } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

let scoring: Scoring;
beforeAll(async () => {
  const tables = behaviourWarehouse([
    // satisfaction is not health: a promoter whose usage fell 40% over the last 8 weeks...
    { id: "PROMOTER", seats: 6, users: 5, nps: 9, eventsPerUser: (w) => (w < 18 ? 10 : 6) },
    // ...against a passive whose usage is steady
    { id: "PASSIVE", seats: 6, users: 5, nps: 7, eventsPerUser: () => 8 },
    // key person: identical accounts but one champion has gone quiet for about 9 weeks
    { id: "CHAMPION_ACTIVE", seats: 6, users: 5, eventsPerUser: () => 8 },
    { id: "CHAMPION_QUIET", seats: 6, users: 5, eventsPerUser: () => 8, championEvents: (w) => (w < 17 ? 2 : 0) },
    // low utilisation carried by power users, against broad moderate use of the same seats
    { id: "POWER_USERS", seats: 20, users: 3, eventsPerUser: () => 40 },
    { id: "BROAD", seats: 20, users: 17, eventsPerUser: () => 5 },
  ]);
  scoring = await scoreDir(writeCsvWarehouse(path.join(tempDir(), "behaviour"), tables, BEHAVIOUR_EXPORT));
});
afterAll(() => scoring?.close());

async function latest(account: string) {
  const row = await scoring.db.one<{
    score: number;
    tier: string;
    category_adoption: number;
    category_stakeholders: number;
    category_sentiment: number;
  }>("select * from account_health_weekly where account_id = $account and week_end = $week::date", {
    account,
    week: BEHAVIOUR_LAST_WEEK_END,
  });
  if (!row) throw new Error(`no score for ${account}`);
  return row;
}

describe("behaviour the score must catch", () => {
  it("an NPS-9 promoter whose usage fell 40% scores below a passive with steady usage", async () => {
    // last 8 weeks: 5 users x 6 x 8 + champion 16 + sponsor 2 = 258; the 8 before: 400 + 16 + 2 = 418
    expect(await measureValue(scoring.db, "PROMOTER", BEHAVIOUR_LAST_WEEK_END, "usage_trend_8w")).toBeCloseTo(258 / 418 - 1, 9);
    const promoter = await latest("PROMOTER");
    const passive = await latest("PASSIVE");
    expect(promoter.category_sentiment).toBeGreaterThan(passive.category_sentiment);
    expect(promoter.score).toBeLessThan(passive.score);
  });

  it("a champion inactive for weeks hurts the stakeholder category although usage is the same", async () => {
    expect(await measureValue(scoring.db, "CHAMPION_QUIET", BEHAVIOUR_LAST_WEEK_END, "champion_inactive_days")).toBeGreaterThanOrEqual(60);
    const active = await latest("CHAMPION_ACTIVE");
    const quiet = await latest("CHAMPION_QUIET");
    expect(quiet.category_stakeholders).toBeLessThan(active.category_stakeholders - 20);
    expect(quiet.score).toBeLessThan(active.score);
  });

  it("idle seats hurt adoption even when a few power users are very active", async () => {
    const power = await latest("POWER_USERS");
    const broad = await latest("BROAD");
    expect(await measureValue(scoring.db, "POWER_USERS", BEHAVIOUR_LAST_WEEK_END, "licence_utilisation")).toBeCloseTo(5 / 20); // 3 users, champion and sponsor
    // more use per seat than the broad account, and still worse adoption
    expect(await measureValue(scoring.db, "POWER_USERS", BEHAVIOUR_LAST_WEEK_END, "usage_per_seat_4w")).toBeGreaterThan(
      (await measureValue(scoring.db, "BROAD", BEHAVIOUR_LAST_WEEK_END, "usage_per_seat_4w"))!,
    );
    expect(power.category_adoption).toBeLessThan(broad.category_adoption);
  });
});
