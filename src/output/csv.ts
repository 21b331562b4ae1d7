/**
 * CSV written by DuckDB's COPY instead of built as one string in Node: at 100k accounts the alert
 * list (618k rows) took the alerts stage's peak RSS from 2.9 GB to 6.0 GB that way. Cells follow
 * the one CSV rule (reports/lib/csv.ts), so a CRM import sees no difference: text that a spreadsheet would
 * run as a formula gets a leading quote, lists are joined with "; ", whole numbers print without
 * ".0", dates and times as ISO text, null and empty text as an empty cell; DuckDB quotes cells that
 * need it.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ident, literal, type Database } from "../db/duckdb.ts";

/** The SQL that renders one column of the given DuckDB type as CSV cell text. */
function cellSql(column: string, type: string): string {
  const c = ident(column);
  const text = (sql: string) => `case when regexp_matches(${sql}, '^[=+\\-@\\t\\r]') then '''' || ${sql} else nullif(${sql}, '') end`;
  if (type === "VARCHAR") return text(c);
  if (type.endsWith("[]")) return text(`array_to_string(${c}, '; ')`);
  if (type === "DATE") return `strftime(${c}, '%Y-%m-%d')`;
  if (type.startsWith("TIMESTAMP")) return `strftime(${c}::timestamp, '%Y-%m-%dT%H:%M:%S.%gZ')`;
  if (type === "DOUBLE" || type === "FLOAT" || type.startsWith("DECIMAL")) {
    // as JavaScript prints a number: 3 not 3.0, 0.25 as is
    return `case when ${c}::double = trunc(${c}::double) and abs(${c}::double) < 1e18
                 then cast(${c}::double::bigint as varchar) else cast(${c}::double as varchar) end`;
  }
  return `cast(${c} as varchar)`;
}

/** `query` with every column rendered as CSV cell text, in the query's column order. */
async function csvCellsQuery(db: Database, query: string): Promise<string> {
  const columns = await db.all<{ column_name: string; column_type: string }>(`describe ${query}`);
  const cells = columns.map(({ column_name, column_type }) => `${cellSql(column_name, column_type)} as ${ident(column_name)}`);
  return `select ${cells.join(", ")} from (${query})`;
}

/** Writes the rows of `query` to `file` as CSV with a header line, in the query's order. */
export async function copyCsv(db: Database, query: string, file: string): Promise<void> {
  const cells = await csvCellsQuery(db, query);
  await db.run(`copy (${cells}) to ${literal(file)} (format csv, header true)`);
}

/** The CSV text of `query`, for printing: written by DuckDB to a scratch file and read back. */
export async function csvText(db: Database, query: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "health-csv-"));
  try {
    const file = path.join(dir, "out.csv");
    await copyCsv(db, query, file);
    return await readFile(file, "utf8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
