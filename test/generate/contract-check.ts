/**
 * Checks a generated warehouse directory against the export contract with SQL over its files:
 * columns and their order, types, required values, ranges, allowed values, keys, foreign keys,
 * row rules, and that nothing but planned dates lies after the export instant. Returns the problems
 * found (empty when the warehouse conforms).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ident, literal, type Database } from "../../src/db/duckdb.ts";
import { columnsOf, SQL_TYPES, type ColumnSpec } from "../../src/contract/introspect.ts";
import { TABLES, type TableContract } from "../../src/contract/tables.ts";

/** Tables the demo generator writes: all but usage_daily (the pre-aggregated alternative to usage_events)
 * and churn_events (only the no_roles profile writes it). */
export const GENERATED_TABLES = TABLES.filter((t) => !["usage_daily", "churn_events"].includes(t.name));

export function fileOf(dir: string, table: string): string {
  return path.join(dir, table === "usage_events" ? "usage_events.parquet" : `${table}.csv`);
}

/** Registers typed views `t_<table>` over the files; call before `checkWarehouse`. */
export async function registerViews(db: Database, dir: string, tables: readonly TableContract[] = GENERATED_TABLES): Promise<void> {
  for (const table of tables) {
    const file = fileOf(dir, table.name);
    if (table.name === "usage_events") {
      await db.run(`create or replace view ${ident(`t_${table.name}`)} as select * from read_parquet(${literal(file)})`);
      continue;
    }
    await db.run(
      `create or replace view ${ident(`raw_${table.name}`)} as
       select * from read_csv(${literal(file)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
    );
    const present = new Set((await db.all<{ column_name: string }>(`describe ${ident(`raw_${table.name}`)}`)).map((d) => d.column_name));
    // a column the contract lets the file omit reads as nulls, as the engine's staging does
    const typed = columnsOf(table)
      .map((c) =>
        present.has(c.name) || !c.optional
          ? `try_cast(nullif(${ident(c.name)}, '') as ${SQL_TYPES[c.type]}) as ${ident(c.name)}`
          : `null::${SQL_TYPES[c.type]} as ${ident(c.name)}`,
      )
      .join(", ");
    await db.run(`create or replace view ${ident(`t_${table.name}`)} as select ${typed} from ${ident(`raw_${table.name}`)}`);
  }
  // row rules may read their own table by its staged name
  for (const table of tables) {
    await db.run(`create or replace view ${ident(`stg_${table.name}`)} as select * from ${ident(`t_${table.name}`)}`);
  }
}

/** Checks every table of `tables` (default: every table the demo writes), each of which must have its file. */
export async function checkWarehouse(db: Database, dir: string, tables: readonly TableContract[] = GENERATED_TABLES): Promise<string[]> {
  const problems: string[] = [];
  const exportedAt = JSON.parse(readFileSync(path.join(dir, "export.json"), "utf8")).exported_at as string;
  for (const table of tables) {
    if (!existsSync(fileOf(dir, table.name))) {
      problems.push(`${table.name}: file missing`);
      continue;
    }
    problems.push(...(await checkTable(db, table, exportedAt)));
  }
  return problems;
}

async function count(db: Database, sql: string): Promise<number> {
  const row = await db.one<{ n: number }>(`select (${sql})::integer as n`);
  return row?.n ?? 0;
}

async function checkTable(db: Database, table: TableContract, exportedAt: string): Promise<string[]> {
  const problems: string[] = [];
  const name = table.name;
  const view = ident(`t_${name}`);
  const specs = columnsOf(table);

  // Columns, in contract order, with the contract's types.
  const source = name === "usage_events" ? view : ident(`raw_${name}`);
  const described = await db.all<{ column_name: string; column_type: string }>(`describe ${source}`);
  const actual = described.map((d) => d.column_name);
  // the contract's columns in its order; optional ones may be left out
  const expected = specs.filter((s) => !s.optional || actual.includes(s.name)).map((s) => s.name);
  if (actual.join(",") !== expected.join(",")) problems.push(`${name}: columns ${actual} instead of ${expected}`);
  const inFile = specs.filter((s) => actual.includes(s.name));
  if (name === "usage_events") {
    for (const spec of inFile) {
      const type = described.find((d) => d.column_name === spec.name)?.column_type;
      if (type?.toLowerCase() !== SQL_TYPES[spec.type]) problems.push(`${name}.${spec.name}: parquet type ${type}`);
    }
  } else {
    for (const spec of inFile) {
      const col = ident(spec.name);
      const bad = await count(
        db,
        `select count(*) from ${ident(`raw_${name}`)} where nullif(${col}, '') is not null
           and try_cast(${col} as ${SQL_TYPES[spec.type]}) is null`,
      );
      if (bad > 0) problems.push(`${name}.${spec.name}: ${bad} values that are not ${spec.type}`);
      const formatted = formatProblem(spec);
      if (formatted) {
        const n = await count(
          db,
          `select count(*) from ${ident(`raw_${name}`)} where nullif(${col}, '') is not null and not (${formatted})`,
        );
        if (n > 0) problems.push(`${name}.${spec.name}: ${n} badly formatted values`);
      }
    }
  }

  for (const spec of specs) problems.push(...(await checkColumn(db, name, view, spec, exportedAt)));

  if (table.key.length > 0) {
    const cols = table.key.map(ident).join(", ");
    const dupes = await count(db, `select count(*) from (select ${cols} from ${view} group by all having count(*) > 1)`);
    if (dupes > 0) problems.push(`${name}: ${dupes} duplicate keys (${table.key})`);
    const nulls = await count(db, `select count(*) from ${view} where ${table.key.map((k) => `${ident(k)} is null`).join(" or ")}`);
    if (nulls > 0) problems.push(`${name}: ${nulls} rows with an empty key`);
  }
  for (const rule of table.rules ?? []) {
    const n = await count(db, `select count(*) from ${view} where not coalesce(${rule.predicate}, true)`);
    if (n > 0) problems.push(`${name}.${rule.column}: ${n} rows not ${rule.expected}`);
  }
  return problems;
}

function formatProblem(spec: ColumnSpec): string | undefined {
  const col = ident(spec.name);
  if (spec.type === "date") return `regexp_full_match(${col}, '\\d{4}-\\d{2}-\\d{2}')`;
  if (spec.type === "timestamp") return `regexp_full_match(${col}, '\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}Z?')`;
  if (spec.type === "boolean") return `${col} in ('true', 'false')`;
  return undefined;
}

async function checkColumn(db: Database, name: string, view: string, spec: ColumnSpec, exportedAt: string): Promise<string[]> {
  const problems: string[] = [];
  const col = ident(spec.name);
  if (spec.required) {
    const n = await count(db, `select count(*) from ${view} where ${col} is null`);
    if (n > 0) problems.push(`${name}.${spec.name}: ${n} empty values in a required column`);
  }
  if (spec.min !== undefined) {
    const n = await count(db, `select count(*) from ${view} where ${col} < ${spec.min}`);
    if (n > 0) problems.push(`${name}.${spec.name}: ${n} values below ${spec.min}`);
  }
  if (spec.max !== undefined) {
    const n = await count(db, `select count(*) from ${view} where ${col} > ${spec.max}`);
    if (n > 0) problems.push(`${name}.${spec.name}: ${n} values above ${spec.max}`);
  }
  if (spec.values) {
    const allowed = spec.values.map(literal).join(", ");
    const n = await count(db, `select count(*) from ${view} where ${col} not in (${allowed})`);
    if (n > 0) problems.push(`${name}.${spec.name}: ${n} values outside ${spec.values}`);
  }
  if (spec.references) {
    const target = `${ident(`t_${spec.references.table}`)}`;
    const n = await count(
      db,
      `select count(*) from (select distinct ${col} as v from ${view} where ${col} is not null) x
       where not exists (select 1 from ${target} r where r.${ident(spec.references.column)} = x.v)`,
    );
    if (n > 0) problems.push(`${name}.${spec.name}: ${n} values missing from ${spec.references.table}`);
  }
  if ((spec.type === "timestamp" || spec.type === "date") && !spec.mayBeFuture) {
    const limit = spec.type === "date" ? `${literal(exportedAt.slice(0, 10))}::date - 1` : `${literal(exportedAt)}::timestamptz::timestamp`;
    const n = await count(db, `select count(*) from ${view} where ${col} > ${limit}`);
    if (n > 0) problems.push(`${name}.${spec.name}: ${n} values after the export`);
  }
  return problems;
}
