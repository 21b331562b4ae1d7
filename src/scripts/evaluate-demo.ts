/**
 * `npm run demo:evaluate`: how well the published health history catches the demo's planted risks.
 * Prints, per planted scenario, the share of accounts flagged (watch or worse) and how early before
 * churn. Run `health run` (or `npm start`) first; pass --data/--out like any health command.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatRecords } from "../cli/output.ts";
import { resolveLocations } from "../cli/paths.ts";
import { withDatabase } from "../db/duckdb.ts";
import { loadFormula } from "../formula/load.ts";
import { sqlFile } from "../sql/files.ts";

const { values } = parseArgs({ options: { data: { type: "string" }, out: { type: "string" }, formula: { type: "string" } } });
const locations = resolveLocations(values);
const answersFile = path.join(locations.data, "_answers", "scenarios.csv");
const healthFile = path.join(locations.out, "account_health_weekly.parquet");
for (const file of [answersFile, healthFile]) {
  if (!existsSync(file)) {
    process.stderr.write(`missing ${file}: generate the demo and run \`health run\` first\n`);
    process.exit(2);
  }
}
const bestTier = loadFormula(locations.formula).formula.tiers[0]!.id;
const rows = await withDatabase((db) =>
  db.all(sqlFile("evaluation/planted_flags.sql"), { answers_file: answersFile, health_file: healthFile, best_tier: bestTier }),
);
process.stdout.write(formatRecords(rows, "text"));
