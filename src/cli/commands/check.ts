/** `health check`: validate a warehouse against the export contract and print a per-table summary. */
import { withDatabase } from "../../db/duckdb.ts";
import { ingest } from "../../ingest/ingest.ts";
import { formatProblem } from "../../ingest/problems.ts";
import type { Command } from "../command.ts";
import { formatRecords } from "../output.ts";

export const checkCommand: Command = {
  name: "check",
  summary: "validate the exports against the contract and summarise each table",
  usage: "health check [--data DIR] [--format text|csv|json]",
  help: `Exit code 0 when the exports meet the contract (warnings allowed), 3 when they do not;
every error names the file, the column and up to five rows or keys.`,
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
    if (format === "json") {
      print(
        `${JSON.stringify(
          {
            data: result.dataDir,
            exported_at: result.exportedAt.toISOString(),
            exported_at_source: result.exportedAtSource,
            tables: rows,
            warnings: result.warnings,
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
    } else {
      for (const warning of result.warnings) log.warn(formatProblem(warning));
    }
    return 0;
  },
};
