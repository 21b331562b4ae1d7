/**
 * The demo plants the answer (src/generate/interventions.ts) and `health outcomes` finds it: on a
 * real generated book, scored by the real engine. The generated team acts on what it can see (usage
 * falling, P0/P1 tickets, detractors, the renewal approaching) and its action saves some accounts
 * that would have churned, more often when taken before the renewal window. The generator writes
 * each acted account's two potential outcomes as dates (`_answers/interventions.csv`: the churn it
 * had, and the one it would have had with nobody acting), so the truth is known at any judge day;
 * the command never reads `_answers/`, only this test does. One judging rule: the truth is read on
 * the episodes the command judged, at each one's own judge day (src/sql/evaluation/planted_outcomes.sql),
 * and each of the proactive, reactive and matched no-action rates lies inside the interval the
 * command prints. Plus bad command lines and bad input.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { withDatabase, literal } from "../../src/db/duckdb.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import { evaluationFiles } from "../../src/scripts/demo-evaluation.ts";
import { sqlFile } from "../../src/sql/files.ts";
import type { PlantedArm, PlantedInterventions } from "../../src/generate/interventions.ts";
import type { OutcomesReport } from "../../src/outcomes/outcomes.ts";
import { formatOutcomes } from "../../src/outcomes/print.ts";
import { tempDir } from "../helpers/warehouse.ts";

const root = tempDir("outcomes-planted-");
const book = path.join(root, "book");
const out = path.join(root, "out");
let report: OutcomesReport;
let truth: PlantedInterventions;
let planted: Record<string, PlantedArm>;
/** planted_outcomes.sql: the truth on the command's judged episodes beside what it printed. */
type Restated = {
  figure: "proactive" | "reactive" | "no_action_matched";
  planted_episodes: number;
  planted_saved: number;
  planted_save_rate: number | null;
  measured_episodes: number;
  measured_save_rate: number | null;
  save_rate_low: number | null;
  save_rate_high: number | null;
  is_inside: boolean;
  misclassified: number | null;
  judged_otherwise: number | null;
};
let restated: Record<Restated["figure"], Restated>;

