/**
 * The one module that owns DuckDB. Every pipeline step receives a `Database` and never opens its own,
 * so a run shares one in-memory catalogue (staged views, rollups) and one memory budget.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { removeDeadProcessFolders } from "../core/process.ts";
import { UsageError } from "../errors.ts";

/** Resource limits for DuckDB; each falls back to its HEALTH_DUCKDB_* environment variable, then DuckDB's default. */
export interface DatabaseOptions {
  /** e.g. "4GB"; DuckDB spills to `tempDirectory` beyond it. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills when a query outgrows `memoryLimit`. */
  tempDirectory?: string;
}

export type Params = Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export class Database {
  private scratch: string | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** This database's own spill folder (see `open`), removed by `close`. */
    private spill: string | undefined,
  ) {}

  /** Opens an in-memory database with the given limits. */
  static async open(options: DatabaseOptions = {}): Promise<Database> {
    const settings: Record<string, string> = {};
    const memoryLimit = options.memoryLimit ?? process.env.HEALTH_DUCKDB_MEMORY_LIMIT;
    const threads = options.threads ?? numberFromEnv("HEALTH_DUCKDB_THREADS");
    const tempDirectory = options.tempDirectory ?? process.env.HEALTH_DUCKDB_TEMP_DIR;
    if (memoryLimit) settings.memory_limit = memoryLimit;
    if (threads) settings.threads = String(threads);
    if (tempDirectory) checkTempDirectory(tempDirectory);
    // A spill folder of this database's own inside the setting (default .tmp in the working
    // directory): DuckDB names its spill file the same in every process, so two runs sharing the
    // folder overwrote each other's spilled data (seen: a 100k-account run failed reading it back).
    const spill = privateSpillFolder(tempDirectory);
    settings.temp_directory = spill;
    // Keep row order stable so that generated files are byte-identical from run to run.
    settings.preserve_insertion_order = "true";
    // Hand freed memory back to the system as the run goes, not only when a task's peak passes a
    // threshold: at the same 2.5 GB limit a 10k-account run peaked at 3.0 GiB RSS against 3.6 GiB,
    // in the same time and with the same output bytes.
    settings.allocator_background_threads = "true";
    let instance: DuckDBInstance;
    try {
      instance = await createInstance(settings);
    } catch (error) {
      rmSync(spill, { recursive: true, force: true });
      throw error;
    }
    const connection = await instance.connect();
    await connection.run("set timezone = 'UTC'");
    return new Database(instance, connection, spill);
  }

  /** Runs one statement (with bound `$name` parameters) or, without parameters, a script of several. */
  async run(sql: string, params?: Params): Promise<void> {
    const started = performance.now();
    try {
      await this.connection.run(sql, params);
    } catch (error) {
      throw asResourceError(error);
    }
    logIfSlow(sql, started);
  }

  /**
   * Runs a query and returns plain JS rows. Counts should be cast in SQL; any BIGINT that still
   * arrives is turned into a number so results can go straight to JSON.
   */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(sql, params).catch((error: unknown) => Promise.reject(asResourceError(error)));
    logIfSlow(sql, started);
    return reader.getRowObjectsJS().map((row) => plainRow(row) as T);
  }

  /**
   * Runs a query and returns its columns as arrays, for numeric work over many rows (building
   * row objects costs far more). BIGINTs become numbers, as in `all`.
   */
  async columns(sql: string, params?: Params): Promise<Record<string, unknown[]>> {
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(sql, params).catch((error: unknown) => Promise.reject(asResourceError(error)));
    logIfSlow(sql, started);
    const out: Record<string, unknown[]> = {};
    for (const [name, values] of Object.entries(reader.getColumnsObjectJS())) out[name] = values.map(plainValue);
    return out;
  }

  /**
   * Runs `work` with unqualified names resolving in `schema` first, then in main (DuckDB's `USE`),
   * and returns to main after: tables or views of the same names in `schema` shadow main's, so the
   * same SQL files run over a narrowed set of rows.
   */
  async withSchemaFirst<T>(schema: string, work: () => Promise<T>): Promise<T> {
    const database = ident(String((await this.one("select current_database() as name"))!.name));
    await this.run(`use ${database}.${ident(schema)}`);
    try {
      return await work();
    } finally {
      await this.run(`use ${database}.main`);
    }
  }

  /** The first row of a query, or undefined. */
  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * A folder of this database's own for files it writes and reads back during a run (account
   * batches kept as Parquet), made on first use inside DuckDB's spill directory, so that one
   * setting (HEALTH_DUCKDB_TEMP_DIR) says which disk takes what does not fit in memory. Removed
   * by `close`.
   */
  async scratchDirectory(): Promise<string> {
    if (!this.scratch) {
      const setting = await this.one<{ dir: string }>("select current_setting('temp_directory') as dir");
      const spill = path.resolve(setting?.dir || ".tmp");
      mkdirSync(spill, { recursive: true });
      this.scratch = mkdtempSync(path.join(spill, "health-scratch-"));
    }
    return this.scratch;
  }

  /** Closes the connection and the instance, and removes the scratch and spill folders; safe to call twice. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
    if (this.spill) rmSync(this.spill, { recursive: true, force: true });
    this.spill = undefined;
  }
}

/** Opens a database, runs `work`, and always closes it. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>, options?: DatabaseOptions): Promise<T> {
  const db = await Database.open(options);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/**
 * With HEALTH_SLOW_SQL=SECONDS (a number, e.g. 0.5), every statement that took longer is written
 * to stderr with its time and the start of its SQL: the models have their own timings
 * (src/sql/graph.ts), this finds the time spent in the queries between them (reports, checks,
 * output files).
 */
