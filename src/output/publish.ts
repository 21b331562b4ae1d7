/**
 * Writes a run's output files so that a reader never sees a half-written set: every file goes to
 * a staging folder inside the output directory (same file system) and, once all of them are
 * written, each is renamed over its old version. A failure before `commit` leaves the published
 * files untouched.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ident, literal, type Database } from "../db/duckdb.ts";
import { copyCsv } from "./csv.ts";

export interface WrittenFile {
  file: string;
  bytes: number;
  rows?: number;
}

export class OutputBatch {
  private readonly staging: string;
  private readonly files: { name: string; rows?: number }[] = [];

  constructor(
    private readonly db: Database,
    readonly outDir: string,
  ) {
    mkdirSync(outDir, { recursive: true });
    this.staging = path.join(outDir, `.staging-${process.pid}-${Date.now()}`);
    mkdirSync(this.staging);
  }

  /** Writes the rows of `query` (a query, or a table name) as `<name>.parquet`. */
  async parquet(name: string, query: string): Promise<void> {
    const file = path.join(this.staging, `${name}.parquet`);
    const source = /^\w+$/.test(query) ? `select * from ${ident(query)}` : query;
    await this.db.run(`copy (${source}) to ${literal(file)} (format parquet, compression zstd)`);
    const count = await this.db.one<{ n: number }>(`select count(*)::integer as n from read_parquet(${literal(file)})`);
    this.files.push({ name: `${name}.parquet`, rows: count?.n ?? 0 });
  }

  /** Writes the rows of `query` as CSV to `name`, by DuckDB (see csv.ts for how cells read). */
  async csv(name: string, query: string): Promise<void> {
    await copyCsv(this.db, query, path.join(this.staging, name));
    this.files.push({ name });
  }

  /** Writes `data` as `<name>.json`. */
  json(name: string, data: unknown): void {
    writeFileSync(path.join(this.staging, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
    this.files.push({ name: `${name}.json` });
  }

  /** Writes `text` as `name` (any extension). */
  text(name: string, text: string): void {
    writeFileSync(path.join(this.staging, name), text);
    this.files.push({ name });
  }

  /** Publishes every file written so far and removes the staging folder. */
  commit(): WrittenFile[] {
    for (const { name } of this.files) renameSync(path.join(this.staging, name), path.join(this.outDir, name));
    this.abort();
    return this.files.map(({ name, rows }) => {
      const file = path.join(this.outDir, name);
      return { file, bytes: statSync(file).size, ...(rows === undefined ? {} : { rows }) };
    });
  }

  /** Drops whatever was written; the published files stay as they were. */
  abort(): void {
    if (existsSync(this.staging)) rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Runs `write` against a fresh batch and commits it, or aborts it if `write` throws. */
export async function publish(db: Database, outDir: string, write: (batch: OutputBatch) => Promise<void>): Promise<WrittenFile[]> {
  const batch = new OutputBatch(db, outDir);
  try {
    await write(batch);
    return batch.commit();
  } catch (error) {
    batch.abort();
    throw error;
  }
}
