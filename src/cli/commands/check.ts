/** `health check`: validate a warehouse against the export contract and print a per-table summary. */
import { withDatabase } from "../../db/duckdb.ts";
import { FormulaError, loadFormula, type LoadedFormula } from "../../formula/load.ts";
import { measuresWithoutDataBeforeScoring, type MeasureWithoutData } from "../../health/engine.ts";
import { ingest } from "../../ingest/ingest.ts";
import { formatProblem } from "../../ingest/problems.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../../core/records.ts";

/** What check cannot know: the rest of the "no data" reasons need the measures computed. */
const AFTER_SCORING =
  "measures whose values have no account with a value or one value across the whole book are known after scoring: health run writes them to health_summary.json and health backtest prints them";

export const checkCommand: Command = {
  name: "check",
  summary: "validate the exports against the contract and summarise each table",
  usage: "health check [--data DIR] [--formula FILE] [--format text|csv|json]",
  help: `Exit code 0 when the exports meet the contract (warnings allowed), 3 when they do not;
every error names the file, the column and up to five rows or keys.
Lists the measures of the formula that will have no data in this book, and why: a table absent
or a ticket column (kind, escalation, first response) no ticket records. Measures whose values
turn out empty or constant across the book are known only after scoring (health run, backtest).`,
  options: {},
  async run({ locations, log, format, print }) {
    const result = await log.step(`checking ${locations.data}`, () =>
      withDatabase((db) => ingest(db, locations.data, { onProgress: log.info })),
    );
    const rows = result.tables.map((t) => ({
      table: t.table,
      presence: t.presence,
      status: t.present ? "ok" : t.presence === "optional" ? "absent" : "missing",
      format: t.format ?? null,
      files: t.files,
      rows: t.rows,
      from: t.from?.slice(0, 10) ?? null,
      to: t.to?.slice(0, 10) ?? null,
    }));
    // the exports are what check judges: a formula that does not load is said, not a failed check
    let formula: LoadedFormula | undefined;
    try {
      formula = loadFormula(locations.formula);
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
      log.warn(`measures not checked: ${error.message}`);
    }
    const present = new Set(result.tables.filter((t) => t.present).map((t) => t.table));
    const withoutData: MeasureWithoutData[] | null = formula
      ? measuresWithoutDataBeforeScoring(formula, present, result.ticketColumns)
      : null;
    if (format === "json") {
      print(
        `${JSON.stringify(
          {
            data: result.dataDir,
            exported_at: result.exportedAt.toISOString(),
            exported_at_source: result.exportedAtSource,
            tables: rows,
            warnings: result.warnings,
            formula: formula ? { name: formula.formula.name, hash: formula.hash, file: formula.file } : null,
            measures_without_data: withoutData,
            measures_without_data_note: AFTER_SCORING,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    print(formatRecords(rows, format));
    if (format === "text") {
      // the export date used when there is no export.json: said on stderr too, where scripts look
      for (const warning of result.warnings) if (warning.rule === "missing_export_metadata") log.warn(formatProblem(warning));
      print(`\nexported at ${result.exportedAt.toISOString()} (from ${result.exportedAtSource})\n`);
      if (result.warnings.length > 0) {
        print(`\n${result.warnings.length} warning(s):\n${result.warnings.map((w) => `  - ${formatProblem(w)}`).join("\n")}\n`);
      }
      if (formula && withoutData) print(`\n${measuresText(formula, withoutData)}\n`);
    } else {
      for (const warning of result.warnings) log.warn(formatProblem(warning));
    }
    return 0;
  },
};

function measuresText(formula: LoadedFormula, measures: readonly MeasureWithoutData[]): string {
  const head =
    measures.length === 0
      ? `Every measure of formula "${formula.formula.name}" has its tables and ticket columns in this book.`
      : `Measures of formula "${formula.formula.name}" without data in this book (${measures.length}; their weight is shared by the others):\n` +
        formatRecords(
          measures.map((m) => ({ measure: m.measure, category: m.category, reason: m.reason })),
          "text",
        ).trimEnd();
  return `${head}\nOthers: ${AFTER_SCORING}.`;
}