function logIfSlow(sql: string, started: number): void {
  const threshold = Number(process.env.HEALTH_SLOW_SQL);
  if (!process.env.HEALTH_SLOW_SQL || !(threshold >= 0)) return;
  const seconds = (performance.now() - started) / 1000;
  if (seconds < threshold) return;
  const text = sql
    .replace(/--[^\n]*/g, "")
    .replace(/\s+/g, " ")
    .trim();
  process.stderr.write(`[sql ${seconds.toFixed(2)}s] ${text.slice(0, 160)}\n`);
}

/** Quotes an identifier (table, column, file path in a FROM clause) for SQL text; values go through params. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for the few places DuckDB takes no parameter (file lists in table functions, COPY targets). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  return out;
}

function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

/** A positive whole number from the environment variable `name`; a bad value is a UsageError naming it (exit 2). */
export function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Which environment variable sets each DuckDB setting, to name it in errors. */
const SETTING_SOURCES: Record<string, string> = {
  memory_limit: "HEALTH_DUCKDB_MEMORY_LIMIT",
  threads: "HEALTH_DUCKDB_THREADS",
  temp_directory: "HEALTH_DUCKDB_TEMP_DIR",
};

/**
 * Checks every HEALTH_DUCKDB_* / HEALTH_CONTACTS_PER_BATCH setting before a command does any
 * work, so that a typo is refused at once with the variable's name (exit 2) rather than after
 * the exports were read. Opens and closes a bare DuckDB instance to let DuckDB judge the values.
 */
export async function checkSettings(): Promise<void> {
  numberFromEnv("HEALTH_CONTACTS_PER_BATCH");
  const db = await Database.open();
  db.close();
}

/** DuckDB only says "Failed to set config": retry each setting alone to name the one it refused. */
async function createInstance(settings: Record<string, string>): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(":memory:", settings);
  } catch (error) {
    for (const [name, value] of Object.entries(settings)) {
      const source = SETTING_SOURCES[name];
      if (!source) continue;
      try {
        (await DuckDBInstance.create(":memory:", { [name]: value })).closeSync();
      } catch (alone) {
        const hint = name === "memory_limit" ? " such as 4GB or 512MB" : "";
        throw new UsageError(
          `${source} must be a value DuckDB accepts for ${name}${hint}, got "${value}" (DuckDB: ${duckdbReason(alone)})`,
        );
      }
    }
    throw error;
  }
}

const SPILL_PREFIX = "health-spill-";

/**
 * Makes `<base>/health-spill-<pid>-XXXXXX` for one database and removes the folders of processes no
 * longer running (a killed run's spilled gigabytes), as a killed run's staging folder is removed
 * by the next run.
 */
function privateSpillFolder(setting: string | undefined): string {
  const base = path.resolve(setting || ".tmp");
  try {
    return spillFolderIn(base);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    if (setting) throw new UsageError(`HEALTH_DUCKDB_TEMP_DIR: cannot make a spill folder in "${base}" (${reason})`);
    // a working directory one may not write to (npx health from /): the system's temporary folder
    return spillFolderIn(os.tmpdir());
  }
}

function spillFolderIn(base: string): string {
  mkdirSync(base, { recursive: true });
  const folder = mkdtempSync(path.join(base, `${SPILL_PREFIX}${process.pid}-`));
  try {
    removeDeadProcessFolders(base, SPILL_PREFIX);
  } catch {
    // best effort: in a shared folder, another user's may not be ours to remove
  }
  return folder;
}

function checkTempDirectory(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`HEALTH_DUCKDB_TEMP_DIR must be a directory, got "${dir}", which is a file`);
}

/** DuckDB ran out of memory: the fix is a setting, not the exports. Exit 2, naming the setting to raise. */
export class MemoryLimitError extends UsageError {
  override name = "MemoryLimitError";
}

/** Turns DuckDB's out-of-memory error into a MemoryLimitError that says which setting to raise; other errors pass through. */
export function asResourceError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (!/Out of Memory Error/i.test(message)) return error;
  const limit = process.env.HEALTH_DUCKDB_MEMORY_LIMIT;
  return new MemoryLimitError(
    `DuckDB ran out of memory${limit ? ` within HEALTH_DUCKDB_MEMORY_LIMIT=${limit}` : " within its default limit (80% of RAM)"}: ` +
      `raise HEALTH_DUCKDB_MEMORY_LIMIT (e.g. 4GB), or point HEALTH_DUCKDB_TEMP_DIR at a disk with room to spill. DuckDB: ${duckdbReason(error).split("; Possible solutions:")[0]}`,
  );
}

/**
 * DuckDB's reason from one of its error messages, whole but without what only repeats the input:
 * the echoed "Original Line" (a 3 MB field would fill the screen), the reader's option dump, the
 * SQL excerpt and its "Possible Solution" lines (they name reader options, not what to change in
 * the export). The reason's own lines are joined with "; ".
 */
export function duckdbReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const kept: string[] = [];
  for (const raw of message.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (/^(Original Line:|Possible Solution:|LINE \d+:|\^)/.test(line)) continue;
    // the reader's option dump: "delimiter = , (Auto-Detected)" and the like
    if (/^[a-z_]+ =( |$)/.test(line)) continue;
    kept.push(line);
  }
  let reason = kept.join("; ") || message.trim();
  // DuckDB counts this one within its read buffer, not the file: its line number misleads
  if (/Maximum line size/.test(reason)) reason = reason.replace(/ on Line: \d+/, "");
  return reason;
}
