/**
 * The floor any correct pipeline is measured against: one aggregation scan of the usage events,
 * GROUP BY account and week, materialised so DuckDB cannot skip work.
 */
import { discover } from "../ingest/discover.ts";
import { ident, type Database } from "../db/duckdb.ts";

/** Runs the reference scan over the warehouse's usage files in `db`; returns the groups it made. */
export async function referenceScan(db: Database, dataDir: string): Promise<{ events: number; groups: number }> {
  const discovery = await discover(db, dataDir);
  const usage = discovery.tables.get("usage_events");
  if (!usage) throw new Error(`${dataDir} has no usage_events export to scan`);
  const files = `[${usage.files.map((f) => `'${f.replaceAll("'", "''")}'`).join(", ")}]`;
  const reader = usage.format === "parquet" ? `read_parquet(${files})` : `read_csv(${files}, header = true)`;
  await db.run(`
    create or replace temp table reference_weekly as
    select account_id, date_trunc('week', occurred_at) as week_start, count(*) as events, sum(quantity) as quantity
    from ${reader}
    group by all`);
  const totals = await db.one<{ events: number; groups: number }>(
    `select sum(events)::bigint as events, count(*)::bigint as groups from ${ident("reference_weekly")}`,
  );
  return { events: Number(totals?.events ?? 0), groups: Number(totals?.groups ?? 0) };
}
