/** Builds SQL model files as DuckDB tables named after the file, with bound parameters. */
import type { DuckDBValue } from "@duckdb/node-api";
import { ident, type Database } from "../db/duckdb.ts";
import { paramsFor, sqlFile } from "./files.ts";

/**
 * Creates (or replaces) the table `src/sql/<model>.sql` describes, named after the file. `params`
 * may hold more values than the model uses; it receives those it names. A failure names the file.
 */
export async function createModel(db: Database, model: string, params: Record<string, DuckDBValue> = {}): Promise<void> {
  const name = model.split("/").at(-1)!;
  const sql = sqlFile(`${model}.sql`);
  try {
    await db.run(`create or replace table ${ident(name)} as ${sql}`, paramsFor(sql, params) as Record<string, DuckDBValue>);
  } catch (error) {
    throw new Error(`building ${name} (src/sql/${model}.sql) failed: ${(error as Error).message}`);
  }
}
