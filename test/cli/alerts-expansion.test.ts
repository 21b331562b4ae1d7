/** `health alerts` and `health expansion`: what they print, what they publish, what they refuse. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { ALERT_EXPORT, alertWarehouse, weekEnd } from "../helpers/alert-warehouse.ts";
import { expansionWarehouse } from "../helpers/expansion-warehouse.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

const root = tempDir();
const alertData = writeCsvWarehouse(path.join(root, "alerts"), alertWarehouse(), ALERT_EXPORT);

async function health(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([...args, "-q"], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe("health alerts", () => {
  it("prints the CSV it publishes as alerts.csv, with alerts.parquet beside it", async () => {
    const out = path.join(root, "out-csv");
    const run = await health("alerts", "--data", alertData, "--out", out, "--format", "csv");
    expect(run.code).toBe(0);
    expect(run.out).toBe(readFileSync(path.join(out, "alerts.csv"), "utf8"));
    expect(readdirSync(out).sort()).toEqual([
      ".health-run.json",
      "account_health_weekly.parquet",
      "account_measures_weekly.parquet",
      "accounts.parquet",
      "alerts.csv",
      "alerts.parquet",
      "health_summary.json",
      "user_health.parquet",
    ]);
    const lines = run.out.trim().split("\n");
    expect(lines[0]).toMatch(/^alert_id,account_id,account_name,kind,severity,raised_week_end,/);
    const parquetRows = await withDatabase((db) =>
      db.one<{ n: number }>(`select count(*)::integer as n from read_parquet('${out}/alerts.parquet')`),
    );
    expect(lines.length - 1).toBe(parquetRows!.n);
    // drivers are one cell, "a; b", for a CRM
    // (the default formula's trend measures are net of the book since scores were ranked against it)
    expect(run.out).toContain(",usage_vs_baseline_26w_net; usage_trend_4w_net; usage_trend_8w_net,adoption,");
  });

  it("filters with --since and --open, newest first, and prints JSON with the drivers as a list", async () => {
    const since = weekEnd(12);
    const run = await health(
      "alerts",
      "--data",
      alertData,
      "--out",
      path.join(root, "out-json"),
      "--since",
      since,
      "--open",
      "--format",
      "json",
    );
    expect(run.code).toBe(0);
    const alerts = JSON.parse(run.out) as { raised_week_end: string; is_open: boolean; drivers: string[]; account_id: string }[];
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.raised_week_end >= since && a.is_open && Array.isArray(a.drivers))).toBe(true);
    const raised = alerts.map((a) => a.raised_week_end);
    expect(raised).toEqual([...raised].sort().reverse());
    expect(alerts.map((a) => a.account_id)).toContain("GONE_CHAMPION");
  });

  it("reads as a to-do list in text", async () => {
    const run = await health("alerts", "--data", alertData, "--out", path.join(root, "out-text"), "--since", weekEnd(12));
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      new RegExp(`^Alerts raised since ${weekEnd(12)}: \\d+ alerts, \\d+ still open\\.\n\nRaised in the week ending ${weekEnd(24)}\n`),
    );
    expect(run.out).toContain("  HIGH   key_person    GONE_CHAMPION (GONE_CHAMPION)  ARR 6,000  renewal 2026-01-01 (276 days)  score ");
    expect(run.out).toContain(
      "         no champion since the last one left on 2025-03-26\n         playbook (category:stakeholders): Realign executives.",
    );
  });

  it("refuses a bad date or an unexpected argument with exit code 2", async () => {
    for (const [args, message] of [
      [["--since", "2025-02-30"], '--since must be a date YYYY-MM-DD, got "2025-02-30"'],
      [["--since", "last week"], '--since must be a date YYYY-MM-DD, got "last week"'],
      [["ACME"], 'unexpected argument "ACME"'],
    ] as const) {
      const run = await health("alerts", "--data", alertData, ...args);
      expect(run.code).toBe(2);
      expect(run.err).toContain(message);
    }
  });
});

describe("health expansion", () => {
  it("prints the ranked list it publishes as expansion.csv", async () => {
    const data = writeCsvWarehouse(path.join(root, "expansion"), expansionWarehouse(), ALERT_EXPORT);
    const out = path.join(root, "out-expansion");
    const csv = await health("expansion", "--data", data, "--out", out, "--format", "csv");
    expect(csv.code).toBe(0);
    expect(csv.out).toBe(readFileSync(path.join(out, "expansion.csv"), "utf8"));
    expect(csv.out.split("\n")[1]).toMatch(
      /^1,NEAR_CAP_BIG,NEAR_CAP_BIG,mid_market,growth,Kim,20000,20,19,[\d.]+,healthy,0\.95,[\d.]+,0,0,,,19 of 20 seats used \(95%\); active users \+36% over 8 weeks,7,7000,0,7000,2025-06-29,/,
    );
    expect(readdirSync(out)).toContain("expansion.parquet");
    expect(readdirSync(out)).toContain("alerts.parquet");
  });
});
