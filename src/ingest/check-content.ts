/**
 * Second gate, over the staged views: required values present, values in range, no timestamp after
 * the export, cross-column rules, unique keys and foreign keys that resolve. Counting runs as one
 * aggregate per table; only a failing check goes back to the files for row numbers.
 */
import { columnsOf } from "../contract/introspect.ts";
import type { TableContract } from "../contract/tables.ts";
import { ident, literal, type Database } from "../db/duckdb.ts";
import { EXAMPLES, type Problem } from "./problems.ts";

interface Check {
  rule: string;
  column: string;
  /** SQL predicate over the staged columns, true for an offending row. */
  violation: string;
  message: string;
}

/** Where a check reads its rows: the staged view for counting, a row-numbered twin for examples. */
export interface CheckTarget {
  table: TableContract;
  /** Name of the staged view. */
  view: string;
  /** A relation with the same columns whose `_source_row` is filled in, for error messages. */
  numberedRelation: () => string;
  /**
   * A smaller relation holding every foreign-key combination of the table (for usage, its weekly
   * rollup), so that reference checks need not scan the events again; the view when absent.
   */
  keysRelation?: string;
}

/** Space, tab, line feed, carriage return, vertical tab, form feed: what a blank value may hold. */
const WHITE_SPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)";

/** The per-row checks the contract implies for a table. */
export function rowChecks(table: TableContract, exportedAt: Date): Check[] {
  const checks: Check[] = [];
  const exportText = exportedAt.toISOString();
  for (const column of columnsOf(table)) {
    const name = ident(column.name);
    if (column.required)
      checks.push({
        rule: "null_value",
        column: column.name,
        violation: `${name} is null`,
        message: "value is missing; this column is required",
      });
    // text that is empty or only white space carries no value: as missing as a null (a column
    // with a list of values refuses it already, naming the list)
    if (column.required && column.type === "text" && !column.values) {
      checks.push({
        rule: "blank_value",
        column: column.name,
        violation: `trim(${name}, ${WHITE_SPACE}) = ''`,
        message: "value is blank (empty or only white space); this column is required",
      });
    }
    // NaN and ±Infinity parse as doubles, but no measure means anything with them; and NaN sorts
    // above every number in DuckDB, so a range check alone would let it through
    const finite = column.type === "double" ? `isfinite(${name}) and ` : "";
    if (column.type === "double") {
      checks.push({
        rule: "not_finite",
        column: column.name,
        violation: `not isfinite(${name})`,
        message: "value is not a finite number (NaN or Infinity); expected a number",
      });
    }
    if (column.min !== undefined)
      checks.push({
        rule: "out_of_range",
        column: column.name,
        violation: `${finite}${name} < ${column.min}`,
        message: `value below the minimum ${column.min}`,
      });
    if (column.max !== undefined)
      checks.push({
        rule: "out_of_range",
        column: column.name,
        violation: `${finite}${name} > ${column.max}`,
        message: `value above the maximum ${column.max}`,
      });
    if (column.values) {
      checks.push({
        rule: "out_of_range",
        column: column.name,
        violation: `${name} not in (${column.values.map(literal).join(", ")})`,
        message: `expected one of ${column.values.join(", ")}`,
      });
    }
    if ((column.type === "timestamp" || column.type === "date") && !column.mayBeFuture) {
      const bound =
        column.type === "date" ? "cast((select exported_at from run_context) as date)" : "(select exported_at from run_context)";
      checks.push({
        rule: "after_export",
        column: column.name,
        violation: `${name} > ${bound}`,
        message: `after the export date ${exportText}`,
      });
    }
  }
  for (const rule of table.rules ?? []) {
    checks.push({ rule: "rule", column: rule.column, violation: `not (${rule.predicate})`, message: `expected ${rule.expected}` });
  }
  return checks;
}

/** Runs every row check of a table; returns the errors. */
export async function checkRows(db: Database, target: CheckTarget, exportedAt: Date): Promise<Problem[]> {
  const checks = rowChecks(target.table, exportedAt);
  if (checks.length === 0) return [];
  const counts = await db.one<Record<string, number>>(
    `select ${checks.map((c, i) => `count(*) filter (where ${c.violation})::integer as c${i}`).join(", ")} from ${ident(target.view)}`,
  );
  const problems: Problem[] = [];
  for (const [i, check] of checks.entries()) {
    const count = Number(counts?.[`c${i}`] ?? 0);
    if (count === 0) continue;
    const examples = await db.all<{ file: string; row: number; key: string | null; value: string | null }>(
      `select _source_file as file, _source_row::integer as row, ${keyText(target.table)} as key, cast(${ident(check.column)} as varchar) as value
       from ${target.numberedRelation()} where ${check.violation} order by _source_file, _source_row limit ${EXAMPLES}`,
    );
    const values = [...new Set(examples.map((e) => e.value).filter((v) => v !== null))].slice(0, 3);
    const found =
      values.length > 0 && check.rule !== "null_value" && check.rule !== "blank_value"
        ? `; found ${values.map((v) => JSON.stringify(v)).join(", ")}`
        : "";
    problems.push(
      ...byFile(examples, (file, rows, keys) => ({
        level: "error" as const,
        rule: check.rule,
        table: target.table.name,
        file,
        column: check.column,
        message: `${check.message}${found}`,
        rows,
        keys,
        count,
      })),
    );
  }
  return problems;
}

