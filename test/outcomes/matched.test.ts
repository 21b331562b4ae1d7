/**
 * The like-with-like no-action save rate (src/sql/outcomes/outcomes_severity_strata.sql and
 * outcomes_no_action_matched.sql) on a hand-made book where the raw no-action figure is mostly mild
 * false alarms: the matched figure re-weights the unacted episodes to the acted ones' severity and
 * gives the stratified rate worked out by hand, with its effective count (Kish's for the unacted weights, combined with the acted episodes' own count). Real DuckDB, the default
 * formula (tiers healthy/watch/at_risk, renewal window 90 days).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withDatabase } from "../../src/db/duckdb.ts";
import { loadFormula } from "../../src/formula/load.ts";
import { buildOutcomes, outcomesReport, OUTCOMES_DEFAULTS } from "../../src/outcomes/outcomes.ts";
import { formatOutcomes } from "../../src/outcomes/print.ts";
import { createOutcomeInputs, type OutcomeInputs } from "./tables.ts";

const formula = loadFormula(path.resolve("src/formula/default-formula.yaml"));
const EXPORT = "2025-07-07T00:00:00Z";
const FROM = "2025-01-06"; // Monday of week 0; 26 weeks
const week = (w: number, day = 0) => new Date(Date.parse(`${FROM}T10:00:00Z`) + (7 * w + day) * 86400000).toISOString().slice(0, 19);
const h = (n: number) => "h".repeat(n);
const a = (n: number) => "a".repeat(n);
const START = "2024-01-15"; // renews 2026-01-15: no episode here opens in the renewal window

/**
 * Severe (at risk, 6 weeks, outside the window): 2 acted, 4 not (1 saved, 3 churned: 25%).
 * Mild (watch, 1 week, outside the window): 1 acted, 10 not (all saved: 100%).
 * At risk for 4 weeks: 1 acted, no unacted match.
 */
function book(): OutcomeInputs {
  const accounts: OutcomeInputs["accounts"] = [];
  const tiers: OutcomeInputs["tiers"] = {};
  const interventions: NonNullable<OutcomeInputs["interventions"]> = [];
  const churns: NonNullable<OutcomeInputs["churns"]> = [];
  const add = (id: string, weeks: string, acted: boolean, churnedAt?: string) => {
    accounts.push({ account_id: id, contract_start_date: START, csm_owner: "Kim" });
    tiers[id] = { from: FROM, weeks };
    if (acted) interventions.push({ intervention_id: `I-${id}`, account_id: id, started_at: week(2, 1), owner: "Kim" });
    if (churnedAt) churns.push({ account_id: id, churned_at: churnedAt });
  };
  add("SEV-ACT-1", h(2) + a(6) + h(18), true);
  add("SEV-ACT-2", h(2) + a(6) + h(18), true);
  add("SEV-NONE-SAVED", h(2) + a(6) + h(18), false);
  for (const n of [1, 2, 3]) add(`SEV-NONE-CHURNED-${n}`, h(2) + a(6), false, "2025-03-10T00:00:00");
  add("MILD-ACT", `${h(2)}w${h(23)}`, true);
  for (let n = 1; n <= 10; n++) add(`MILD-NONE-${n}`, `${h(2)}w${h(23)}`, false);
  add("MID-ACT", h(2) + a(4) + h(20), true);
  return { exportedAt: EXPORT, accounts, tiers, interventions, churns };
}

async function run(inputs: OutcomeInputs) {
  return withDatabase(async (db) => {
    await createOutcomeInputs(db, inputs);
    await buildOutcomes(db, formula, new Date(inputs.exportedAt), OUTCOMES_DEFAULTS);
    return outcomesReport(db, formula, new Date(inputs.exportedAt), OUTCOMES_DEFAULTS);
  });
}

