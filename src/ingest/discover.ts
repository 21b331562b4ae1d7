/**
 * Finds the files of each contract table in a data directory and reads its export.json.
 *
 * A table is `<table>.csv`, `<table>.csv.gz`, `<table>.parquet`, `<table>-*.<ext>` (parts) or a
 * folder `<table>/` of such files; export.json may map a table to its own glob instead. Entries
 * starting with `_` or `.` are private (the demo's `_answers/`) and never read.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { columnsOf } from "../contract/introspect.ts";
import { ONE_OF_REQUIRED, TABLES, type TableContract } from "../contract/tables.ts";
import type { Database } from "../db/duckdb.ts";
import { ValidationError, type Problem } from "./problems.ts";

export type FileFormat = "csv" | "parquet";

export interface TableFiles {
  table: TableContract;
  format: FileFormat;
  /** Absolute paths, sorted. */
  files: string[];
}

export interface Discovery {
  dataDir: string;
  exportedAt: Date;
  /** Where exported_at came from, for the summary. */
  exportedAtSource: "export.json" | "clock";
  tables: Map<string, TableFiles>;
  warnings: Problem[];
}

export const EXPORT_FILE = "export.json";

const exportMetadataSchema = z
  .object({
    exported_at: z
      .union([z.iso.datetime({ offset: true }), z.iso.date()], {
        error: "expected an ISO timestamp such as 2026-01-31T00:00:00Z, or a date such as 2026-01-31 (midnight UTC)",
      })
      .describe("When the exports were taken: an ISO timestamp, or a date (midnight UTC)."),
    tables: z.record(z.string(), z.string().min(1)).optional().describe("Optional glob per table, relative to the data directory."),
  })
  .strict();

const EXTENSIONS: Record<string, FileFormat> = { ".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet" };

/** Lists every contract table's files; throws ValidationError for a missing directory or required table. */
export async function discover(db: Database, dataDir: string, now: Date = new Date()): Promise<Discovery> {
  const dir = path.resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ValidationError([
      { level: "error", rule: "missing_directory", table: "-", file: dataDir, message: "data directory not found" },
    ]);
  }
  const problems: Problem[] = [];
  const metadata = readExportMetadata(dir, problems);
  const entries = readdirSync(dir).filter((name) => !name.startsWith("_") && !name.startsWith("."));
  const claimed = new Set<string>([EXPORT_FILE]);
  const tables = new Map<string, TableFiles>();

  for (const table of TABLES) {
    const glob = metadata?.tables?.[table.name];
    const found = glob ? await globFiles(db, dir, glob) : conventionalFiles(dir, entries, table.name);
    for (const entry of found.entries) claimed.add(entry);
    if (found.files.length === 0) {
      if (table.presence === "required") {
        problems.push({
          level: "error",
          rule: "missing_table",
          table: table.name,
          file: path.join(dataDir, glob ?? `${table.name}.csv`),
          message: glob
            ? `required table "${table.name}" not found: no file matches "${glob}"`
            : `required table "${table.name}" not found: expected ${table.name}.csv, ${table.name}.csv.gz, ${table.name}.parquet or a ${table.name}/ folder`,
        });
      }
      continue;
    }
    const broken = found.files.filter((file) => !existsSync(file));
    if (broken.length > 0) {
      for (const file of broken) {
        problems.push({
          level: "error",
          rule: "unreadable_file",
          table: table.name,
          file,
          message: `${brokenLinkText(file)}; fix the link or remove it`,
        });
      }
      // the table is there, with a broken file: not also "missing"
      tables.set(table.name, { table, format: "csv", files: found.files });
      continue;
    }
    const formats = new Set(found.files.map(formatOf));
    if (formats.size > 1) {
      problems.push({
        level: "error",
        rule: "mixed_formats",
        table: table.name,
        file: path.join(dataDir, glob ?? table.name),
        message: "mixes CSV and Parquet files; use one format per table",
      });
      continue;
    }
    tables.set(table.name, { table, format: formatOf(found.files[0]!), files: found.files });
  }

  for (const group of ONE_OF_REQUIRED) {
    if (!group.some((name) => tables.has(name))) {
      problems.push({
        level: "error",
        rule: "missing_table",
        table: group.join("|"),
        file: dataDir,
        message: `one of ${group.join(" or ")} is required and neither was found`,
      });
    }
  }
  // A required foreign key into an absent table could never be satisfied: say so once, by table.
  // One that may be empty (usage without contacts) is checked row by row later: a value is an orphan.
  for (const { table } of tables.values()) {
    for (const column of columnsOf(table)) {
      const target = column.references?.table;
      if (target && column.required && !tables.has(target) && !problems.some((p) => p.table === target)) {
        problems.push({
          level: "error",
          rule: "missing_table",
          table: table.name,
          column: column.name,
          file: dataDir,
          message: `${table.name}.${column.name} refers to ${target}, which is absent`,
        });
      }
    }
  }

  const warnings: Problem[] = entries
    .filter((entry) => !claimed.has(entry))
    .map((entry) => ({
      level: "warning" as const,
      rule: "ignored_file",
      table: "-",
      file: path.join(dataDir, entry),
      message: "not a contract table; ignored (check the file name if it should be one)",
    }));

  if (problems.length > 0) throw new ValidationError(problems);
  if (!metadata) {
    warnings.push({
      level: "warning",
      rule: "missing_export_metadata",
      table: "export",
      file: path.join(dataDir, EXPORT_FILE),
      message: `no ${EXPORT_FILE}: using the time of this run, ${now.toISOString()}, as the export date; write {"exported_at": "<when the exports were taken>"} there so that reruns score the same weeks`,
    });
  }
  return {
    dataDir: dir,
    exportedAt: metadata ? new Date(metadata.exported_at) : now,
    exportedAtSource: metadata ? "export.json" : "clock",
    tables,
    warnings,
  };
}

