/** `health expansion`: healthy accounts with growth signals, ranked by potential ARR. */
import { expansionCsv, expansionRecords, type ExpansionRecord } from "../../expansion/expansion.ts";
import { UsageError } from "../../errors.ts";
import { runStagesThen, stagesThrough } from "../../run.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

export const expansionCommand: Command = {
  name: "expansion",
  summary: "expansion opportunities: healthy accounts with growth signals, ranked by potential ARR",
  usage: "health expansion [--data DIR] [--formula FILE] [--out DIR] [--format text|csv|json]",
  help: `Lists current customers scoring at least expansion.min_score in the last scored week that show a
growth signal (seats nearly all used, rising active users, growing breadth, repeated recent requests for
features of a higher plan), ranked by potential ARR: extra seats x ARR per seat plus
expansion.plan_uplift x ARR per plan step (src/sql/expansion/expansion.sql documents the estimate).
Runs the main job's stages up to expansion and publishes their files to --out like "health run"
(expansion.parquet, expansion.csv). --format csv is the same CSV as expansion.csv.`,
  options: {},
  writesOut: true,
  async run({ locations, log, format, print, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (format === "csv") {
      const { result: csv } = await runStagesThen(locations, log, stagesThrough("expansion"), (db) => expansionCsv(db));
      print(csv);
      return 0;
    }
    const { result: rows } = await runStagesThen(locations, log, stagesThrough("expansion"), (db) => expansionRecords(db));
    if (format === "json") print(formatRecords(rows as unknown as Record<string, unknown>[], "json"));
    else print(expansionText(rows));
    return 0;
  },
};

function expansionText(rows: readonly ExpansionRecord[]): string {
  if (rows.length === 0) return "No expansion opportunities: no healthy account shows a growth signal.\n";
  const table = rows.map((r) => ({
    rank: r.rank,
    account: `${r.account_name} (${r.account_id})`,
    plan: r.plan,
    arr: Math.round(r.arr),
    potential_arr: Math.round(r.potential_arr),
    score: Math.round(r.score),
    signals: r.signals.join("; "),
  }));
  return `Expansion opportunities in the week ending ${rows[0]!.week_end}, by potential ARR:\n\n${formatRecords(table, "text")}`;
}
