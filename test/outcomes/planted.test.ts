/**
 * The demo plants the answer (src/generate/interventions.ts) and `health outcomes` finds it: on a
 * real generated book, scored by the real engine, the proactive and reactive save rates the
 * generator planted lie inside the intervals the command prints. The command never reads
 * `_answers/`; only this test does. Plus bad command lines and bad input.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { withDatabase, literal } from "../../src/db/duckdb.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import type { PlantedArm } from "../../src/generate/interventions.ts";
import type { OutcomesReport } from "../../src/outcomes/outcomes.ts";
import { formatOutcomes } from "../../src/outcomes/print.ts";
import { tempDir } from "../helpers/warehouse.ts";

const root = tempDir("outcomes-planted-");
const book = path.join(root, "book");
const out = path.join(root, "out");
let report: OutcomesReport;
let planted: Record<string, PlantedArm>;

async function health(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main([...args, "-q"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  await generateDemoWarehouse({ accounts: 300, seed: 20, outDir: book });
  const summary = JSON.parse(readFileSync(path.join(book, "_answers", "summary.json"), "utf8"));
  planted = Object.fromEntries((summary.interventions.arms as PlantedArm[]).map((a) => [a.arm, a]));
  const run = await health(["outcomes", "--data", book, "--out", out, "--format", "json", "--go-live", "2026-01-05"]);
  expect(run.stderr).not.toContain("unexpected");
  expect(run.code).toBe(0);
  report = JSON.parse(run.stdout) as OutcomesReport;
}, 600_000);

describe("health outcomes on a generated book", () => {
  it("recovers the planted proactive and reactive save rates within their intervals", () => {
    const rates = Object.fromEntries(report.save_rates.map((r) => [r.response, r]));
    // the planted effect: early action saves more than late action
    expect(planted.proactive!.save_rate!).toBeGreaterThan(planted.reactive!.save_rate! + 0.2);
    for (const arm of ["proactive", "reactive"] as const) {
      const measured = rates[arm]!;
      expect(measured.episodes, arm).toBeGreaterThanOrEqual(5);
      expect(planted[arm]!.save_rate!, arm).toBeGreaterThanOrEqual(measured.save_rate_low!);
      expect(planted[arm]!.save_rate!, arm).toBeLessThanOrEqual(measured.save_rate_high!);
    }
    expect(rates.proactive!.save_rate!).toBeGreaterThan(rates.reactive!.save_rate!);
  });

  it("finds the planted no-action rate among the planted accounts' episodes nobody acted on", async () => {
    // The printed no-action group also holds every episode of an account with no planted risk
    // (the score's false alarms), so it is checked on the planted accounts' episodes only.
    const rows = await withDatabase((db) =>
      db.all<{ decided: number; saved: number; low: number; high: number }>(`
        ${readFileSync(path.resolve("src/sql/outcomes/macros.sql"), "utf8")};
        select count(*)::integer as decided, count(*) filter (where e.status = 'saved')::integer as saved,
          wilson_low(count(*) filter (where e.status = 'saved'), count(*)) as low, wilson_high(count(*) filter (where e.status = 'saved'), count(*)) as high
        from read_parquet(${literal(path.join(out, "outcomes_episodes.parquet"))}) as e
        join read_csv(${literal(path.join(book, "_answers", "interventions.csv"))}) as p using (account_id)
        where p.arm = 'none' and e.response = 'none' and e.status in ('saved', 'churned')
          and e.episode_number = (select min(x.episode_number) from read_parquet(${literal(path.join(out, "outcomes_episodes.parquet"))}) as x
                                  where x.account_id = e.account_id and x.status in ('saved', 'churned') and x.opened_at >= p.signal_date - interval 28 day)`),
    );
    const none = rows[0]!;
    expect(none.decided).toBeGreaterThanOrEqual(10);
    expect(planted.none!.save_rate!).toBeGreaterThanOrEqual(none.low);
    expect(planted.none!.save_rate!).toBeLessThanOrEqual(none.high);
  });

  it("says who acted and how fast, and compares before and after the go-live with its warning", () => {
    expect(report.has_interventions).toBe(true);
    expect(report.interventions).toBe(planted.proactive!.accounts + planted.reactive!.accounts);
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
