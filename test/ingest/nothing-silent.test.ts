/**
 * Bad inputs that used to pass the check, or were refused with a misleading message: each is
 * refused (or warned about) naming the file, the column, the rows and DuckDB's or zlib's own reason.
 */
import { symlinkSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withDatabase } from "../../src/db/duckdb.ts";
import { EXPORT_DATE_TOLERANCE_DAYS, ingest, type IngestResult } from "../../src/ingest/ingest.ts";
import { formatProblem, ValidationError, type Problem } from "../../src/ingest/problems.ts";
import { tempDir, tinyWarehouse, toCsv, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir();
let counter = 0;

function warehouse(change: (tables: Tables) => void = () => {}, exportedAt?: string | null): string {
  const tables = tinyWarehouse();
  change(tables);
  return writeCsvWarehouse(path.join(root, `w${counter++}`), tables, exportedAt === undefined ? undefined : exportedAt);
}

async function outcome(dir: string, now?: Date): Promise<{ result?: IngestResult; errors: Problem[] }> {
  try {
    return { result: await withDatabase((db) => ingest(db, dir, { now })), errors: [] };
  } catch (error) {
    if (error instanceof ValidationError) return { errors: error.problems };
    throw error;
  }
}

describe("non-finite numbers and blank text", () => {
  it("refuses NaN and ±Infinity in a numeric column, with file, column and rows", async () => {
    const dir = warehouse((t) => {
      t.accounts![0]!.arr = "NaN";
      t.accounts![2]!.arr = "Infinity";
      t.usage_events![0]!.quantity = "-inf";
    });
    const { errors } = await outcome(dir);
    const arr = errors.find((p) => p.column === "arr");
    expect(arr).toMatchObject({ rule: "not_finite", file: path.join(dir, "accounts.csv"), rows: [1, 3], count: 2 });
    expect(formatProblem(arr!)).toContain("not a finite number");
    // NaN sorts above every number: it must not also be reported as "above the maximum"
    expect(errors.filter((p) => p.column === "arr")).toHaveLength(1);
    expect(errors.find((p) => p.column === "quantity")).toMatchObject({
      rule: "not_finite",
      file: path.join(dir, "usage_events.csv"),
      rows: [1],
    });
  });

  it("refuses a required text value that is empty or only white space, and prints keys quoted", async () => {
    const dir = warehouse((t) => {
      t.accounts![1]!.account_name = "   ";
      t.accounts![0]!.segment = "\t ";
    });
    const { errors } = await outcome(dir);
    const name = errors.find((p) => p.column === "account_name");
    expect(name).toMatchObject({ rule: "blank_value", file: path.join(dir, "accounts.csv"), rows: [2], keys: ["GLOBEX"] });
    expect(formatProblem(name!)).toContain('key "GLOBEX"');
    expect(errors.find((p) => p.column === "segment")).toMatchObject({ rule: "blank_value", rows: [1], keys: ["ACME"] });
  });

  it("a key with a trailing space is printed so the space shows", async () => {
    const dir = warehouse((t) => (t.usage_events![0]!.account_id = "ACME "));
    const { errors } = await outcome(dir);
    const orphan = errors.find((p) => p.rule === "orphan_key" && p.column === "account_id");
    expect(orphan?.keys).toEqual(["ACME "]);
    expect(formatProblem(orphan!)).toContain('key "ACME "');
  });
});

describe("export.json", () => {
  it("missing: a warning that names the export date used", async () => {
    const dir = warehouse(() => {}, null);
    const { result } = await outcome(dir, new Date("2025-07-07T12:00:00Z"));
    expect(result?.exportedAtSource).toBe("clock");
    const warning = result!.warnings.find((w) => w.rule === "missing_export_metadata");
    expect(warning).toBeDefined();
    expect(formatProblem(warning!)).toContain("2025-07-07T12:00:00.000Z");
    expect(warning!.file).toBe(path.join(dir, "export.json"));
  });

  it("missing, with the clock far past the data: an error naming both dates", async () => {
    const dir = warehouse(() => {}, null);
    const { errors } = await outcome(dir, new Date("2026-12-01T00:00:00Z"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: "export_date_after_data" });
    expect(errors[0]!.message).toContain("2026-12-01T00:00:00.000Z");
    expect(errors[0]!.message).toContain("2025-06-30");
    expect(errors[0]!.message).toContain("no export.json");
  });

  it("an exported_at years after the newest data is an error naming both dates", async () => {
    const dir = warehouse(() => {}, "2029-01-01T00:00:00Z");
    const { errors } = await outcome(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: "export_date_after_data", column: "exported_at", file: path.join(dir, "export.json") });
    expect(errors[0]!.message).toMatch(/2029-01-01T00:00:00\.000Z .*2025-06-30T/);
    expect(errors[0]!.message).toContain(`${EXPORT_DATE_TOLERANCE_DAYS} days`);
  });

  it("an exported_at within the tolerance of the newest data passes", async () => {
    // newest usage 2025-06-30 09:00; 27 days later
    const { errors } = await outcome(warehouse(() => {}, "2025-07-27T00:00:00Z"));
    expect(errors).toEqual([]);
  });

  it("a date-only exported_at is midnight UTC", async () => {
    const { result, errors } = await outcome(warehouse(() => {}, "2025-07-07"));
    expect(errors).toEqual([]);
    expect(result!.exportedAt.toISOString()).toBe("2025-07-07T00:00:00.000Z");
    expect(result!.exportedAtSource).toBe("export.json");
  });
});

describe("files DuckDB or zlib cannot read keep their reason", () => {
  it("a Latin-1 CSV: DuckDB's 'not utf-8 encoded'", async () => {
    const dir = warehouse();
    const csv = toCsv(tinyWarehouse().accounts!).replace("Globex", "Glöbex");
    writeFileSync(path.join(dir, "accounts.csv"), Buffer.from(csv, "latin1"));
    const { errors } = await outcome(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: "unreadable_file", file: path.join(dir, "accounts.csv") });
    expect(errors[0]!.message).toContain("not utf-8 encoded");
  });

  it("a truncated gzip: zlib's reason, not a missing column per contract column", async () => {
    const dir = warehouse((t) => delete (t as Partial<Tables>).support_tickets);
    const whole = gzipSync(toCsv(tinyWarehouse().support_tickets!));
    writeFileSync(path.join(dir, "support_tickets.csv.gz"), whole.subarray(0, Math.floor(whole.length / 2)));
    const { errors } = await outcome(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: "unreadable_file", file: path.join(dir, "support_tickets.csv.gz") });
    expect(errors[0]!.message).toContain("unexpected end of file");
  });

  it("a 3 MB field: DuckDB's maximum line size, without echoing the line or a wrong line number", async () => {
    const dir = warehouse((t) => (t.accounts![2]!.churn_reason = "x".repeat(3_000_000)));
    const { errors } = await outcome(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: "unreadable_file", file: path.join(dir, "accounts.csv") });
    expect(errors[0]!.message).toContain("Maximum line size of 2000000 bytes exceeded");
    expect(errors[0]!.message).not.toMatch(/Line: 1\b/);
    expect(errors[0]!.message.length).toBeLessThan(500);
  });

  it("a dangling symbolic link in the data folder: named, with its target", async () => {
    const dir = warehouse();
    symlinkSync(path.join(root, "gone.csv"), path.join(dir, "usage_events-2.csv"));
    const { errors } = await outcome(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: "unreadable_file", table: "usage_events", file: path.join(dir, "usage_events-2.csv") });
    expect(errors[0]!.message).toContain(`symbolic link to ${path.join(root, "gone.csv")}, which does not exist`);
  });
});
