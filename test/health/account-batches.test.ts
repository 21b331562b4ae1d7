/**
 * Scoring in account batches (the engine's way to keep memory bounded on a large book) gives the
 * same tables as scoring every account at once: same rows, same values, same order.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAlerts } from "../../src/alerts/alerts.ts";
import { buildBacktest } from "../../src/backtest/backtest.ts";
import { BACKTEST_DEFAULTS } from "../../src/backtest/options.ts";
import { buildCohorts } from "../../src/cohorts/cohorts.ts";
import { buildExpansion } from "../../src/expansion/expansion.ts";
import { Database, literal } from "../../src/db/duckdb.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import type { HealthRun } from "../../src/health/engine.ts";
import { planAccountBatches } from "../../src/health/account-batches.ts";
import { HEALTH_OUTPUTS, writeHealthOutputs } from "../../src/health/outputs.ts";
import { publish } from "../../src/output/publish.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { tempDir } from "../helpers/warehouse.ts";

const root = tempDir("account-batches-");
const data = path.join(root, "demo");
const formula = formulaFrom(defaultFormulaInput());
const COMPARED = [
  "account_health_weekly",
  "account_measures_weekly",
  "user_health",
  "accounts",
  "int_measure_scores",
  "int_key_people_weekly",
  "measures_adoption",
  "measures_onboarding",
  "measures_stakeholders",
  "alerts",
  "expansion",
  "cohorts",
];
const OUTPUTS = { whole: path.join(root, "out-whole"), batched: path.join(root, "out-batched") };
const OUTPUT_KEYS = {
  account_health_weekly: ["account_id", "week_start"],
  account_measures_weekly: ["account_id", "week_start", "category_id", "measure_id"],
  user_health: ["account_id", "contact_id"],
  accounts: ["account_id"],
} as const;
let whole: Database;
let batched: Database;
let wholeRun: HealthRun;
let batchedRun: HealthRun;

async function score(contactsPerBatch: number, out: string): Promise<[Database, HealthRun]> {
  const { db, run } = await scoreDir(data, formula, { contactsPerBatch });
  await publish(db, out, (batch) => writeHealthOutputs(db, run, batch));
  // later stages read the batched tables as they read whole ones
  await buildAlerts(db, formula, run.accountBatches);
  await buildExpansion(db, formula);
  await buildCohorts(db, formula);
  return [db, run];
}

beforeAll(async () => {
  await generateDemoWarehouse({ accounts: 90, eventsPerAccount: 1200, seed: 11, outDir: data });
  [whole, wholeRun] = await score(1_000_000, OUTPUTS.whole);
  // about a quarter of the contacts per batch
  const contacts = (await whole.one<{ n: number }>("select count(*)::integer as n from stg_contacts"))!.n;
  [batched, batchedRun] = await score(Math.ceil(contacts / 4), OUTPUTS.batched);
  for (const table of COMPARED) {
    await whole.run(`copy (select * from ${table}) to ${literal(path.join(root, `${table}.parquet`))} (format parquet)`);
  }
}, 240_000);
afterAll(() => {
  whole?.close();
  batched?.close();
});

describe("scoring in account batches", () => {
  it("splits the accounts into contiguous ranges within the contact budget", async () => {
    expect(wholeRun.batches).toBe(1);
    expect(batchedRun.batches).toBeGreaterThanOrEqual(4);
    const contacts = (await batched.one<{ n: number }>("select count(*)::integer as n from stg_contacts"))!.n;
    const plan = await planAccountBatches(batched, Math.ceil(contacts / 4));
    expect(plan.reduce((sum, b) => sum + b.accounts, 0)).toBe(90);
    expect(plan.reduce((sum, b) => sum + b.contacts, 0)).toBe(contacts);
    for (const [i, b] of plan.entries()) {
      expect(b.first <= b.last).toBe(true);
      if (i > 0) expect(plan[i - 1]!.last < b.first).toBe(true);
    }
  });

  it.each(COMPARED)("builds %s with the same rows as scoring all accounts at once", async (table) => {
    const file = literal(path.join(root, `${table}.parquet`));
    const counts = await batched.one<{ whole: number; batched: number; only_whole: number; only_batched: number; out_of_order: number }>(`
      with w as (select row_number() over () as position, * from read_parquet(${file})),
           b as (select row_number() over () as position, * from ${table})
      select
        (select count(*) from w)::integer as whole,
        (select count(*) from b)::integer as batched,
        (select count(*) from (select * exclude (position) from w except all select * exclude (position) from b))::integer as only_whole,
        (select count(*) from (select * exclude (position) from b except all select * exclude (position) from w))::integer as only_batched,
        (select count(*) from (select * from w except all select * from b))::integer as out_of_order`);
    const { whole, batched: rows, only_whole, only_batched, out_of_order } = counts!;
    expect(whole).toBeGreaterThan(0);
    expect({ rows, only_whole, only_batched }).toEqual({ rows: whole, only_whole: 0, only_batched: 0 });
    // the weekly history is built ordered by account and week, and batches keep that order
    if (table === "account_health_weekly") expect(out_of_order).toBe(0);
  });

  it.each(HEALTH_OUTPUTS)("writes %s.parquet with the same rows in the same order, without sorting the book", async (name) => {
    const [w, b] = [OUTPUTS.whole, OUTPUTS.batched].map((dir) => literal(path.join(dir, `${name}.parquet`)));
    const counts = await batched.one<{ whole: number; differing: number }>(`
      with w as (select row_number() over () as position, * from read_parquet(${w})),
           b as (select row_number() over () as position, * from read_parquet(${b}))
      select (select count(*) from w)::integer as whole,
             (select count(*) from (select * from w except all select * from b union all (select * from b except all select * from w)))::integer as differing`);
    expect(counts!.whole).toBeGreaterThan(0);
    expect(counts!.differing).toBe(0);
    // and that order is the file's key order
    const key = OUTPUT_KEYS[name].map((column) => `coalesce(${column}::varchar, '')`).join(" || '|' || ");
    const unsorted = await batched.one<{ n: number }>(`
      select count(*)::integer as n from (
        select ${key} as k, lag(${key}) over (order by position) as previous
        from (select row_number() over () as position, * from read_parquet(${b})))
      where k < previous`);
    expect(unsorted!.n).toBe(0);
  });

  it("keeps a batched book's tables as Parquet on disk, in a scratch folder removed on close", async () => {
    const kept = await batched.all<{ name: string; sql: string }>(
      "select view_name as name, sql from duckdb_views() where schema_name = 'main' and view_name in ('account_measures_weekly', 'int_measure_scores', 'alerts')",
    );
    expect(kept.map((v) => v.name).sort()).toEqual(["account_measures_weekly", "alerts", "int_measure_scores"]);
    for (const view of kept) expect(view.sql).toContain("read_parquet");
    const inMemory = await batched.one<{ n: number }>(
      "select count(*)::integer as n from duckdb_tables() where table_name in ('account_measures_weekly', 'int_measure_scores', 'alerts')",
    );
    expect(inMemory!.n).toBe(0);
    const scratch = await batched.scratchDirectory();
    expect(readdirSync(path.join(scratch, "account_measures_weekly")).length).toBe(batchedRun.batches);
    const other = await Database.open();
    const otherScratch = await other.scratchDirectory();
    expect(otherScratch).not.toBe(scratch);
    other.close();
    expect(existsSync(otherScratch)).toBe(false);
    expect(existsSync(scratch)).toBe(true);
  });

  it("backtests a batched book as the whole one, its alerts' precision and lead times included", async () => {
    const wholeReport = await buildBacktest(whole, wholeRun, BACKTEST_DEFAULTS);
    const batchedReport = await buildBacktest(batched, batchedRun, BACKTEST_DEFAULTS);
    // the batched book's alerts are a view over the batches' Parquet: they count as alerts
    expect(batchedReport.alerts_available).toBe(true);
    expect(wholeReport.alert_kinds!.length).toBeGreaterThan(1);
    expect(batchedReport.alert_kinds).toEqual(wholeReport.alert_kinds);
    expect(batchedReport.overall.alert_lead_time).toEqual(wholeReport.overall.alert_lead_time);
    expect(batchedReport.overall.auc).toEqual(wholeReport.overall.auc);
  });

  it("keeps no per-contact weekly history after scoring", async () => {
    for (const db of [whole, batched]) {
      const left = await db.one<{ n: number }>(
        "select count(*)::integer as n from information_schema.tables where table_name = 'int_contact_weeks' or table_schema = 'account_batch'",
      );
      expect(left!.n).toBe(0);
    }
  });

  it("refuses a batch size that is not a positive integer, naming the variable", async () => {
    process.env.HEALTH_CONTACTS_PER_BATCH = "lots";
    try {
      await expect(scoreDir(data, formula)).rejects.toThrow('HEALTH_CONTACTS_PER_BATCH must be a positive integer, got "lots"');
    } finally {
      delete process.env.HEALTH_CONTACTS_PER_BATCH;
    }
  });
});
