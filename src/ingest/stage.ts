/**
 * Creates the staging views `stg_<table>` (one per contract table, cast by the SQL model in
 * src/sql/staging) and the `source_tables` registry that says which exports were present.
 * Absent optional tables get an empty view of the right shape, so models can always read them
 * and measures can tell "no data" from "zero" through `source_tables`.
 */
import { columnsOf } from "../contract/introspect.ts";
import { TABLES, type TableContract } from "../contract/tables.ts";
import { ident, literal, type Database } from "../db/duckdb.ts";
import { render, sqlFile } from "../sql/files.ts";
import type { Discovery } from "./discover.ts";
import type { FileFacts } from "./check-files.ts";
import { sourceRelation, type SourceOptions } from "./sources.ts";

/** Defines the shared SQL macros and the one-row `run_context` table (export instant). */
export async function prepareSession(db: Database, exportedAt: Date): Promise<void> {
  await db.run(sqlFile("macros.sql"));
  await db.run("create or replace table run_context as select $exported_at::timestamp as exported_at", {
    exported_at: exportedAt.toISOString(),
  });
}

/** The staging model of `table` reading from `relation`. */
export function stagingSql(table: TableContract, relation: string): string {
  return render(sqlFile(`staging/stg_${table.name}.sql`), { source: relation });
}

/** Creates every staging view and `source_tables`. */
export async function createStagingViews(db: Database, discovery: Discovery, facts: Map<string, FileFacts>): Promise<void> {
  for (const table of TABLES) {
    const relation = stagingRelation(table, discovery, facts);
    await db.run(`create or replace view ${ident(`stg_${table.name}`)} as ${stagingSql(table, relation)}`);
  }
  const registry = TABLES.map((table) => {
    const source = discovery.tables.get(table.name);
    const rows = [...(facts.get(table.name)?.rowsByFile.values() ?? [])].reduce((a, b) => a + b, 0);
    return `select ${literal(table.name)} as table_name, ${source ? "true" : "false"} as is_present, ${rows}::bigint as row_count, ${source?.files.length ?? 0} as file_count`;
  });
  await db.run(`create or replace table source_tables as ${registry.join(" union all ")}`);
}

/** The source relation of a table: its files, or an empty relation of the right columns. */
export function stagingRelation(
  table: TableContract,
  discovery: Discovery,
  facts: Map<string, FileFacts>,
  options: SourceOptions = {},
): string {
  const source = discovery.tables.get(table.name);
  const fileFacts = facts.get(table.name);
  if (!source || !fileFacts) {
    const nulls = columnsOf(table).map((c) => `null as ${ident(c.name)}`);
    return `(select ${nulls.join(", ")}, null::varchar as _source_file, null::bigint as _source_row limit 0)`;
  }
  return sourceRelation(table, source.format, source.files, fileFacts.columnsByFile, options);
}
