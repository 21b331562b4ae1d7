/**
 * Opens an engine output directory in DuckDB: one view per Parquet file, named after it, so loader
 * SQL reads `accounts`, `account_health_weekly`, `alerts`... Optional outputs (alerts, expansion,
 * cohorts, backtest...) come from other stages; `has(name)` tells whether this run wrote them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ident, literal, withDatabase, type Database } from "../../src/db/duckdb.ts";
import { loadFormula, type LoadedFormula } from "../../src/formula/load.ts";
import type { Formula } from "../../src/formula/schema.ts";
import type { HealthSummary } from "../../src/health/outputs.ts";

export interface Outputs {
  dir: string;
  db: Database;
  /** Whether `<name>.parquet` or `<name>.json` is in the directory. */
  has(name: string): boolean;
  /** Parses `<name>.json`. */
  json<T>(name: string): T;
  summary: HealthSummary;
  formula: Formula;
}

/** Opens `dir`, runs `work`, closes the database. */
export async function withOutputs<T>(dir: string, work: (outputs: Outputs) => Promise<T>): Promise<T> {
  const files = new Set(readdirSync(dir));
  const json = <J>(name: string): J => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")) as J;
  const summary = json<HealthSummary>("health_summary");
  const formula = siteFormula(dir, files, summary);
  return withDatabase(async (db) => {
    for (const file of files) {
      if (!file.endsWith(".parquet")) continue;
      await db.run(
        `create view ${ident(file.slice(0, -".parquet".length))} as select * from read_parquet(${literal(path.join(dir, file))})`,
      );
    }
    return work({ dir, db, has: (name) => files.has(`${name}.parquet`) || files.has(`${name}.json`), json, summary, formula });
  });
}

/** The formula the outputs were made with: the copy the site stage saved, else the formula file if its hash matches. */
function siteFormula(dir: string, files: Set<string>, summary: HealthSummary): Formula {
  if (files.has("site_formula.json")) return JSON.parse(readFileSync(path.join(dir, "site_formula.json"), "utf8")) as Formula;
  const file = process.env.HEALTH_FORMULA ?? path.resolve("src/formula/default-formula.yaml");
  const loaded: LoadedFormula = loadFormula(existsSync(file) ? file : path.resolve("../src/formula/default-formula.yaml"));
  if (loaded.hash !== summary.formula.hash) {
    throw new Error(`outputs in ${dir} were made with formula ${summary.formula.hash}, but ${loaded.file} is ${loaded.hash}`);
  }
  return loaded.formula;
}