describe("no action, matched to acted episodes", () => {
  it("re-weights the unacted episodes to the acted ones' severity, next to the raw figure", async () => {
    const report = await run(book());
    const none = report.save_rates.find((r) => r.response === "none")!;
    // raw: 11 of 14 unacted episodes saved, most of them mild
    expect([none.episodes, none.saved]).toEqual([14, 11]);
    expect(
      report.severity_strata.map((s) => [s.worst_tier, s.length_band, s.is_renewal_window, s.acted, s.not_acted, s.not_acted_saved]),
    ).toEqual([
      ["at_risk", "3-5 weeks", false, 1, 0, 0],
      ["at_risk", "6+ weeks", false, 2, 4, 1],
      ["watch", "1-2 weeks", false, 1, 10, 10],
    ]);
    // no usage baseline anywhere in this book: one decline band, kept where it matches the acted
    // episodes, merged ('any') in the stratum whose acted episode has no unacted one at all
    expect(report.severity_strata.map((s) => s.usage_decline_band)).toEqual(["any", "no baseline", "no baseline"]);
    const m = report.no_action_matched;
    expect([m.acted_episodes, m.acted_matched, m.acted_unmatched, m.not_acted_matched, m.strata_used]).toEqual([4, 3, 1, 14, 2]);
    // (2 x 1/4 + 1 x 10/10) / 3 acted matched
    expect(m.save_rate).toBeCloseTo(0.5, 10);
    // weights 2/4 on four episodes and 1/10 on ten: Kish (sum w)^2 / sum w^2 = 9 / (4 x 0.25 + 10 x 0.01);
    // the figure is a share of the 3 acted episodes, whose own sampling counts too: 1 / (1 / Kish + 1 / 3)
    expect(m.effective_episodes).toBeCloseTo(1 / (1.1 / 9 + 1 / 3), 10);
    expect(m.save_rate_low!).toBeLessThan(0.5);
    expect(m.save_rate_high!).toBeGreaterThan(0.5);
    const text = formatOutcomes(report, "text");
    expect(text).toMatch(
      /Not acted on, matched to acted episodes: 50% \(interval \d+%-\d+%; effective count 2\.2 from 14 unacted episodes/,
    );
    expect(text).toContain("1 acted episodes had no unacted match");
    expect(report.definitions.no_action_matched).toMatch(/^Not acted on, matched to acted episodes/);
  });

  it("splits a stratum by the usage decline at the opening, and merges the bands where an acted band has no unacted match", async () => {
    const accounts: OutcomeInputs["accounts"] = [];
    const tiers: OutcomeInputs["tiers"] = {};
    const usageVsBaseline: NonNullable<OutcomeInputs["usageVsBaseline"]> = {};
    const interventions: NonNullable<OutcomeInputs["interventions"]> = [];
    const churns: NonNullable<OutcomeInputs["churns"]> = [];
    // usage against the account's baseline by week; the episode opens at week 2 (its first flagged
    // week), so week 2's value is the one that counts; week 3's comes after the opening
    const add = (id: string, weeks: string, atOpening: number, acted: boolean, churned: boolean) => {
      accounts.push({ account_id: id, contract_start_date: START, csm_owner: "Kim" });
      tiers[id] = { from: FROM, weeks };
      usageVsBaseline[id] = [0, 0, atOpening, atOpening < -0.5 ? 0 : -0.7, ...Array(22).fill(0)];
      if (acted) interventions.push({ intervention_id: `I-${id}`, account_id: id, started_at: week(2, 1), owner: "Kim" });
      if (churned) churns.push({ account_id: id, churned_at: "2025-03-10T00:00:00" });
    };
    // severe: the acted accounts' usage had halved, like two unacted ones that churned; four unacted
    // ones with steady usage were saved
    add("SEV-ACT-1", h(2) + a(6) + h(18), -0.6, true, false);
    add("SEV-ACT-2", h(2) + a(6) + h(18), -0.6, true, false);
    for (const n of [1, 2]) add(`SEV-DOWN-${n}`, h(2) + a(6), -0.6, false, true);
    for (const n of [1, 2, 3, 4]) add(`SEV-STEADY-${n}`, h(2) + a(6) + h(18), 0.1, false, false);
    // mild: the acted one is down 30%, no unacted one is: the stratum's bands are merged
    add("MILD-ACT", `${h(2)}w${h(23)}`, -0.3, true, false);
    for (let n = 1; n <= 10; n++) add(`MILD-NONE-${n}`, `${h(2)}w${h(23)}`, 0, false, false);
    const report = await run({ exportedAt: EXPORT, accounts, tiers, interventions, churns, usageVsBaseline });
    expect(
      report.severity_strata.map((s) => [s.worst_tier, s.length_band, s.usage_decline_band, s.acted, s.not_acted, s.not_acted_saved]),
    ).toEqual([
      ["at_risk", "6+ weeks", "down 50%+", 2, 2, 0],
      ["at_risk", "6+ weeks", "not down", 0, 4, 4],
      ["watch", "1-2 weeks", "any", 1, 10, 10],
    ]);
    const m = report.no_action_matched;
    expect([m.acted_matched, m.acted_unmatched, m.not_acted_matched]).toEqual([3, 0, 12]);
    // (2 x 0/2 + 1 x 10/10) / 3; without the decline split the severe stratum's 4 of 6 saved would give (2 x 4/6 + 1) / 3
    expect(m.save_rate).toBeCloseTo(1 / 3, 10);
  });

  it("says so when no acted episode has an unacted match", async () => {
    const only = book();
    only.interventions = only.interventions!.filter((i) => i.account_id === "MID-ACT");
    const report = await run(only);
    expect(report.no_action_matched.acted_matched).toBe(0);
    expect(report.no_action_matched.save_rate).toBeNull();
    expect(formatOutcomes(report, "text")).toContain("Not acted on, matched to acted episodes: - (no acted episode");
  });
});
