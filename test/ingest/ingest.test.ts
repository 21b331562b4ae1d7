import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { ingest } from "../../src/ingest/ingest.ts";
import { formatProblem, ValidationError, type Problem } from "../../src/ingest/problems.ts";
import { tempDir, tinyWarehouse, toCsv, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir();
let counter = 0;

/** Writes a variant of the tiny warehouse and returns its directory. */
function warehouse(change: (tables: Tables) => void = () => {}): string {
  const tables = tinyWarehouse();
  change(tables);
  return writeCsvWarehouse(path.join(root, `w${counter++}`), tables);
}

/** Ingests and returns the errors it threw (empty when it passed). */
async function errorsOf(dir: string): Promise<Problem[]> {
  try {
    await withDatabase((db) => ingest(db, dir));
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
}

describe("ingest of a valid warehouse", () => {
  it("stages every table, counts rows and reports soft problems as warnings", async () => {
    const dir = warehouse();
    const result = await withDatabase(async (db) => {
      const r = await ingest(db, dir);
      const staged = await db.one<{ n: number; arr: number }>("select count(*)::integer as n, sum(arr) as arr from stg_accounts");
      const weekly = await db.one<{ events: number }>("select sum(event_count)::integer as events from int_usage_weekly");
      const present = await db.all<{ table_name: string }>("select table_name from source_tables where not is_present");
      return { r, staged, weekly, present };
    });
    expect(result.staged).toEqual({ n: 3, arr: 34800 });
    expect(result.weekly?.events).toBe(tinyWarehouse().usage_events!.length);
    expect(result.present.map((p) => p.table_name)).toEqual(["usage_daily", "churn_events"]);
    expect(result.r.exportedAt.toISOString()).toBe("2025-07-07T00:00:00.000Z");
    expect(result.r.tables.find((t) => t.table === "usage_events")).toMatchObject({ present: true, rows: 25, format: "csv" });
    const idle = result.r.warnings.find((w) => w.table === "contacts");
    expect(idle?.keys).toEqual(["C2", "C6"]);
  });

  it("keeps names with markup and quotes as plain text", async () => {
    const dir = warehouse();
    const names = await withDatabase(async (db) => {
      await ingest(db, dir);
      return db.all<{ account_name: string }>("select account_name from stg_accounts order by account_id");
    });
    expect(names[0]!.account_name).toBe("Acme & Co <b>bold</b>");
  });
});

describe("each bad input is refused with file, column and rows", () => {
  it("required table missing", async () => {
    const dir = warehouse((t) => delete (t as Partial<Tables>).accounts);
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "missing_table", table: "accounts" });
    expect(formatProblem(problem!)).toContain("accounts.csv");
  });

  it("neither usage_events nor usage_daily", async () => {
    const dir = warehouse((t) => delete (t as Partial<Tables>).usage_events);
    const problems = await errorsOf(dir);
    expect(problems.map((p) => p.message).join()).toContain("one of usage_events or usage_daily is required");
  });

  it("column missing", async () => {
    const dir = warehouse((t) => t.accounts!.forEach((r) => delete r.arr));
    const problems = await errorsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: "missing_column", column: "arr", file: path.join(dir, "accounts.csv") });
  });

  it("column with a different case is named in the hint", async () => {
    const dir = warehouse((t) =>
      t.accounts!.forEach((r) => {
        r.Seats_Purchased = r.seats_purchased!;
        delete r.seats_purchased;
      }),
    );
    const [problem] = await errorsOf(dir);
    expect(problem!.message).toContain('found "Seats_Purchased"');
  });

  it("wrong type, with the offending rows and values", async () => {
    const dir = warehouse((t) => {
      t.accounts![1]!.arr = "lots";
      t.accounts![2]!.seats_purchased = 2.5;
    });
    const problems = await errorsOf(dir);
    const arr = problems.find((p) => p.column === "arr");
    expect(arr).toMatchObject({ rule: "wrong_type", rows: [2], file: path.join(dir, "accounts.csv") });
    expect(arr!.message).toContain('"lots"');
    expect(problems.find((p) => p.column === "seats_purchased")).toMatchObject({ rule: "wrong_type", rows: [3] });
  });

  it("bad timestamp text", async () => {
    const dir = warehouse((t) => (t.usage_events![4]!.occurred_at = "yesterday"));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "wrong_type", column: "occurred_at", rows: [5] });
  });

  it("null in a required field", async () => {
    const dir = warehouse((t) => (t.contacts![3]!.joined_at = null));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "null_value", column: "joined_at", rows: [4], keys: ["C4"] });
  });

  it("duplicate key", async () => {
    const dir = warehouse((t) => t.accounts!.push({ ...t.accounts![0]! }));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "duplicate_key", column: "account_id", keys: ["ACME"], rows: [1, 4] });
  });

  it("duplicate composite key", async () => {
    const dir = warehouse((t) => t.onboarding_status_updates!.push({ ...t.onboarding_status_updates![1]! }));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "duplicate_key", column: "project_id, updated_at", rows: [2, 3] });
  });

  it("orphan foreign keys: usage for an unknown account and an unknown contact", async () => {
    const dir = warehouse((t) => {
      t.usage_events![0]!.account_id = "NOPE";
      t.usage_events![1]!.contact_id = "C99";
    });
    const problems = await errorsOf(dir);
    expect(problems.find((p) => p.column === "account_id")).toMatchObject({ rule: "orphan_key", keys: ["NOPE"], rows: [1] });
    expect(problems.find((p) => p.column === "contact_id" && p.keys?.includes("C99"))).toMatchObject({ rule: "orphan_key", rows: [2] });
  });

  it("a contact filed under another account", async () => {
    const dir = warehouse((t) => (t.usage_events![2]!.contact_id = "C1"));
    const problems = await errorsOf(dir);
    expect(problems).toEqual([expect.objectContaining({ rule: "orphan_key", column: "contact_id", rows: [3] })]);
    expect(problems[0]!.message).toContain("different account");
  });

  it("values out of range: NPS 11, negative ARR, severity P7", async () => {
    const dir = warehouse((t) => {
      t.survey_responses![0]!.nps = 11;
      t.accounts![0]!.arr = -5;
      t.support_tickets![1]!.severity = "P7";
    });
    const problems = await errorsOf(dir);
    expect(problems.find((p) => p.column === "nps")).toMatchObject({ rule: "out_of_range", rows: [1], keys: ["S1"] });
    expect(problems.find((p) => p.column === "arr")).toMatchObject({ rule: "out_of_range", rows: [1], keys: ["ACME"] });
    const severity = problems.find((p) => p.column === "severity");
    expect(severity).toMatchObject({ rule: "out_of_range", rows: [2], keys: ["T2"] });
    expect(severity!.message).toContain("P0, P1, P2, P3");
    expect(severity!.message).toContain('"P7"');
  });

  it("timestamp after the export date, but planned dates may be in the future", async () => {
    const dir = warehouse((t) => {
      t.support_tickets![0]!.opened_at = "2025-08-01T00:00:00Z";
      t.support_tickets![0]!.closed_at = "2025-08-02T00:00:00Z";
      t.accounts![1]!.renewal_date = "2027-01-01";
    });
    const problems = await errorsOf(dir);
    expect(problems.map((p) => [p.rule, p.column])).toEqual([
      ["after_export", "opened_at"],
      ["after_export", "closed_at"],
    ]);
    expect(problems[0]!.message).toContain("2025-07-07");
  });

  it("a cross-column rule: closed before opened", async () => {
    const dir = warehouse((t) => (t.support_tickets![0]!.closed_at = "2025-03-01T00:00:00Z"));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "rule", column: "closed_at", keys: ["T1"] });
  });

  it("empty file, unreadable file and header-only required table", async () => {
    const empty = warehouse();
    writeFileSync(path.join(empty, "trainings.csv"), "");
    expect(await errorsOf(empty)).toEqual([expect.objectContaining({ rule: "empty_file", file: path.join(empty, "trainings.csv") })]);

    const garbage = warehouse((t) => delete (t as Partial<Tables>).trainings);
    writeFileSync(path.join(garbage, "trainings.parquet"), "this is not parquet");
    expect(await errorsOf(garbage)).toEqual([
      expect.objectContaining({ rule: "unreadable_file", file: path.join(garbage, "trainings.parquet") }),
    ]);

    const headerOnly = warehouse();
    writeFileSync(path.join(headerOnly, "accounts.csv"), `${readFileSync(path.join(headerOnly, "accounts.csv"), "utf8").split("\n")[0]}\n`);
    const problems = await errorsOf(headerOnly);
    expect(problems[0]).toMatchObject({ rule: "no_rows", table: "accounts" });
  });

  it("a malformed export.json", async () => {
    const dir = warehouse();
    writeFileSync(path.join(dir, "export.json"), JSON.stringify({ exported_at: "last tuesday" }));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "bad_export_metadata", column: "exported_at", file: path.join(dir, "export.json") });
  });

  it("a missing data directory", async () => {
    const [problem] = await errorsOf(path.join(root, "does-not-exist"));
    expect(problem).toMatchObject({ rule: "missing_directory" });
  });
});

