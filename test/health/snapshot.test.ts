/**
 * Formula-only re-runs and an honest site cache. A run keeps what depends on the data alone as a
 * data snapshot (src/health/snapshot.ts); a run with another formula restores it, skips the check
 * and the measures, and writes byte for byte what a full run with that formula writes. The site
 * cache's fingerprint sees every loader, the site SQL and what loaders import, and not the
 * generator or the benchmark.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fingerprintedFiles, inputsFingerprint } from "../../loaders/engine-outputs.ts";
import { main } from "../../src/cli/main.ts";
import { listFiles } from "../../src/core/files.ts";
import { DEFAULT_FORMULA_FILE, PROJECT_ROOT } from "../../src/core/paths.ts";
import { loadFormula } from "../../src/formula/load.ts";
import { readBeforeScoringOnly, snapshotFormulaReads, snapshotKey } from "../../src/health/snapshot.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const rootDir = tempDir("health-snapshot-");
const root = rootDir;
const saved = process.env.HEALTH_CACHE;
afterEach(() => {
  if (saved === undefined) delete process.env.HEALTH_CACHE;
  else process.env.HEALTH_CACHE = saved;
});

/** Runs the CLI in-process with HEALTH_CACHE set (or "off"); returns its stderr. */
async function health(args: string[], cache: string): Promise<string> {
  process.env.HEALTH_CACHE = cache;
  let log = "";
  const code = await main(args, { stdout: () => {}, stderr: (t) => (log += t) });
  expect(code, log).toBe(0);
  return log;
}

/**
 * The default formula with the adoption and stakeholder categories reweighted (35/15 -> 25/25), and
 * licence utilisation ranked in the account's segment instead of the whole book: the ranks are
 * data (int_measure_ranked, kept by the snapshot) whichever way the formula reads them.
 */
function reweighted(file: string): string {
  const text = readFileSync(DEFAULT_FORMULA_FILE, "utf8");
  const lines = text.split("\n");
  const at = (id: string) => lines.indexOf(`  - id: ${id}`);
  const weightLine = (from: number) => from + lines.slice(from).findIndex((l) => /^ {4}weight: \d+$/.test(l));
  const adoption = weightLine(at("adoption"));
  const stakeholders = weightLine(at("stakeholders"));
  expect(lines[adoption]).toBe("    weight: 35");
  expect(lines[stakeholders]).toBe("    weight: 15");
  lines[adoption] = "    weight: 25";
  lines[stakeholders] = "    weight: 25";
  const licence = lines.indexOf("      - measure: licence_utilisation") + 2;
  expect(lines[licence]).toBe("        score: { relative_to: book, points: [[0.05, 0], [0.1, 50], [0.25, 100]] }");
  lines[licence] = lines[licence]!.replace("relative_to: book", "relative_to: segment");
  writeFileSync(file, lines.join("\n"));
  return file;
}

const savedBatch = process.env.HEALTH_CONTACTS_PER_BATCH;
afterEach(() => {
  if (savedBatch === undefined) delete process.env.HEALTH_CONTACTS_PER_BATCH;
  else process.env.HEALTH_CONTACTS_PER_BATCH = savedBatch;
});

