/** `health explain ACCOUNT_ID`: an account's score, categories and what moved it, in plain words. */
import { withDatabase } from "../../db/duckdb.ts";
import { UsageError } from "../../errors.ts";
import { explainAccount, explanationText, UnknownAccountError } from "../../health/explain.ts";
import { scoreWarehouse } from "../../pipeline.ts";
import type { Command } from "../command.ts";
import { parseDay } from "../../core/dates.ts";
import { formatRecords } from "../../core/records.ts";

export const explainCommand: Command = {
  name: "explain",
  summary: "explain one account's health score and what moved it",
  usage: "health explain ACCOUNT_ID [--as-of DATE] [--data DIR] [--formula FILE]",
  help: `--as-of DATE   explain the latest week ending on or before DATE (YYYY-MM-DD); default the latest week.
Recomputes the history from the exports, so it always matches the data and formula given.
--format json prints the explanation object; csv prints the measures behind it.`,
  options: { "as-of": { type: "string" } },
  async run({ locations, log, format, print, positionals, options }) {
    const [accountId, ...extra] = positionals;
    if (!accountId || extra.length > 0) throw new UsageError("give exactly one ACCOUNT_ID");
    const asOf = options["as-of"] as string | undefined;
    if (asOf !== undefined) parseDay(asOf, "--as-of");
    const explanation = await withDatabase(async (db) => {
      const { formula } = await scoreWarehouse(db, locations, log);
      try {
        return await explainAccount(db, formula, accountId, asOf);
      } catch (error) {
        if (error instanceof UnknownAccountError) throw new UsageError(error.message);
        throw error;
      }
    });
    if (format === "json") print(`${JSON.stringify(explanation, null, 2)}\n`);
    else if (format === "csv") print(formatRecords(explanation.drivers as unknown as Record<string, unknown>[], "csv"));
    else print(explanationText(explanation));
    return 0;
  },
};