describe("input forms", () => {
  it("CSV and Parquet give the same staged tables", async () => {
    const csvDir = warehouse();
    const parquetDir = path.join(root, `parquet${counter++}`);
    mkdirSync(parquetDir);
    copyFileSync(path.join(csvDir, "export.json"), path.join(parquetDir, "export.json"));
    const tables = Object.keys(tinyWarehouse());
    const fromCsv = await withDatabase(async (db) => {
      await ingest(db, csvDir);
      const out: Record<string, unknown[]> = {};
      for (const name of tables) {
        // Write each staged table as Parquet with the contract's types, as a warehouse would.
        await db.run(
          `copy (select * exclude (_source_file, _source_row) from stg_${name}) to '${path.join(parquetDir, `${name}.parquet`)}' (format parquet)`,
        );
        out[name] = await db.all(`select * exclude (_source_file, _source_row) from stg_${name} order by all`);
      }
      return out;
    });
    const fromParquet = await withDatabase(async (db) => {
      const result = await ingest(db, parquetDir);
      expect(result.tables.filter((t) => t.present).every((t) => t.format === "parquet")).toBe(true);
      const out: Record<string, unknown[]> = {};
      for (const name of tables) out[name] = await db.all(`select * exclude (_source_file, _source_row) from stg_${name} order by all`);
      return out;
    });
    expect(fromParquet).toEqual(fromCsv);
  });

  it("gzip CSV, a folder of parts, and the daily-aggregate usage form", async () => {
    const tables = tinyWarehouse();
    const dir = path.join(root, `forms${counter++}`);
    const { usage_events, support_tickets, ...rest } = tables;
    writeCsvWarehouse(dir, rest);
    writeFileSync(path.join(dir, "support_tickets.csv.gz"), gzipSync(toCsv(support_tickets!)));
    mkdirSync(path.join(dir, "usage_events"));
    writeFileSync(path.join(dir, "usage_events", "part-1.csv"), toCsv(usage_events!.slice(0, 10)));
    writeFileSync(path.join(dir, "usage_events", "part-2.csv"), toCsv(usage_events!.slice(10)));
    writeFileSync(
      path.join(dir, "usage_daily.csv"),
      toCsv([{ usage_date: "2025-06-30", account_id: "GLOBEX", contact_id: "C4", feature: "dashboards", event_count: 7, quantity: null }]),
    );
    const totals = await withDatabase(async (db) => {
      const result = await ingest(db, dir);
      expect(result.tables.find((t) => t.table === "usage_events")).toMatchObject({ files: 2, rows: usage_events!.length });
      expect(result.tables.find((t) => t.table === "support_tickets")).toMatchObject({ rows: 2 });
      return db.one<{ events: number; quantity: number }>(
        "select sum(event_count)::integer as events, sum(quantity) as quantity from int_usage_weekly where account_id = 'GLOBEX'",
      );
    });
    const globexEvents = usage_events!.filter((e) => e.account_id === "GLOBEX");
    expect(totals).toEqual({ events: globexEvents.length + 7, quantity: globexEvents.length + 7 });
  });

  it("a row number in a second part file counts from that file's first row", async () => {
    const tables = tinyWarehouse();
    const dir = path.join(root, `parts${counter++}`);
    const { usage_events, ...rest } = tables;
    writeCsvWarehouse(dir, rest);
    usage_events![13]!.feature = null;
    mkdirSync(path.join(dir, "usage_events"));
    writeFileSync(path.join(dir, "usage_events", "a.csv"), toCsv(usage_events!.slice(0, 10)));
    writeFileSync(path.join(dir, "usage_events", "b.csv"), toCsv(usage_events!.slice(10)));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "null_value", column: "feature", file: path.join(dir, "usage_events", "b.csv"), rows: [4] });
  });
});

describe("health check", () => {
  it("prints a per-table summary and exits 0", async () => {
    const dir = warehouse();
    let out = "";
    const code = await main(["check", "--data", dir, "--format", "json", "--quiet"], { stdout: (t) => (out += t), stderr: () => {} });
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.tables.find((t: { table: string }) => t.table === "accounts")).toMatchObject({ status: "ok", rows: 3 });
    expect(report.exported_at).toBe("2025-07-07T00:00:00.000Z");
  });

  it("exits 3 with the file and column on stderr", async () => {
    const dir = warehouse((t) => (t.survey_responses![1]!.ces = 9));
    let err = "";
    const code = await main(["check", "--data", dir, "--quiet"], { stdout: () => {}, stderr: (t) => (err += t) });
    expect(code).toBe(3);
    expect(err).toContain(`${path.join(dir, "survey_responses.csv")}: column "ces": value above the maximum 7`);
    expect(err).toContain("row 2");
  });

  it("exits 2 on an unknown option", async () => {
    let err = "";
    const code = await main(["check", "--bogus"], { stdout: () => {}, stderr: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toContain("bogus");
  });
});
