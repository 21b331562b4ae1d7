/**
 * First gate: every file of every table can be read, is not empty, has the contract's columns,
 * and holds values of the right type. Runs before staging so that the staging casts cannot fail.
 */
import { createReadStream, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { columnsOf, type ColumnSpec, type ColumnType } from "../contract/introspect.ts";
import { duckdbReason, ident, literal, MemoryLimitError, type Database } from "../db/duckdb.ts";
import type { TableFiles } from "./discover.ts";
import { EXAMPLES, type Problem } from "./problems.ts";
import { readerCall, sourceRelation } from "./sources.ts";

export interface FileFacts {
  /** Header (column names) of each file. */
  columnsByFile: Map<string, Set<string>>;
  /** Data rows per file. */
  rowsByFile: Map<string, number>;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const NUMBER_TYPES = /^(FLOAT|DOUBLE|DECIMAL.*)$/;
const TIME_TYPES = /^(DATE|TIMESTAMP.*)$/;

/** Checks the files of one table; returns what it learnt and the problems it found. */
export async function checkTableFiles(db: Database, source: TableFiles): Promise<{ facts: FileFacts; problems: Problem[] }> {
  const { table, format, files } = source;
  const problems: Problem[] = [];
  const columnsByFile = new Map<string, Set<string>>();
  const typesByFile = new Map<string, Map<string, string>>();
  const contract = columnsOf(table);

  for (const file of files) {
    if (statSync(file).size === 0) {
      problems.push({
        level: "error",
        rule: "empty_file",
        table: table.name,
        file,
        message: "file is empty (0 bytes); expected a header row",
      });
      continue;
    }
    // DuckDB reads a cut-off gzip as far as it goes without a word (or sniffs its garbage as one
    // column): check the stream is whole first, with zlib's own reason when it is not
    const gzipProblem = file.endsWith(".gz") ? await gzipDamage(file) : undefined;
    if (gzipProblem) {
      problems.push({
        level: "error",
        rule: "unreadable_file",
        table: table.name,
        file,
        message: `cannot read the gzip file: ${gzipProblem} (is it truncated? export or copy it again)`,
      });
      continue;
    }
    let described: { column_name: string; column_type: string }[];
    try {
      described = await db.all(`describe select * from ${readerCall(format, [file])}`);
    } catch (error) {
      if (error instanceof MemoryLimitError) throw error;
      problems.push({
        level: "error",
        rule: "unreadable_file",
        table: table.name,
        file,
        message: `cannot read ${format.toUpperCase()}: ${duckdbReason(error)}`,
      });
      continue;
    }
    const types = new Map(
      described
        .filter((d) => d.column_name !== "filename" && d.column_name !== "file_row_number")
        .map((d) => [d.column_name, d.column_type]),
    );
    columnsByFile.set(file, new Set(types.keys()));
    typesByFile.set(file, types);
    for (const column of contract) {
      if (column.optional || types.has(column.name)) continue;
      const near = [...types.keys()].find((name) => name.toLowerCase() === column.name.toLowerCase());
      problems.push({
        level: "error",
        rule: "missing_column",
        table: table.name,
        file,
        column: column.name,
        message: `column is missing; expected ${describeType(column)}${near ? ` (found "${near}": names are case-sensitive)` : ""}`,
      });
    }
    const extra = [...types.keys()].filter((name) => !contract.some((c) => c.name === name));
    if (extra.length > 0) {
      problems.push({
        level: "warning",
        rule: "extra_column",
        table: table.name,
        file,
        message: `columns not in the contract are ignored: ${extra.map((n) => `"${n}"`).join(", ")}`,
      });
    }
  }
  if (problems.some((p) => p.level === "error")) return { facts: { columnsByFile, rowsByFile: new Map() }, problems };

  // Columns whose file type is not already the contract's need a value-by-value check.
  const toCheck = contract.filter((column) =>
    files.some((file) => {
      const type = typesByFile.get(file)?.get(column.name);
      return type !== undefined && needsValueCheck(column.type, type);
    }),
  );
  // A header-only CSV yields no group below, so every file starts at zero rows.
  const rowsByFile = new Map<string, number>(files.map((file) => [file, 0]));
  const failing = new Map<string, ColumnSpec>();
  if (format === "csv" || toCheck.length > 0) {
    const relation = sourceRelation(table, format, files, columnsByFile);
    const counts = toCheck.map((c, i) => `count(*) filter (where ${badValue(c)})::integer as c${i}`);
    const query = (rel: string) => `select _source_file as file, count(*)::integer as row_count${counts.map((c) => `, ${c}`).join("")}
       from ${rel} group by _source_file`;
    let rows: Record<string, unknown>[];
    try {
      rows = await db.all(query(relation));
    } catch (error) {
      if (error instanceof MemoryLimitError) throw error;
      // a fault past the rows DuckDB sniffed (a bad byte, an over-long line): find its file(s)
      for (const file of files) {
        try {
          await db.all(query(sourceRelation(table, format, [file], columnsByFile)));
        } catch (fileError) {
          if (fileError instanceof MemoryLimitError) throw fileError;
          problems.push({
            level: "error",
            rule: "unreadable_file",
            table: table.name,
            file,
            message: `cannot read ${format.toUpperCase()}: ${duckdbReason(fileError)}`,
          });
        }
      }
      if (!problems.some((p) => p.level === "error")) throw error;
      return { facts: { columnsByFile, rowsByFile: new Map() }, problems };
    }
    for (const row of rows) {
      rowsByFile.set(String(row.file), Number(row.row_count));
      toCheck.forEach((column, i) => {
        if (Number(row[`c${i}`]) > 0) failing.set(`${String(row.file)}\u0000${column.name}`, column);
      });
    }
  } else {
    const rows = await db.all<{ file: string; row_count: number }>(
      `select file_name as file, sum(num_rows)::integer as row_count from parquet_file_metadata([${files.map(literal).join(", ")}]) group by file_name`,
    );
    for (const row of rows) rowsByFile.set(row.file, row.row_count);
  }

  for (const [key, column] of failing) {
    const file = key.split("\u0000")[0]!;
    const relation = sourceRelation(table, format, [file], columnsByFile, { rowNumbers: true });
    const examples = await db.all<{ row: number; value: string; total: number }>(
      `select _source_row::integer as row, cast(${ident(column.name)} as varchar) as value, count(*) over ()::integer as total
       from ${relation} where ${badValue(column)} order by _source_row limit ${EXAMPLES}`,
    );
    const found = [...new Set(examples.map((e) => JSON.stringify(e.value)))].slice(0, 3).join(", ");
    problems.push({
      level: "error",
      rule: "wrong_type",
      table: table.name,
      file,
      column: column.name,
      message: `expected ${describeType(column)}, found ${found}`,
      rows: examples.map((e) => e.row),
      count: examples[0]?.total ?? examples.length,
    });
  }
  for (const [file, rows] of rowsByFile) {
    if (rows > 0) continue;
    problems.push({
      level: table.presence === "required" ? "error" : "warning",
      rule: "no_rows",
      table: table.name,
      file,
      message: table.presence === "required" ? "file has a header but no rows; this table is required" : "file has a header but no rows",
    });
  }
  return { facts: { columnsByFile, rowsByFile }, problems };
}

/** How a contract type reads in an error message. */
export function describeType(column: ColumnSpec): string {
  switch (column.type) {
    case "timestamp":
      return "a UTC timestamp such as 2025-03-04T10:15:00Z";
    case "date":
      return "a date such as 2025-03-04";
    case "integer":
      return "a whole number";
    case "double":
      return "a number";
    case "boolean":
      return "true or false";
    case "text":
      return "text";
  }
}

function needsValueCheck(type: ColumnType, fileType: string): boolean {
  switch (type) {
    case "text":
      return false;
    case "integer":
      return !INTEGER_TYPES.test(fileType);
    case "double":
      return !INTEGER_TYPES.test(fileType) && !NUMBER_TYPES.test(fileType);
    case "boolean":
      return fileType !== "BOOLEAN";
    case "date":
    case "timestamp":
      return !TIME_TYPES.test(fileType);
  }
}

/** True for a value present in the file that the staging cast would refuse. */
function badValue(column: ColumnSpec): string {
  const name = ident(column.name);
  return `${name} is not null and try_as_${column.type}(${name}) is null`;
}

/** zlib's reason when `file` is not one whole gzip stream (truncated, corrupt), else undefined. */
async function gzipDamage(file: string): Promise<string | undefined> {
  try {
    await pipeline(createReadStream(file), createGunzip(), new Writable({ write: (_chunk, _encoding, done) => done() }));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