/** What a path that does not resolve is: a dangling symbolic link (naming its target), or gone. */
function brokenLinkText(file: string): string {
  try {
    if (lstatSync(file).isSymbolicLink()) return `is a symbolic link to ${readlinkSync(file)}, which does not exist`;
  } catch {
    // vanished between the listing and now
  }
  return "cannot be read: it no longer exists";
}

/** stat that follows links, undefined for a dangling one. */
function statOrUndefined(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function readExportMetadata(dir: string, problems: Problem[]): z.infer<typeof exportMetadataSchema> | undefined {
  const file = path.join(dir, EXPORT_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    problems.push({
      level: "error",
      rule: "unreadable_file",
      table: "export",
      file,
      message: `not valid JSON: ${(error as Error).message}`,
    });
    return undefined;
  }
  const parsed = exportMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({
        level: "error",
        rule: "bad_export_metadata",
        table: "export",
        file,
        column: issue.path.join(".") || undefined,
        message: `${issue.message} (expected {"exported_at": "2026-01-31T00:00:00Z", "tables"?: {"<table>": "<glob>"}})`,
      });
    }
    return undefined;
  }
  const unknown = Object.keys(parsed.data.tables ?? {}).filter((name) => !TABLES.some((t) => t.name === name));
  for (const name of unknown) {
    problems.push({
      level: "error",
      rule: "bad_export_metadata",
      table: "export",
      file,
      column: `tables.${name}`,
      message: `"${name}" is not a contract table`,
    });
  }
  return parsed.data;
}

function conventionalFiles(dir: string, entries: string[], table: string): { files: string[]; entries: string[] } {
  const files: string[] = [];
  const used: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (entry === table && statOrUndefined(full)?.isDirectory()) {
      const inside = listRecursive(full).filter((file) => extensionOf(file) !== undefined);
      files.push(...inside);
      used.push(entry);
      continue;
    }
    const ext = extensionOf(entry);
    if (!ext) continue;
    const stem = entry.slice(0, -ext.length);
    if (stem === table || stem.startsWith(`${table}-`)) {
      files.push(full);
      used.push(entry);
    }
  }
  return { files: files.sort(), entries: used };
}

async function globFiles(db: Database, dir: string, pattern: string): Promise<{ files: string[]; entries: string[] }> {
  const rows = await db.all<{ file: string }>("select file from glob($pattern) order by file", {
    pattern: path.join(dir, pattern),
  });
  const files = rows.map((r) => r.file).filter((file) => extensionOf(file) !== undefined);
  const entries = files.map((file) => path.relative(dir, file).split(path.sep)[0]!);
  return { files, entries };
}

function listRecursive(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith("_") || entry.name.startsWith(".")) return [];
    const full = path.join(dir, entry.name);
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && statOrUndefined(full)?.isDirectory());
    return isDirectory ? listRecursive(full) : [full];
  });
}

function extensionOf(name: string): string | undefined {
  return Object.keys(EXTENSIONS).find((ext) => name.endsWith(ext));
}

function formatOf(file: string): FileFormat {
  const ext = extensionOf(file);
  if (!ext) throw new Error(`no known extension: ${file}`);
  return EXTENSIONS[ext]!;
}
