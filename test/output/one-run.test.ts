/**
 * The output directory holds one run's files: a command that publishes part of the set with
 * another formula removes the earlier run's other files in the same commit; with the same inputs
 * they stay. A killed run's staging folder is removed by the next run. The site cache's
 * fingerprint sees exports reached through symbolic links.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inputsFingerprint } from "../../loaders/engine-outputs.ts";
import { main } from "../../src/cli/main.ts";
import { DEFAULT_FORMULA_FILE } from "../../src/core/paths.ts";
import { MANIFEST } from "../../src/output/publish.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const root = tempDir();
const silent = { stdout: () => {}, stderr: () => {} };

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("one run per output directory", () => {
  it("health score with another formula after health run removes the first run's alerts, expansion, cohorts and backtest", async () => {
    const data = writeCsvWarehouse(path.join(root, "data"), tinyWarehouse());
    const out = path.join(root, "out");
    expect(await main(["run", "--data", data, "--out", out, "-q"], silent)).toBe(0);
    const full = readdirSync(out).sort();
    expect(full).toEqual(expect.arrayContaining(["alerts.parquet", "expansion.parquet", "cohorts.parquet", "backtest.json"]));

    // the same formula and data: score rewrites its files, the rest of the run stays
    expect(await main(["score", "--data", data, "--out", out, "-q"], silent)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(full);

    // another formula: only its own files remain, every one stamped with its hash
    const other = path.join(root, "other.yaml");
    writeFileSync(other, readFileSync(DEFAULT_FORMULA_FILE, "utf8").replace(/^name: .*$/m, "name: another formula"));
    let log = "";
    expect(await main(["score", "--data", data, "--formula", other, "--out", out], { stdout: () => {}, stderr: (t) => (log += t) })).toBe(
      0,
    );
    expect(readdirSync(out).sort()).toEqual(
      [
        MANIFEST,
        "account_health_weekly.parquet",
        "account_measures_weekly.parquet",
        "accounts.parquet",
        "health_summary.json",
        "user_health.parquet",
      ].sort(),
    );
    expect(log).toMatch(/removed \d+ file\(s\) of an earlier run .* with another formula or other data: .*alerts\.parquet/);
    const manifest = JSON.parse(readFileSync(path.join(out, MANIFEST), "utf8"));
    const summary = JSON.parse(readFileSync(path.join(out, "health_summary.json"), "utf8"));
    expect(manifest.formula_hash).toBe(summary.formula.hash);
    expect([...manifest.files].sort()).toEqual(
      readdirSync(out)
        .filter((f) => f !== MANIFEST)
        .sort(),
    );
  }, 180_000);

  it("files the run did not write (a user's own) are never removed", async () => {
    const data = writeCsvWarehouse(path.join(root, "data2"), tinyWarehouse());
    const out = path.join(root, "out2");
    mkdirSync(out);
    writeFileSync(path.join(out, "notes.txt"), "mine\n");
    expect(await main(["run", "--data", data, "--out", out, "-q"], silent)).toBe(0);
    const other = path.join(root, "other2.yaml");
    writeFileSync(other, readFileSync(DEFAULT_FORMULA_FILE, "utf8").replace(/^name: .*$/m, "name: yet another"));
    expect(await main(["score", "--data", data, "--formula", other, "--out", out, "-q"], silent)).toBe(0);
    expect(readFileSync(path.join(out, "notes.txt"), "utf8")).toBe("mine\n");
  }, 180_000);

  it("a killed run's staging folder is removed by the next run; a live run's is not", async () => {
    const data = writeCsvWarehouse(path.join(root, "data3"), tinyWarehouse());
    const out = path.join(root, "out3");
    const dead = path.join(out, `.staging-${deadPid()}-1700000000000`);
    mkdirSync(dead, { recursive: true });
    writeFileSync(path.join(dead, "account_health_weekly.parquet"), "half written");
    const sleeper = spawnSync("sh", ["-c", "sleep 60 >/dev/null 2>&1 & echo $!"], { encoding: "utf8" });
    const livePid = Number(sleeper.stdout.trim());
    const live = path.join(out, `.staging-${livePid}-1700000000001`);
    mkdirSync(live);
    try {
      expect(await main(["score", "--data", data, "--out", out, "-q"], silent)).toBe(0);
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      process.kill(livePid);
    }
  }, 120_000);
});

describe("the site cache's fingerprint", () => {
  it("follows symbolic links: an export changed behind a link gives a new fingerprint", () => {
    const real = writeCsvWarehouse(path.join(root, "real"), tinyWarehouse());
    const linked = path.join(root, "linked");
    mkdirSync(linked);
    for (const name of readdirSync(real)) symlinkSync(path.join(real, name), path.join(linked, name));
    const before = inputsFingerprint(linked, DEFAULT_FORMULA_FILE);
    // the export behind the link changes (new rows, a new time); the link itself does not
    const accounts = path.join(real, "accounts.csv");
    writeFileSync(accounts, `${readFileSync(accounts, "utf8")}\n`);
    utimesSync(accounts, new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
    expect(inputsFingerprint(linked, DEFAULT_FORMULA_FILE)).not.toBe(before);
    // and a linked folder of parts is read through too
    const parts = path.join(root, "parts");
    mkdirSync(parts);
    copyFileSync(path.join(real, "usage_events.csv"), path.join(parts, "part-1.csv"));
    const withFolder = path.join(root, "with-folder");
    mkdirSync(withFolder);
    symlinkSync(parts, path.join(withFolder, "usage_events"));
    const folderBefore = inputsFingerprint(withFolder, DEFAULT_FORMULA_FILE);
    writeFileSync(path.join(parts, "part-2.csv"), "occurred_at,account_id,contact_id,feature,quantity\n");
    expect(inputsFingerprint(withFolder, DEFAULT_FORMULA_FILE)).not.toBe(folderBefore);
  });
});