/** Reports keys that occur more than once. */
export async function checkKey(db: Database, target: CheckTarget): Promise<Problem[]> {
  const key = target.table.key;
  if (key.length === 0) return [];
  const duplicated = await db.all<{ key: string; total: number }>(
    `select ${keyText(target.table)} as key, count(*) over ()::integer as total
     from ${ident(target.view)} group by all having count(*) > 1 order by key limit ${EXAMPLES}`,
  );
  if (duplicated.length === 0) return [];
  const keys = duplicated.map((d) => d.key);
  const examples = await db.all<{ file: string; row: number; key: string }>(
    `select _source_file as file, _source_row::integer as row, ${keyText(target.table)} as key
     from ${target.numberedRelation()} where ${keyText(target.table)} in (${keys.map(literal).join(", ")})
     order by key, _source_file, _source_row limit ${EXAMPLES * 2}`,
  );
  return byFile(examples, (file, rows) => ({
    level: "error" as const,
    rule: "duplicate_key",
    table: target.table.name,
    file,
    column: key.join(", "),
    message: `duplicate key: each ${key.join(" + ")} must appear once`,
    rows,
    keys,
    count: duplicated[0]!.total,
  }));
}

/** Reports foreign keys that match no row of the referenced table, and contacts filed under another account. */
export async function checkReferences(db: Database, target: CheckTarget): Promise<Problem[]> {
  const problems: Problem[] = [];
  const columns = columnsOf(target.table);
  const keys = target.keysRelation ?? ident(target.view);
  for (const column of columns) {
    if (!column.references) continue;
    const { table: parent, column: parentColumn } = column.references;
    const name = ident(column.name);
    const orphan = `${name} is not null and ${name} not in (select ${ident(parentColumn)} from ${ident(`stg_${parent}`)})`;
    const missing = await db.all<{ key: string; total: number }>(
      `select distinct ${name} as key, count(*) over ()::integer as total from (select distinct ${name} from ${keys} where ${orphan}) order by key limit ${EXAMPLES}`,
    );
    if (missing.length === 0) continue;
    const examples = await db.all<{ file: string; row: number }>(
      `select _source_file as file, _source_row::integer as row from ${target.numberedRelation()} where ${orphan} order by _source_file, _source_row limit ${EXAMPLES}`,
    );
    problems.push(
      ...byFile(examples, (file, rows) => ({
        level: "error" as const,
        rule: "orphan_key",
        table: target.table.name,
        file,
        column: column.name,
        message: `refers to ${parent}.${parentColumn} values that do not exist`,
        rows,
        keys: missing.map((m) => m.key),
        count: missing[0]!.total,
      })),
    );
  }
  const hasAccount = columns.some((c) => c.name === "account_id" && c.references?.table === "accounts");
  const hasContact = columns.some((c) => c.name === "contact_id" && c.references?.table === "contacts");
  if (hasAccount && hasContact) {
    const mismatch = `exists (select 1 from stg_contacts c where c.contact_id = t.contact_id and c.account_id <> t.account_id)`;
    // Count on the key combinations first; only a failing check reads the files for row numbers.
    const mismatched = await db.one<{ n: number }>(
      `select count(*)::integer as n from (select distinct account_id, contact_id from ${keys}) t where ${mismatch}`,
    );
    const examples = !mismatched?.n
      ? []
      : await db.all<{ file: string; row: number; key: string; total: number }>(
          `select _source_file as file, _source_row::integer as row, t.contact_id as key, count(*) over ()::integer as total
       from ${target.numberedRelation()} t where ${mismatch} order by _source_file, _source_row limit ${EXAMPLES}`,
        );
    if (examples.length > 0) {
      problems.push(
        ...byFile(examples, (file, rows, contactIds) => ({
          level: "error" as const,
          rule: "orphan_key",
          table: target.table.name,
          file,
          column: "contact_id",
          message: "contact belongs to a different account than the row's account_id",
          rows,
          keys: contactIds,
          count: examples[0]!.total,
        })),
      );
    }
  }
  return problems;
}

/** A key's text form for messages: the key column, or its columns joined by " / ". */
function keyText(table: TableContract): string {
  if (table.key.length === 0) return "null::varchar";
  return table.key.map((k) => `coalesce(cast(${ident(k)} as varchar), '∅')`).join(" || ' / ' || ");
}

/** Splits examples into one problem per file (error messages name exactly one file). */
function byFile<T extends { file: string; row: number; key?: string | null }>(
  examples: T[],
  make: (file: string, rows: number[], keys: string[] | undefined) => Problem,
): Problem[] {
  const files = [...new Set(examples.map((e) => e.file))];
  return files.map((file) => {
    const mine = examples.filter((e) => e.file === file);
    const keys = mine.map((e) => e.key).filter((k): k is string => typeof k === "string");
    return make(
      file,
      mine.map((e) => e.row),
      keys.length ? [...new Set(keys)] : undefined,
    );
  });
}
