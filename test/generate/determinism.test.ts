import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, literal } from "../../src/db/duckdb.ts";
import { generateDemoWarehouse, type GenerateOptions } from "../../src/generate/demo-warehouse.ts";

/** Small and quick, yet with every table populated. */
const SMALL: Omit<GenerateOptions, "outDir"> = { accounts: 40, weeks: 30, eventsPerAccount: 1500, seed: 11 };

function fingerprints(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash("sha256").update(readFileSync(file)).digest("hex");
  }
  return out;
}

describe("generateDemoWarehouse output", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "gen-determinism-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is byte-identical for the same seed and options, and different for another seed", async () => {
    const a = path.join(root, "a");
    const b = path.join(root, "b");
    const c = path.join(root, "c");
    const summary = await generateDemoWarehouse({ ...SMALL, outDir: a });
    await generateDemoWarehouse({ ...SMALL, outDir: b });
    await generateDemoWarehouse({ ...SMALL, seed: 12, outDir: c });

    const fa = fingerprints(a);
    expect(Object.keys(fa).sort()).toEqual([...summary.files].sort());
    expect(summary.usageEvents).toBeGreaterThan(10_000);
    expect(fingerprints(b)).toEqual(fa);

    const fc = fingerprints(c);
    for (const file of ["accounts.csv", "contacts.csv", "usage_events.parquet", "support_tickets.csv", "_answers/scenarios.csv"]) {
      expect(fc[file], file).not.toBe(fa[file]);
    }
    // The calendar does not depend on the seed.
    expect(fc["export.json"]).toBe(fa["export.json"]);
  });

  it("writes the same rows in the same order whatever DuckDB's thread count", async () => {
    // Parquet row-group boundaries may follow the thread count; the rows and their order must not.
    const many = path.join(root, "threads-default");
    const one = path.join(root, "threads-one");
    await generateDemoWarehouse({ ...SMALL, outDir: many });
    const previous = process.env.HEALTH_DUCKDB_THREADS;
    process.env.HEALTH_DUCKDB_THREADS = "1";
    try {
      await generateDemoWarehouse({ ...SMALL, outDir: one });
    } finally {
      if (previous === undefined) delete process.env.HEALTH_DUCKDB_THREADS;
      else process.env.HEALTH_DUCKDB_THREADS = previous;
    }
    const a = fingerprints(many);
    const b = fingerprints(one);
    for (const file of Object.keys(a).filter((f) => !f.endsWith(".parquet"))) expect(b[file], file).toBe(a[file]);
    const db = await Database.open();
    try {
      const numbered = (dir: string) =>
        `select *, row_number() over () as position from read_parquet(${literal(path.join(dir, "usage_events.parquet"))})`;
      const diff = await db.one<{ n: number }>(`select count(*)::integer as n from ((${numbered(many)}) except all (${numbered(one)}))`);
      expect(diff!.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it("refuses to overwrite a non-empty directory that is not a generated warehouse", async () => {
    const dir = path.join(root, "user-data");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "precious.txt"), "keep me");
    await expect(generateDemoWarehouse({ ...SMALL, outDir: dir })).rejects.toThrow(/refusing to overwrite/);
    expect(readdirSync(dir)).toEqual(["precious.txt"]);
  });

  it("replaces a previous warehouse and leaves no staging directories behind", async () => {
    const parent = path.join(root, "replace");
    const dir = path.join(parent, "wh");
    await generateDemoWarehouse({ ...SMALL, outDir: dir });
    writeFileSync(path.join(dir, "stale.csv"), "old");
    await generateDemoWarehouse({ ...SMALL, seed: 12, outDir: dir });
    expect(existsSync(path.join(dir, "stale.csv"))).toBe(false);
    expect(readdirSync(parent)).toEqual(["wh"]);
  });

  it("keeps the previous warehouse when a run fails part-way", async () => {
    const parent = path.join(root, "failing");
    const dir = path.join(parent, "wh");
    await generateDemoWarehouse({ ...SMALL, outDir: dir });
    const before = fingerprints(dir);
    const failing = generateDemoWarehouse({
      ...SMALL,
      seed: 99,
      outDir: dir,
      onProgress: (message) => {
        if (message.startsWith("contacts")) throw new Error("interrupted");
      },
    });
    await expect(failing).rejects.toThrow("interrupted");
    expect(fingerprints(dir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(["wh"]);
  });
});
