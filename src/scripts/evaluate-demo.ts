/**
 * `npm run demo:evaluate`: how well the published files catch the demo's planted cases. Prints, per
 * planted scenario, the share of accounts flagged (watch or worse) and how early before churn; the
 * planted churners alerted between their signal and their churn, and how many days ahead; and where
 * the planted expansion accounts rank in the expansion list; and the planted save rates of the team's
 * interventions against what `health outcomes` measured. Run `health run` (or `npm start`)
 * first; pass --data/--out like any health command.
 */
import { parseArgs } from "node:util";
import { formatRecords } from "../core/records.ts";
import { resolveLocations } from "../core/paths.ts";
import { withDatabase } from "../db/duckdb.ts";
import { loadFormula } from "../formula/load.ts";
import { evaluateDemo } from "./demo-evaluation.ts";

const { values } = parseArgs({ options: { data: { type: "string" }, out: { type: "string" }, formula: { type: "string" } } });
const locations = resolveLocations(values);
const bestTier = loadFormula(locations.formula).formula.tiers[0]!.id;
try {
  const result = await withDatabase((db) => evaluateDemo(db, locations.data, locations.out, bestTier));
  process.stdout.write(`Health scores: planted at-risk accounts flagged watch or worse\n\n${formatRecords(result.flags, "text")}`);
  if (result.alerts) {
    process.stdout.write(
      `\nAlerts: planted churners alerted after their signal and before their churn\n\n${formatRecords(result.alerts, "text")}`,
    );
  }
  if (result.signal) {
    process.stdout.write(
      "\nBacktest: churn visible at all (positive weeks before any planted signal; AUC before and after it; " +
        "ceiling = a perfect score after the signal, chance before it)\n\n" +
        formatRecords(result.signal, "text"),
    );
  }
  if (result.outcomes) {
    process.stdout.write(
      "\nOutcomes: the planted save rates on the episodes health outcomes judged, at its judge days, " +
        "beside the measured ones and their 95% intervals\n\n" +
        formatRecords(result.outcomes, "text"),
    );
  }
  if (result.expansion) {
    process.stdout.write(`\nExpansion: where the planted expansion accounts rank\n\n${formatRecords([result.expansion], "text")}`);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
