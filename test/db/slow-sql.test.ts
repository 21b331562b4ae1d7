// HEALTH_SLOW_SQL: statements slower than the threshold are named on stderr, the others are not.
import { afterEach, expect, it, vi } from "vitest";
import { Database } from "../../src/db/duckdb.ts";

let db: Database | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

it("writes each statement over HEALTH_SLOW_SQL seconds to stderr with its time and SQL, comments left out", async () => {
  db = await Database.open();
  const written: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const slow = "select sum(range) as s -- the sum\nfrom range(20000000)";
  vi.stubEnv("HEALTH_SLOW_SQL", "1000");
  await db.all(slow);
  expect(written).toEqual([]);
  vi.stubEnv("HEALTH_SLOW_SQL", "0");
  await db.all(slow);
  await db.run("create table t as select 1 as x");
  expect(written).toHaveLength(2);
  expect(written[0]).toMatch(/^\[sql \d+\.\d\ds\] select sum\(range\) as s from range\(20000000\)\n$/);
  expect(written[1]).toMatch(/^\[sql \d+\.\d\ds\] create table t as select 1 as x\n$/);
  vi.stubEnv("HEALTH_SLOW_SQL", "");
  await db.all(slow);
  expect(written).toHaveLength(2);
});
