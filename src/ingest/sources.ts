/**
 * The FROM-clause relation that a staging model reads: the export's files through DuckDB's CSV or
 * Parquet reader, every contract column present (absent optional ones as nulls), plus the lineage
 * columns `_source_file` and `_source_row`.
 */
import { columnsOf } from "../contract/introspect.ts";
import type { TableContract } from "../contract/tables.ts";
import { ident, literal } from "../db/duckdb.ts";
import type { FileFormat } from "./discover.ts";

export interface SourceOptions {
  /**
   * Number rows within each file. Free for Parquet; for CSV it numbers each file separately,
   * which costs a pass, so it is only asked for when an error needs row numbers.
   */
  rowNumbers?: boolean;
}

/** DuckDB table-function call reading `files` (one or many) in the given format. */
export function readerCall(format: FileFormat, files: readonly string[]): string {
  const list = `[${files.map(literal).join(", ")}]`;
  return format === "csv"
    ? `read_csv(${list}, header = true, all_varchar = true, union_by_name = true, filename = true)`
    : `read_parquet(${list}, union_by_name = true, filename = true, file_row_number = true)`;
}

/**
 * A parenthesised relation over `files` with the contract's columns. `columnsByFile` holds the
 * header of each file; a contract column missing from a file reads as null there.
 */
export function sourceRelation(
  table: TableContract,
  format: FileFormat,
  files: readonly string[],
  columnsByFile: ReadonlyMap<string, ReadonlySet<string>>,
  options: SourceOptions = {},
): string {
  const select = (readFiles: readonly string[], row: string) => {
    const present = new Set(readFiles.flatMap((file) => [...(columnsByFile.get(file) ?? [])]));
    const columns = columnsOf(table).map((c) => (present.has(c.name) ? ident(c.name) : `null as ${ident(c.name)}`));
    return `select ${columns.join(", ")}, filename as _source_file, ${row} as _source_row from ${readerCall(format, readFiles)}`;
  };
  if (format === "parquet") return `(${select(files, "file_row_number + 1")})`;
  if (!options.rowNumbers) return `(${select(files, "null::bigint")})`;
  // One numbered scan per file: row_number() over a single-file scan follows the file's order.
  return `(${files.map((file) => select([file], "row_number() over ()")).join("\nunion all\n")})`;
}
