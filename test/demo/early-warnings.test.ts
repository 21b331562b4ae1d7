/**
 * On a generated demo warehouse (250 accounts, lighter usage, to keep CI fast): the planted
 * expansion accounts lead `health expansion`, most planted at-risk churners get an alert before
 * they churn, and every alert can be traced to the weekly history. `npm run demo:evaluate` prints
 * the same figures for any demo warehouse.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { Database } from "../../src/db/duckdb.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import { evaluateDemo, evaluationFiles, type DemoEvaluation } from "../../src/scripts/demo-evaluation.ts";
import { tempDir } from "../helpers/warehouse.ts";

const root = tempDir("early-warnings-");
const data = path.join(root, "demo");
const out = path.join(root, "out");
const files = evaluationFiles(data, out);
let db: Database;
let result: DemoEvaluation;

beforeAll(async () => {
  await generateDemoWarehouse({ outDir: data, accounts: 250, eventsPerAccount: 3000 });
  const code = await main(["run", "--data", data, "--out", out, "-q"], { stdout: () => {}, stderr: () => {} });
  if (code !== 0) throw new Error(`health run exited ${code}`);
  db = await Database.open();
  result = await evaluateDemo(db, data, out, "healthy");
}, 240_000);
afterAll(() => db?.close());

const scenario = (name: string) =>
  result.alerts!.find((r) => r.scenario === name) as { churners: number; alerted: number; alerted_share: number } | undefined;

describe("early warnings on the demo warehouse", () => {
  it("rank the planted expansion accounts at the top of the expansion list", () => {
    const e = result.expansion as {
      planted: number;
      listed: number;
      planted_listed: number;
      planted_in_top_10: number;
      median_rank_planted: number;
      median_rank_others: number;
    };
    expect(e.planted).toBeGreaterThanOrEqual(8);
    // planted accounts are 4% of the book; most of the top ten are planted ones
    expect(e.planted_in_top_10).toBeGreaterThanOrEqual(6);
    expect(e.planted_listed / e.planted).toBeGreaterThanOrEqual(0.6);
    expect(e.median_rank_planted).toBeLessThan(e.median_rank_others / 2);
  });

  it("alert most planted at-risk churners between their first signal and their churn", () => {
    const all = scenario("all planted churners")!;
    expect(all.churners).toBeGreaterThanOrEqual(20);
    expect(all.alerted_share).toBeGreaterThanOrEqual(0.8);
    // a key person leaving, an M&A or a P0 storm is an alert of its own
    for (const name of ["champion_left_churn", "merger_acquisition", "p0_bug_storm"]) {
      const c = scenario(name);
      if (c) expect(c.alerted, name).toBe(c.churners);
    }
  });

  it("raise each alert on a week of the published history, with that week's score and tier", async () => {
    const counts = await db.one<{ alerts: number; traced: number; mismatched: number }>(
      `select count(*)::integer as alerts,
              count(h.account_id)::integer as traced,
              count(*) filter (where a.score is distinct from h.score or a.tier is distinct from h.tier
                                  or a.reason = '' or a.playbook is null or (len(a.drivers) = 0 and a.kind <> 'renewal_risk'))::integer as mismatched
       from read_parquet($alerts_file) as a
       left join read_parquet($health_file) as h on h.account_id = a.account_id and h.week_end = a.raised_week_end`,
      { alerts_file: files.alerts_file, health_file: files.health_file },
    );
    expect(counts!.alerts).toBeGreaterThan(100);
    expect(counts!.traced).toBe(counts!.alerts);
    expect(counts!.mismatched).toBe(0);
  });
  it("say how much of the backtest's churn precedes any planted signal, and the AUC ceiling that sets", () => {
    type Signal = {
      scenario: string | null;
      positive_weeks: number;
      before_signal: number;
      before_signal_share: number;
      auc_before_signal: number | null;
      auc_after_signal: number | null;
      ceiling: number;
    };
    const rows = result.signal as Signal[];
    const all = rows.find((r) => r.scenario === null)!;
    const silent = rows.find((r) => r.scenario === "silent_churn")!;
    // every positive week of a churner planted without a signal precedes it; its ceiling is chance
    expect(silent.before_signal).toBe(silent.positive_weeks);
    expect(silent.ceiling).toBe(0.5);
    expect(all.positive_weeks).toBe(rows.filter((r) => r.scenario !== null).reduce((n, r) => n + r.positive_weeks, 0));
    expect(all.before_signal).toBeGreaterThan(0);
    expect(all.ceiling).toBeCloseTo(1 - all.before_signal_share / 2, 2);
    expect(all.ceiling).toBeLessThan(1);
    // the score sees the planted signals: churners rank far riskier once theirs has started
    expect(all.auc_after_signal!).toBeGreaterThan(all.auc_before_signal! + 0.15);
  });
});
