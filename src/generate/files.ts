/**
 * Writes export-shaped tables to files whose columns are exactly the contract's: names and order
 * from `columnsOf()`, each value cast to the contract's SQL type. Rows are ordered by a key so that
 * the same data always gives the same bytes.
 */
import path from "node:path";
import { ident, literal, type Database } from "../db/duckdb.ts";
import { columnsOf, SQL_TYPES } from "../contract/introspect.ts";
import { tableContract } from "../contract/tables.ts";

/** Every export table written as CSV, with the `out_<table>` source's sort key (a total order). */
export const CSV_TABLES: readonly { table: string; orderBy: string }[] = [
  { table: "accounts", orderBy: "account_id" },
  { table: "contacts", orderBy: "contact_id" },
  { table: "features", orderBy: "feature" },
  { table: "support_tickets", orderBy: "ticket_id" },
  { table: "survey_responses", orderBy: "response_id" },
  { table: "feature_requests", orderBy: "request_id" },
  { table: "onboarding_projects", orderBy: "project_id" },
  { table: "onboarding_status_updates", orderBy: "project_id, updated_at" },
  { table: "trainings", orderBy: "training_id" },
  { table: "fit_assessments", orderBy: "assessment_id" },
  { table: "external_risk_events", orderBy: "event_id" },
  { table: "subscription_changes", orderBy: "change_id" },
  { table: "interventions", orderBy: "intervention_id" },
];

/**
 * `select` list casting each contract column of `table` to its SQL type, in contract order. With
 * `available`, a column the contract lets a file omit is left out when the source lacks it (as a
 * real export would), so adding an optional column to the contract changes no generated file.
 */
export function contractSelectList(table: string, available?: ReadonlySet<string>): string {
  return columnsOf(tableContract(table))
    .filter((c) => !available || !c.optional || available.has(c.name))
    .map((c) => `cast(${ident(c.name)} as ${SQL_TYPES[c.type]}) as ${ident(c.name)}`)
    .join(", ");
}

/** Writes `out_<table>` to `<dir>/<table>.csv`; returns the file name and row count. */
export async function writeContractCsv(db: Database, dir: string, table: string, orderBy: string): Promise<{ file: string; rows: number }> {
  const file = `${table}.csv`;
  const source = await db.all<{ column_name: string }>(`describe ${ident(`out_${table}`)}`);
  const available = new Set(source.map((c) => c.column_name));
  const rows = await copyTo(
    db,
    `select ${contractSelectList(table, available)} from ${ident(`out_${table}`)} order by ${orderBy}`,
    path.join(dir, file),
    "format csv, header",
  );
  return { file, rows };
}

/** Runs `COPY (query) TO file (options)` and returns the number of rows written. */
export async function copyTo(db: Database, query: string, file: string, options: string): Promise<number> {
  const result = await db.all<{ Count: number }>(`copy (${query}) to ${literal(file)} (${options})`);
  return Number(result[0]?.Count ?? 0);
}
