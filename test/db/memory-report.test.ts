/** What an out-of-memory error and HEALTH_LOG_MODELS say DuckDB held (src/db/memory-report.ts). */
import { afterEach, expect, it } from "vitest";
import { Database } from "../../src/db/duckdb.ts";
import { isOutOfMemory, memoryReport } from "../../src/db/memory-report.ts";

let db: Database | undefined;
afterEach(() => db?.close());

it("names the kinds of memory DuckDB holds, the tables kept from earlier models among them", async () => {
  db = await Database.open({ memoryLimit: "1GB" });
  expect(await memoryReport(db)).toBe("0.00 GB in memory, 0.00 GB spilled");
  // 4M rows of two BIGINT columns: about 64 MB of table
  await db.run("create table kept as select range as a, range * 2 as b from range(4000000)");
  const report = await memoryReport(db);
  const [, total, kind, held] = report.match(/^(\d+\.\d\d) GB in memory \((\w+) (\d+\.\d\d) GB.*\), 0\.00 GB spilled$/) ?? [];
  expect(kind).toBe("IN_MEMORY_TABLE");
  expect(Number(held)).toBeGreaterThanOrEqual(0.05);
  expect(Number(total)).toBeGreaterThanOrEqual(Number(held));
});

it("recognises DuckDB's out-of-memory error, and only that", async () => {
  db = await Database.open({ memoryLimit: "30MB" });
  // no spilling allowed: the hash aggregate must fail rather than write to disk
  await db.run("set max_temp_directory_size = '0KB'");
  const error = await db.run("create table t as select range % 3000000 as k, list(range) as l from range(6000000) group by k").then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOutOfMemory(error)).toBe(true);
  expect(isOutOfMemory(new Error("Binder Error: column k not found"))).toBe(false);
});
