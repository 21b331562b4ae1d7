import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/log.ts";
import { main } from "../../src/cli/main.ts";
import { DEFAULT_FORMULA_FILE } from "../../src/core/paths.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { runStages, STAGES } from "../../src/run.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const root = tempDir();
const quiet = createLogger({ quiet: true, write: () => {} });

describe("publishing outputs", () => {
  it("health score writes every output with the formula hash, and a failed run leaves them as they were", async () => {
    const data = writeCsvWarehouse(path.join(root, "data"), tinyWarehouse());
    const out = path.join(root, "out");
    let printed = "";
    const code = await main(["score", "--data", data, "--out", out, "--format", "json", "-q"], {
      stdout: (t) => (printed += t),
      stderr: () => {},
    });
    expect(code).toBe(0);
    expect(JSON.parse(printed).map((f: { file: string }) => path.basename(f.file))).toEqual([
      "account_health_weekly.parquet",
      "account_measures_weekly.parquet",
      "user_health.parquet",
      "accounts.parquet",
      "health_summary.json",
    ]);
    const summary = JSON.parse(readFileSync(path.join(out, "health_summary.json"), "utf8"));
    const hashes = await withDatabase((db) =>
      db.all<{ hash: string }>(`select distinct formula_hash as hash from read_parquet('${out}/*.parquet', union_by_name = true)`),
    );
    expect(hashes).toEqual([{ hash: summary.formula.hash }]);
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, statSync(path.join(out, f)).mtimeMs]));

    // a stage that fails after the health files were written to staging publishes nothing
    const failing = {
      name: "broken stage",
      run: async () => {
        throw new Error("stage exploded");
      },
    };
    await expect(runStages({ data, formula: DEFAULT_FORMULA_FILE, out }, quiet, [...STAGES, failing])).rejects.toThrow("stage exploded");
    // bad data is refused before anything is written
    const errors: string[] = [];
    expect(
      await main(["run", "--data", path.join(root, "nope"), "--out", out, "-q"], { stdout: () => {}, stderr: (t) => errors.push(t) }),
    ).toBe(3);
    expect(Object.fromEntries(readdirSync(out).map((f) => [f, statSync(path.join(out, f)).mtimeMs]))).toEqual(before);
  });

  it("a bad formula exits 3 naming the file, before reading any data", async () => {
    let err = "";
    const code = await main(["score", "--formula", path.join(root, "missing.yaml"), "--data", path.join(root, "none"), "-q"], {
      stdout: () => {},
      stderr: (t) => (err += t),
    });
    expect(code).toBe(3);
    expect(err).toContain("missing.yaml");
    expect(err).toContain("cannot read the file");
  });
});
