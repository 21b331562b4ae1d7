import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database } from "../../src/db/duckdb.ts";

// A table larger than the memory limit: DuckDB keeps its blocks in the spill file.
const SPILLING = "create table t as select range as i, md5(range::varchar) as s from range(2000000)";
const CHECKSUM = "select count(distinct s)::integer as n, sum(i)::double as total from t";

describe("DuckDB's spill folder", () => {
  const bases: string[] = [];
  const base = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spill-test-"));
    bases.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of bases.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("is a folder of each database's own, so two runs spilling in one place keep their own data", async () => {
    const dir = base();
    const a = await Database.open({ memoryLimit: "64MB", threads: 1, tempDirectory: dir });
    const b = await Database.open({ memoryLimit: "64MB", threads: 1, tempDirectory: dir });
    try {
      const folder = async (db: Database) => (await db.one<{ dir: string }>("select current_setting('temp_directory') as dir"))!.dir;
      const [fa, fb] = [await folder(a), await folder(b)];
      expect(fa).not.toBe(fb);
      expect(path.dirname(fa)).toBe(dir);
      await Promise.all([a.run(SPILLING), b.run(SPILLING)]);
      for (const db of [a, b]) {
        const spilled = await db.one<{ n: number }>("select count(*)::integer as n from duckdb_temporary_files()");
        expect(spilled!.n).toBeGreaterThan(0);
      }
      // each reads back what it wrote, not the other's blocks
      for (const db of [a, b]) expect(await db.one(CHECKSUM)).toEqual({ n: 2_000_000, total: 1999999000000 });
      expect(readdirSync(fa).length).toBeGreaterThan(0);
    } finally {
      a.close();
      b.close();
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it("removes the spill folders of processes that are gone, and keeps those of running ones", async () => {
    const dir = base();
    const gone = path.join(dir, "health-spill-999999999-abcdef");
    const running = path.join(dir, `health-spill-${process.pid}-abcdef`);
    const other = path.join(dir, "not-ours");
    for (const folder of [gone, running, other]) mkdirSync(folder);
    const db = await Database.open({ tempDirectory: dir });
    db.close();
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