describe("formula-only re-runs", () => {
  it.each([
    { how: "in one pass", accounts: "60", contactsPerBatch: undefined },
    // a book larger than one account batch: the snapshot holds the batches' measures, the scores are built by batch again
    { how: "in account batches", accounts: "30", contactsPerBatch: "120" },
  ])(
    "a run with another formula restores the data snapshot and writes byte for byte what a full run with that formula writes ($how)",
    async ({ how, accounts, contactsPerBatch }) => {
      if (contactsPerBatch) process.env.HEALTH_CONTACTS_PER_BATCH = contactsPerBatch;
      const root = path.join(rootDir, how.replaceAll(" ", "-"));
      const data = path.join(root, "data");
      await health(["generate", "--accounts", accounts, "--seed", "7", "--out", data, "-q"], "off");
      const cache = path.join(root, "cache");
      mkdirSync(root, { recursive: true });
      const other = reweighted(path.join(root, "other.yaml"));

      // the first run checks the exports and keeps the snapshot
      const first = await health(["run", "--data", data, "--out", path.join(root, "default")], cache);
      expect(first).toMatch(/validating usage_events/);
      if (contactsPerBatch) expect(first).toMatch(/account batch 2 of \d+/);
      expect(readdirSync(cache).filter((f) => f.endsWith(".duckdb"))).toHaveLength(1);
      // the ranked values are a view over the snapshot's tables, kept as its SQL, not stored a second
      // time, in one pass or in account batches (built once over the whole book, never copied per batch)
      const meta = JSON.parse(readFileSync(path.join(cache, readdirSync(cache).find((f) => f.endsWith(".json"))!), "utf8"));
      expect(meta.tables).toEqual(expect.arrayContaining(["int_measure_values", "int_measure_reference", "int_measure_book_weekly"]));
      const views = meta.views.map((v: { name: string }) => v.name);
      expect([meta.tables.includes("int_measure_ranked"), views.includes("int_measure_ranked")]).toEqual([false, true]);
      // what only the check and the measures read is left out: the usage rollup and the per-contact
      // activity (the largest tables after the measure values); the account-week activity stays (a site query reads it)
      expect(meta.tables).not.toContain("int_usage_weekly");
      expect(meta.tables).not.toContain("int_contact_activity_weekly");
      expect(meta.tables).toContain("int_account_activity_weekly");

      // another formula on the same data: restored, no check, no measures
      const quick = path.join(root, "quick");
      const rerun = await health(["run", "--data", data, "--formula", other, "--out", quick], cache);
      expect(rerun).toMatch(/unchanged since they were checked: measures read from/);
      expect(rerun).not.toMatch(/validating|rolling up usage/);
      await health(["backtest", "--data", data, "--formula", other, "--out", quick], cache);

      // the same formula, everything computed
      const full = path.join(root, "full");
      const fullLog = await health(["run", "--data", data, "--formula", other, "--out", full], "off");
      expect(fullLog).toMatch(/validating usage_events/);
      await health(["backtest", "--data", data, "--formula", other, "--out", full], "off");

      const files = listFiles(full);
      expect(files).toEqual(
        expect.arrayContaining(["account_measures_weekly.parquet", "alerts.parquet", "backtest.json", "cohorts.parquet"]),
      );
      expect(listFiles(quick)).toEqual(files);
      const differing = files.filter((f) => !readFileSync(path.join(quick, f)).equals(readFileSync(path.join(full, f))));
      expect(differing).toEqual([]);
      // and the reweighting did change the scores
      expect(
        readFileSync(path.join(quick, "account_health_weekly.parquet")).equals(
          readFileSync(path.join(root, "default", "account_health_weekly.parquet")),
        ),
      ).toBe(false);
    },
    600_000,
  );

  it("leaves out only models that no step after the measures reads, nor a model kept as a view", () => {
    const left = readBeforeScoringOnly();
    expect([...left]).toEqual(expect.arrayContaining(["int_usage_weekly", "int_contact_activity_weekly", "measures_fit"]));
    // read through int_measure_ranked, a view restored from its SQL
    expect(left.has("int_measure_reference")).toBe(false);
    // read by the scores and the alerts
    for (const kept of ["int_measure_values", "int_account_weeks", "measures_sentiment", "int_key_people_weekly"])
      expect(left.has(kept)).toBe(false);
  });

  it("the snapshot's models read of the formula only its user_health section and the measures it uses", () => {
    // a new read is not wrong (the whole formula then keys the snapshot) but ends formula-only re-runs
    expect(snapshotFormulaReads()).toEqual(["formula_score_maps", "formula_user_weights", "{{measure_unpivots}}"]);
  });

  it("the snapshot key follows the data and the parts of the formula the measures read, not the weights", () => {
    const data = writeCsvWarehouse(path.join(root, "keys"), tinyWarehouse());
    const base = loadFormula(DEFAULT_FORMULA_FILE);
    const key = snapshotKey(data, base);
    expect(snapshotKey(data, loadFormula(reweighted(path.join(root, "w.yaml"))))).toBe(key);
    const users = path.join(root, "users.yaml");
    const weights = "weights: { recency: 40, frequency: 40, breadth: 20 }";
    expect(readFileSync(DEFAULT_FORMULA_FILE, "utf8")).toContain(weights);
    writeFileSync(
      users,
      readFileSync(DEFAULT_FORMULA_FILE, "utf8").replace(weights, "weights: { recency: 50, frequency: 30, breadth: 20 }"),
    );
    expect(loadFormula(users).formula.user_health).not.toEqual(base.formula.user_health);
    expect(snapshotKey(data, loadFormula(users))).not.toBe(key);
    const file = listFiles(data)[0]!;
    writeFileSync(path.join(data, file), `${readFileSync(path.join(data, file), "utf8")}\n`);
    expect(snapshotKey(data, base)).not.toBe(key);
  });
});

describe("the site cache's fingerprint", () => {
  it("changes with any loader, a site SQL file or what a loader imports, and not with the generator or the benchmark", () => {
    const tree = path.join(root, "tree");
    for (const dir of ["src", "loaders", "reports/lib"]) cpSync(path.join(PROJECT_ROOT, dir), path.join(tree, dir), { recursive: true });
    const data = writeCsvWarehouse(path.join(root, "fp-data"), tinyWarehouse());
    const fingerprint = () => inputsFingerprint(data, DEFAULT_FORMULA_FILE, tree);
    const append = (file: string) => writeFileSync(path.join(tree, file), `${readFileSync(path.join(tree, file), "utf8")}\n// edited\n`);

    const files = fingerprintedFiles(tree);
    expect(files).toEqual(expect.arrayContaining(["loaders/validation.ts", "loaders/lib/outputs.ts", "src/sql/site/site_tickets.sql"]));
    expect(files).toContain("reports/lib/account-link.ts"); // imported by the account loaders
    expect(files.filter((f) => /^src\/(generate|bench|scripts)\//.test(f))).toEqual([]);

    let before = fingerprint();
    for (const changed of [
      "loaders/validation.ts",
      "loaders/lib/outputs.ts",
      "src/sql/site/site_tickets.sql",
      "reports/lib/account-link.ts",
      "src/sql/scoring/int_measure_scores.sql",
    ]) {
      append(changed);
      const after = fingerprint();
      expect(after, changed).not.toBe(before);
      before = after;
    }
    for (const unchanged of ["src/generate/profiles.ts", "src/bench/reference.ts", "src/scripts/bench.ts"]) {
      expect(existsSync(path.join(tree, unchanged)), unchanged).toBe(true);
      append(unchanged);
      expect(fingerprint(), unchanged).toBe(before);
    }
  });
});