async function health(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main([...args, "-q"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  await generateDemoWarehouse({ accounts: 300, seed: 20, outDir: book });
  const summary = JSON.parse(readFileSync(path.join(book, "_answers", "summary.json"), "utf8"));
  truth = summary.interventions as PlantedInterventions;
  planted = Object.fromEntries(truth.arms.map((a) => [a.arm, a]));
  const run = await health(["outcomes", "--data", book, "--out", out, "--format", "json", "--go-live", "2026-01-05"]);
  expect(run.stderr).not.toContain("unexpected");
  expect(run.code).toBe(0);
  report = JSON.parse(run.stdout) as OutcomesReport;
  const rows = await withDatabase((db) =>
    db.all<Restated>(sqlFile("evaluation/planted_outcomes.sql"), evaluationFiles(book, out).outcomes),
  );
  restated = Object.fromEntries(rows.map((r) => [r.figure, r])) as typeof restated;
}, 600_000);

const answers = (file: string) => literal(path.join(book, "_answers", file));
const exported = (file: string) => literal(path.join(book, file));

describe("the generated team and what its action does", () => {
  it("acts on false alarms as well as on accounts that would churn, and saves some of the latter", async () => {
    const acted = await withDatabase((db) =>
      db.one<{
        acted: number;
        decided: number;
        decided_unacted: number;
        would_churn: number;
        saved: number;
        saved_churned: number;
        never_at_risk: number;
      }>(`
        select count(*)::integer as acted, count(*) filter (where i.is_decided)::integer as decided,
          count(*) filter (where i.is_decided_unacted)::integer as decided_unacted,
          count(*) filter (where i.is_decided_unacted and i.would_churn)::integer as would_churn,
          count(*) filter (where i.saved_by_action)::integer as saved,
          count(*) filter (where i.saved_by_action and i.churned)::integer as saved_churned,
          count(*) filter (where s.expected <> 'at_risk')::integer as never_at_risk
        from read_csv(${answers("interventions.csv")}) as i join read_csv(${answers("scenarios.csv")}) as s using (account_id)`),
    );
    expect(acted!.acted).toBe(report.interventions);
    expect(acted!.decided).toBe(planted.proactive!.accounts + planted.reactive!.accounts);
    expect(acted!.acted - acted!.decided).toBe(truth.undecided);
    expect(acted!.would_churn).toBeGreaterThan(5);
    expect(acted!.never_at_risk).toBeGreaterThan(acted!.acted / 4);
    expect(acted!.saved).toBe(truth.saved_by_action);
    expect(acted!.saved).toBeGreaterThan(0);
    expect(acted!.saved_churned).toBe(0);
    expect(truth.effect.proactive).toBeGreaterThan(truth.effect.reactive);
    // the counterfactual: the acted accounts' share that would not have churned had nobody acted
    expect(truth.no_action.accounts).toBe(acted!.decided_unacted);
    expect(truth.no_action.saved).toBe(acted!.decided_unacted - acted!.would_churn);
  });

  it("writes both potential outcomes of each acted account as dates, with its intervention", async () => {
    const rows = await withDatabase((db) =>
      db.one<{
        acted: number;
        same_intervention: number;
        churn_is_would_churn: number;
        saved_no_churn: number;
        churned_as_exported: number;
      }>(`
        select count(*)::integer as acted,
          count(*) filter (where x.started_at = i.started_at::timestamp)::integer as same_intervention,
          count(*) filter (where not i.saved_by_action and i.churn_date is not distinct from i.would_churn_date)::integer as churn_is_would_churn,
          count(*) filter (where i.saved_by_action and i.churn_date is null and i.would_churn_date is not null)::integer as saved_no_churn,
          count(*) filter (where cast(cast(a.churned_at as timestamp) as date) is not distinct from i.churn_date)::integer as churned_as_exported
        from read_csv(${answers("interventions.csv")}) as i
        join read_csv(${exported("interventions.csv")}) as x using (intervention_id)
        join read_csv(${exported("accounts.csv")}, all_varchar = true) as a on a.account_id = i.account_id and x.account_id = i.account_id`),
    );
    expect(rows!.acted).toBe(report.interventions);
    expect(rows!.same_intervention).toBe(rows!.acted);
    // without the action's save, the churn is the one the story leads to; with it, none
    expect(rows!.churn_is_would_churn + rows!.saved_no_churn).toBe(rows!.acted);
    expect(rows!.saved_no_churn).toBe(truth.saved_by_action);
    // the churn date is the export's churned_at
    expect(rows!.churned_as_exported).toBe(rows!.acted);
  });

  it("changes the saved accounts' future: no churn in the CRM, usage after the renewal they would have left at", async () => {
    const saved = await withDatabase((db) =>
      db.all<{ account_id: string; churned_at: string | null; events_after: number }>(`
        select i.account_id, a.churned_at::varchar as churned_at,
          (select count(*)::integer from read_parquet(${exported("usage_events.parquet")}) as e
            where e.account_id = i.account_id and e.occurred_at >= i.would_churn_date + 7) as events_after
        from read_csv(${answers("interventions.csv")}) as i
        join read_csv(${exported("accounts.csv")}, all_varchar = true) as a using (account_id)
        where i.saved_by_action`),
    );
    expect(saved.length).toBe(truth.saved_by_action);
    for (const s of saved) {
      expect(s.churned_at, s.account_id).toBeNull();
      expect(s.events_after, s.account_id).toBeGreaterThan(0);
    }
  });
});

describe("health outcomes on a generated book", () => {
  it("recovers the planted proactive and reactive save rates within their intervals, judged as it judges", () => {
    // The truth of each decided acted episode at the command's own judge day (save-after days after
    // it was last flagged): saved when the account's churn_date is not between its opening and that
    // day, grouped by the planted arm of its first intervention. The population and the judge day
    // are the command's, so this check is mostly about classification and judging: the actual
    // churns are in the export the command reads. What it can get wrong is the arm (a renewal_risk
    // alert open at the action makes it reactive), which intervention answers which episode, and
    // the span it looks for a churn in. The no-action check below is the real estimation test.
    const rates = Object.fromEntries(report.save_rates.map((r) => [r.response, r]));
    for (const arm of ["proactive", "reactive"] as const) {
      const truth = restated[arm];
      const measured = rates[arm]!;
      expect(measured.episodes, arm).toBeGreaterThanOrEqual(5);
      // the same interval the command printed, read back from its files
      expect([truth.measured_episodes, truth.save_rate_low, truth.save_rate_high], arm).toEqual([
        measured.episodes,
        measured.save_rate_low,
        measured.save_rate_high,
      ]);
      expect(truth.planted_save_rate!, arm).toBeGreaterThanOrEqual(measured.save_rate_low!);
      expect(truth.planted_save_rate!, arm).toBeLessThanOrEqual(measured.save_rate_high!);
      expect(truth.is_inside, arm).toBe(true);
      // the arms hold the episodes the command judged, each once; few are classified otherwise, and
      // each episode's saved or churned is the truth at its judge day (a check sharper than the
      // interval, which a wrong judge day of a few churns stays inside on 30-odd episodes)
      expect(truth.misclassified!, arm).toBeLessThanOrEqual(Math.max(2, truth.planted_episodes / 10));
      expect(truth.judged_otherwise, arm).toBe(0);
    }
    expect(restated.proactive.planted_episodes + restated.reactive.planted_episodes).toBe(
      rates.proactive!.episodes + rates.reactive!.episodes,
    );
    expect(rates.proactive!.save_rate!).toBeGreaterThan(rates.reactive!.save_rate!);
    expect(restated.proactive.planted_save_rate!).toBeGreaterThan(restated.reactive.planted_save_rate!);
    // summary.json's figures, at the team's own judge day per acted account, tell the same story
    expect(planted.proactive!.save_rate!).toBeGreaterThan(planted.reactive!.save_rate!);
  });

  it("recovers the acted episodes' no-action counterfactual with the matched figure, where the raw one is mostly false alarms", async () => {
    // The real estimation test: the counterfactual (would_churn_date) is hidden from the command, which
    // estimates it from the unacted episodes of the acted ones' strata. The truth: of the acted
    // episodes the matched figure covers, the share whose would-be churn is not between the opening
    // and the episode's judge day.
    const none = report.save_rates.find((r) => r.response === "none")!;
    const m = report.no_action_matched;
    const truthMatched = restated.no_action_matched;
    expect(truthMatched.planted_episodes).toBe(m.acted_matched);
    expect(truthMatched.planted_save_rate!).toBeGreaterThanOrEqual(m.save_rate_low!);
    expect(truthMatched.planted_save_rate!).toBeLessThanOrEqual(m.save_rate_high!);
    // the action saves some: the acted episodes fared better than they would have with no action
    const acted = restated.proactive.planted_episodes + restated.reactive.planted_episodes;
    const actedSaved = restated.proactive.planted_saved + restated.reactive.planted_saved;
    expect(actedSaved / acted).toBeGreaterThan(truthMatched.planted_save_rate!);
    // the raw group: every flagged episode nobody acted on; most are on accounts with no planted risk
    // at all (read from _answers/ only to say so), the score's false alarms, and nearly all are saved
    const onUnplanted = await withDatabase((db) =>
      db.one<{ share: number }>(`
        select avg((s.expected <> 'at_risk')::integer) as share
        from read_parquet(${literal(path.join(out, "outcomes_episodes.parquet"))}) as e
        join read_csv(${answers("scenarios.csv")}) as s using (account_id)
        where e.response = 'none' and e.status in ('saved', 'churned')`),
    );
    expect(onUnplanted!.share).toBeGreaterThan(0.5);
    expect(none.save_rate!).toBeGreaterThan(truthMatched.planted_save_rate!);
    // matched: the unacted episodes re-weighted to the acted ones' strata, which are more severe
    expect(m.acted_matched).toBeGreaterThan(0);
    expect(m.acted_matched + m.acted_unmatched).toBe(m.acted_episodes);
    expect(m.acted_episodes).toBe(report.save_rates.filter((r) => r.response !== "none").reduce((n, r) => n + r.episodes, 0));
    // the effective count is bounded by the acted episodes the figure is about
    expect(m.effective_episodes!).toBeGreaterThan(10);
    expect(m.effective_episodes!).toBeLessThan(m.acted_matched);
    expect(m.save_rate!).toBeLessThan(none.save_rate!);
    expect(m.save_rate_low!).toBeLessThan(m.save_rate!);
    expect(m.save_rate_high!).toBeGreaterThan(m.save_rate!);
    const strata = report.severity_strata;
    expect(strata.reduce((n, s) => n + s.not_acted, 0)).toBe(none.episodes);
    const weighted = strata.filter((s) => s.match_weight !== null).reduce((x, s) => x + s.match_weight! * s.not_acted_saved, 0);
    expect(weighted / m.acted_matched).toBeCloseTo(m.save_rate!, 10);
  });

  it("says who acted and how fast, and compares before and after the go-live with its warning", () => {
    expect(report.has_interventions).toBe(true);
    expect(report.interventions).toBe(planted.proactive!.accounts + planted.reactive!.accounts + truth.undecided);
    expect(report.alerts.acted_on).toBeGreaterThan(0);
    const acted = report.owners.reduce((n, o) => n + o.acted_on, 0);
    expect(acted).toBe(report.alerts.acted_on);
    expect(report.before_after!.periods.map((p) => p.period)).toEqual(["before", "after"]);
    if (!report.before_after!.conclusive) expect(report.before_after!.warning).toMatch(/^Too little evidence to conclude/);
  });

  it("prints text with the three groups, their counts and intervals, and writes outcomes.json", () => {
    const text = formatOutcomes(report, "text");
    for (const r of report.save_rates) {
      const label = { proactive: "acted on early (proactive)", reactive: "acted on late (reactive)", none: "not acted on" }[r.response];
      expect(text).toMatch(new RegExp(`${label.replace(/[()]/g, "\\$&")}\\s+${r.episodes}\\s+${r.saved}\\s`));
    }
    expect(JSON.parse(readFileSync(path.join(out, "outcomes.json"), "utf8"))).toEqual(report);
  });
});

describe("bad command lines and bad input", () => {
  it("refuses a bad --go-live, --save-after or one outside the history with exit 2", async () => {
    const bad = await health(["outcomes", "--data", book, "--out", out, "--go-live", "2026-13-01"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--go-live must be a date YYYY-MM-DD");
    const save = await health(["outcomes", "--data", book, "--out", out, "--save-after", "soon"]);
    expect(save.code).toBe(2);
    expect(save.stderr).toContain("--save-after must be a number of days or weeks");
    const outside = await health(["outcomes", "--data", book, "--out", out, "--go-live", "2030-01-01"]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("--go-live 2030-01-01 is outside the scored history");
    expect(outside.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);

  it("refuses interventions on unknown accounts with exit 3, naming the file and column", async () => {
    const file = path.join(book, "interventions.csv");
    const original = readFileSync(file, "utf8");
    try {
      writeFileSync(file, `${original}INT-9999,ACC-NOPE,2026-01-05 10:00:00,,call,Kim,,\n`);
      const run = await health(["outcomes", "--data", book, "--out", path.join(root, "out-bad")]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/interventions\.csv: column "account_id": refers to accounts\.account_id values that do not exist/);
    } finally {
      writeFileSync(file, original);
    }
  }, 300_000);
});
