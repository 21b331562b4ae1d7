/**
 * The one module that owns DuckDB. Every pipeline step receives a `Database` and never opens its own,
 * so a run shares one in-memory catalogue (staged views, rollups) and one memory budget.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";

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
  ) {}

  /** Opens an in-memory database with the given limits. */
  static async open(options: DatabaseOptions = {}): Promise<Database> {
    const settings: Record<string, string> = {};
    const memoryLimit = options.memoryLimit ?? process.env.HEALTH_DUCKDB_MEMORY_LIMIT;
    const threads = options.threads ?? numberFromEnv("HEALTH_DUCKDB_THREADS");
    const tempDirectory = options.tempDirectory ?? process.env.HEALTH_DUCKDB_TEMP_DIR;
    if (memoryLimit) settings.memory_limit = memoryLimit;
    if (threads) settings.threads = String(threads);
    if (tempDirectory) settings.temp_directory = tempDirectory;
    // Keep row order stable so that generated files are byte-identical from run to run.
    settings.preserve_insertion_order = "true";
    const instance = await DuckDBInstance.create(":memory:", settings);
    const connection = await instance.connect();
    await connection.run("set timezone = 'UTC'");
    return new Database(instance, connection);
  }

  /** Runs one statement (with bound `$name` parameters) or, without parameters, a script of several. */
  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params);
  }

  /**
   * Runs a query and returns plain JS rows. Counts should be cast in SQL; any BIGINT that still
   * arrives is turned into a number so results can go straight to JSON.
   */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => plainRow(row) as T);
  }

  /**
   * Runs a query and returns its columns as arrays, for numeric work over many rows (building
   * row objects costs far more). BIGINTs become numbers, as in `all`.
   */
  async columns(sql: string, params?: Params): Promise<Record<string, unknown[]>> {
    const reader = await this.connection.runAndReadAll(sql, params);
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

  /** Closes the connection and the instance, and removes the scratch folder; safe to call twice. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
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

export function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
