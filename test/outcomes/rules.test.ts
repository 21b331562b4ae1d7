/**
 * The rules of src/sql/outcomes on hand-made histories (test/outcomes/tables.ts): what an episode
 * is, when an action counts for it, proactive against reactive against none, saved against
 * churned, open and too recent, alerts acted on and how fast, the intervals and the before/after
 * warning. Real DuckDB, the default formula (tiers healthy/watch/at_risk, clear_after_weeks 2,
 * renewal_window_days 90).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withDatabase } from "../../src/db/duckdb.ts";
import { loadFormula } from "../../src/formula/load.ts";
import {
  buildOutcomes,
  conclusion,
  outcomesReport,
  OUTCOMES_DEFAULTS,
  type OutcomesOptions,
  type PeriodOutcome,
} from "../../src/outcomes/outcomes.ts";
import { createOutcomeInputs, type OutcomeInputs } from "./tables.ts";

const formula = loadFormula(path.resolve("src/formula/default-formula.yaml"));
const EXPORT = "2025-07-07T00:00:00Z";
const FROM = "2025-01-06"; // Monday of week 0; 26 weeks to 2025-06-29
const week = (w: number, day = 0) => new Date(Date.parse(`${FROM}T10:00:00Z`) + (7 * w + day) * 86400000).toISOString().slice(0, 19);
const weekEnd = (w: number) => new Date(Date.parse(`${FROM}T00:00:00Z`) + (7 * w + 6) * 86400000).toISOString().slice(0, 10);
const h = (n: number) => "h".repeat(n);
const a = (n: number) => "a".repeat(n);

function book(): OutcomeInputs {
  return {
    exportedAt: EXPORT,
    accounts: [
      { account_id: "PRO", contract_start_date: "2024-01-15", csm_owner: "Kim" }, // renews 2026-01-15: far from any action here
      { account_id: "REA", contract_start_date: "2024-05-01", csm_owner: "Kim" }, // renews 2025-05-01
      { account_id: "NONE", contract_start_date: "2024-01-15", csm_owner: "Lee" },
      { account_id: "LEAD", contract_start_date: "2024-01-15", csm_owner: "Lee" },
      { account_id: "GAPS", contract_start_date: "2024-01-15", csm_owner: null },
      { account_id: "OPEN", contract_start_date: "2024-01-15", csm_owner: "Kim" },
      { account_id: "LATE", contract_start_date: "2024-01-15", csm_owner: "Kim" },
      { account_id: "RALERT", contract_start_date: "2024-01-15", csm_owner: "Kim" },
    ],
    tiers: {
      PRO: { from: FROM, weeks: h(4) + a(4) + h(18) },
      REA: { from: FROM, weeks: h(4) + a(13) }, // gone after week 16 (churns 2025-05-01)
      NONE: { from: FROM, weeks: h(2) + "aw" + a(2) + h(5) }, // churns 2025-03-25, after its last week
      LEAD: { from: FROM, weeks: h(3) + a(4) + h(19) },
      GAPS: { from: FROM, weeks: h(1) + a(2) + "h" + a(2) + h(3) + a(1) + h(17) }, // one gap of 1 week (merged), one of 3 (a new episode)
      OPEN: { from: FROM, weeks: h(24) + a(2) },
      LATE: { from: FROM, weeks: h(18) + a(2) + h(6) }, // last seen as of 2025-05-26: less than 90 days before the export
      RALERT: { from: FROM, weeks: h(4) + a(4) + h(18) },
    },
    alerts: [
      { alert_id: "LEAD|score_drop", account_id: "LEAD", kind: "score_drop", raised_week_end: weekEnd(1), cleared_week_end: weekEnd(8) },
      { alert_id: "PRO|tier_down", account_id: "PRO", kind: "tier_down", raised_week_end: weekEnd(4), cleared_week_end: weekEnd(9) },
      { alert_id: "GAPS|key_person", account_id: "GAPS", kind: "key_person", raised_week_end: weekEnd(2), cleared_week_end: null },
      {
        alert_id: "RALERT|renewal_risk",
        account_id: "RALERT",
        kind: "renewal_risk",
        raised_week_end: weekEnd(3),
        cleared_week_end: weekEnd(9),
      },
    ],
    interventions: [
      { intervention_id: "I-PRO", account_id: "PRO", started_at: week(5, 1), owner: "Kim" }, // 1 day into its at-risk week 5
      { intervention_id: "I-REA", account_id: "REA", started_at: "2025-03-05T10:00:00", owner: "Kim" }, // 57 days before the renewal
      { intervention_id: "I-LEAD", account_id: "LEAD", started_at: week(2, 2), owner: "Lee" }, // after the alert, before the tier fell
      { intervention_id: "I-GAPS", account_id: "GAPS", started_at: week(15, 0), owner: "Ann", alert_id: "GAPS|key_person" }, // outside every episode, answers the alert
      { intervention_id: "I-RALERT", account_id: "RALERT", started_at: week(5, 0), owner: "Kim" }, // renewal far away, but a renewal_risk alert is open
      { intervention_id: "I-STRAY", account_id: "NONE", started_at: week(20, 0), owner: "Lee" }, // after NONE churned: in no episode
    ],
    churns: [
      { account_id: "REA", churned_at: "2025-05-01T00:00:00" },
      { account_id: "NONE", churned_at: "2025-03-25T00:00:00" },
    ],
  };
}

async function outcomes(inputs: OutcomeInputs, options: Partial<OutcomesOptions> = {}) {
  return withDatabase(async (db) => {
    await createOutcomeInputs(db, inputs);
    const opts = { ...OUTCOMES_DEFAULTS, ...options };
    await buildOutcomes(db, formula, new Date(inputs.exportedAt), opts);
    const episodes = await db.all<Record<string, unknown>>(`
      select account_id, episode_number, strftime(opened_at, '%Y-%m-%d') as opened, weeks_at_risk, response, status,
        first_action_owner as owner, days_to_first_action as days
      from outcomes_episodes order by account_id, episode_number`);
    const alerts = await db.all<Record<string, unknown>>(
      "select alert_id, owner, is_acted_on, intervention_id, acted_by, days_to_first_action as days from outcomes_alerts order by alert_id",
    );
    const report = await outcomesReport(db, formula, new Date(inputs.exportedAt), opts);
    return { episodes, alerts, report };
  });
}

describe("outcomes rules", () => {
  it("finds each episode, who acted when, and whether the account was saved", async () => {
    const { episodes } = await outcomes(book());
    expect(episodes).toEqual([
      // one gap of a week is merged (clear_after_weeks 2); three weeks out end the episode. The
      // key_person alert opens neither (raised after the first one's first at-risk week and before
      // the second), and its answer in week 15 is too late for both
      {
        account_id: "GAPS",
        episode_number: 1,
        opened: "2025-01-20",
        weeks_at_risk: 4,
        response: "none",
        status: "saved",
        owner: null,
        days: null,
      },
      {
        account_id: "GAPS",
        episode_number: 2,
        opened: "2025-03-17",
        weeks_at_risk: 1,
        response: "none",
        status: "saved",
        owner: null,
        days: null,
      },
      {
        account_id: "LATE",
        episode_number: 1,
        opened: "2025-05-19",
        weeks_at_risk: 2,
        response: "none",
        status: "too_recent",
        owner: null,
        days: null,
      },
      // the score_drop alert raised two weeks before the tier fell opens the episode; the action after it counts
      {
        account_id: "LEAD",
        episode_number: 1,
        opened: "2025-01-20",
        weeks_at_risk: 4,
        response: "proactive",
        status: "saved",
        owner: "Lee",
        days: 2.4,
      },
      {
        account_id: "NONE",
        episode_number: 1,
        opened: "2025-01-27",
        weeks_at_risk: 4,
        response: "none",
        status: "churned",
        owner: null,
        days: null,
      },
      {
        account_id: "OPEN",
        episode_number: 1,
        opened: "2025-06-30",
        weeks_at_risk: 2,
        response: "none",
        status: "open",
        owner: null,
        days: null,
      },
      {
        account_id: "PRO",
        episode_number: 1,
        opened: "2025-02-10",
        weeks_at_risk: 4,
        response: "proactive",
        status: "saved",
        owner: "Kim",
        days: 1.4,
      },
      // far from its renewal, but a renewal_risk alert was open when the team acted: reactive
      {
        account_id: "RALERT",
        episode_number: 1,
        opened: "2025-02-03",
        weeks_at_risk: 4,
        response: "reactive",
        status: "saved",
        owner: "Kim",
        days: 7.4,
      },
      // 57 days before its renewal: inside the 90-day window
      {
        account_id: "REA",
        episode_number: 1,
        opened: "2025-02-10",
        weeks_at_risk: 13,
        response: "reactive",
        status: "churned",
        owner: "Kim",
        days: 23.4,
      },
    ]);
  });

  it("counts the save rate of each response with its Wilson interval, leaving undecided episodes out", async () => {
    const { report } = await outcomes(book());
    const rates = Object.fromEntries(report.save_rates.map((r) => [r.response, r]));
    expect(rates.proactive).toMatchObject({ episodes: 2, saved: 2, churned: 0, undecided: 0, save_rate: 1 });
    expect(rates.proactive!.save_rate_low).toBeCloseTo(0.3424, 4); // Wilson 95% for 2 of 2
    expect(rates.proactive!.save_rate_high).toBeCloseTo(1, 6);
    expect(rates.reactive).toMatchObject({ episodes: 2, saved: 1, churned: 1, save_rate: 0.5 });
    expect(rates.reactive!.save_rate_low).toBeCloseTo(0.0945, 4); // 1 of 2
    expect(rates.reactive!.save_rate_high).toBeCloseTo(0.9055, 4);
    expect(rates.none).toMatchObject({ episodes: 3, saved: 2, churned: 1, undecided: 2 });
    expect(report.episodes).toEqual({ total: 9, decided: 7, open: 1, too_recent: 1, acted_on: 4 });
    expect(report.has_interventions).toBe(true);
    expect(report.interventions).toBe(6);
    // I-STRAY falls in no episode; I-GAPS falls in no episode but answers an alert
    expect(report.interventions_unmatched).toBe(1);
  });

  it("gives the Wilson interval of a 10k-account book's counts (integer counts once overflowed)", async () => {
    const macros = readFileSync(path.resolve("src/sql/outcomes/macros.sql"), "utf8");
    const row = await withDatabase(async (db) => {
      await db.run(macros);
      return db.one<{ low: number; high: number }>(
        "select wilson_low(29000::integer, 30000::integer) as low, wilson_high(29000::integer, 30000::integer) as high",
      );
    });
    // 29,000 of 30,000, worked out by hand from the Wilson formula
    expect(row!.low).toBeCloseTo(0.964575, 5);
    expect(row!.high).toBeCloseTo(0.968639, 5);
  });

  it("links an alert to the intervention naming it before any other, else to the first one after its raise while it is open", async () => {
    const { alerts, report } = await outcomes(book());
    expect(alerts).toEqual([
      { alert_id: "GAPS|key_person", owner: "unassigned", is_acted_on: true, intervention_id: "I-GAPS", acted_by: "Ann", days: 84.4 },
      { alert_id: "LEAD|score_drop", owner: "Lee", is_acted_on: true, intervention_id: "I-LEAD", acted_by: "Lee", days: 2.4 },
      { alert_id: "PRO|tier_down", owner: "Kim", is_acted_on: true, intervention_id: "I-PRO", acted_by: "Kim", days: 1.4 },
      { alert_id: "RALERT|renewal_risk", owner: "Kim", is_acted_on: true, intervention_id: "I-RALERT", acted_by: "Kim", days: 7.4 },
    ]);
    const kim = report.owners.find((o) => o.owner === "Kim")!;
    expect(kim).toMatchObject({ alerts: 2, acted_on: 2, share_acted_on: 1, median_days_to_first_action: 4.4 });
  });

  it("reads every episode as not acted on without interventions", async () => {
    const inputs = { ...book(), interventions: [] };
    const { episodes, report } = await outcomes(inputs);
    expect(new Set(episodes.map((e) => e.response))).toEqual(new Set(["none"]));
    expect(report.has_interventions).toBe(false);
    expect(report.save_rates.map((r) => [r.response, r.episodes])).toEqual([
      ["proactive", 0],
      ["reactive", 0],
      ["none", 7],
    ]);
    expect(report.save_rates[0]!.save_rate).toBeNull();
  });

  it("splits episodes and churns at the go-live and warns when a side is too small", async () => {
    const { report } = await outcomes(book(), { goLive: "2025-02-01" });
    const [before, after] = report.before_after!.periods;
    // opened before 2025-02-01: GAPS 1, LEAD, NONE (3 decided, 1 churned); after: GAPS 2, PRO, RALERT, REA (4 decided, 1 churned), LATE and OPEN undecided
    expect(before).toMatchObject({ period: "before", episodes: 3, churned_episodes: 1, churns: 0 });
    expect(after).toMatchObject({ period: "after", episodes: 4, churned_episodes: 1, episode_churn_rate: 0.25, churns: 2, churns_seen: 2 });
    expect(report.before_after!.conclusive).toBe(false);
    expect(report.before_after!.warning).toContain("before has 3 decided at-risk episodes (fewer than 20)");
  });

  it("concludes only with 20 episodes a side and intervals apart", () => {
    const side = (period: "before" | "after", n: number, churned: number, low: number, high: number): PeriodOutcome => ({
      period,
      episodes: n,
      churned_episodes: churned,
      episode_churn_rate: churned / n,
      episode_churn_rate_low: low,
      episode_churn_rate_high: high,
      churns: 0,
      account_years: 1,
      annual_churn_rate: 0,
      churns_seen: 0,
      seen_share: null,
      median_weeks_seen: null,
    });
    expect(conclusion([side("before", 40, 20, 0.35, 0.65), side("after", 40, 4, 0.04, 0.23)])).toEqual({ conclusive: true, warning: null });
    expect(conclusion([side("before", 40, 20, 0.35, 0.65), side("after", 40, 12, 0.18, 0.45)]).warning).toContain(
      "intervals of the episode churn rate before and after overlap",
    );
    expect(conclusion([side("before", 19, 10, 0.3, 0.7), side("after", 40, 4, 0.04, 0.23)]).warning).toContain("before has 19 decided");
  });
});
