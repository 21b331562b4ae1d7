/**
 * Writes a command's output files so that a reader never sees a half-written set: everything goes
 * to a staging folder inside the output directory first (same file system), then each file is
 * renamed over its old version. A failure before that point leaves the published files untouched.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ident, literal, type Database } from "../db/duckdb.ts";

export interface ParquetOutput {
  /** File name without extension. */
  name: string;
  /** A query (or table name) whose rows become the file, already ordered. */
  query: string;
}

export interface JsonOutput {
  name: string;
  data: unknown;
}

export interface WrittenFile {
  file: string;
  bytes: number;
  rows?: number;
}

export async function publishOutputs(
  db: Database,
  outDir: string,
  parquet: readonly ParquetOutput[],
  json: readonly JsonOutput[] = [],
): Promise<WrittenFile[]> {
  mkdirSync(outDir, { recursive: true });
  const staging = path.join(outDir, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  try {
    const written: { name: string; rows?: number }[] = [];
    for (const output of parquet) {
      const file = path.join(staging, `${output.name}.parquet`);
      const source = /^\w+$/.test(output.query) ? `select * from ${ident(output.query)}` : output.query;
      await db.run(`copy (${source}) to ${literal(file)} (format parquet, compression zstd)`);
      const count = await db.one<{ n: number }>(`select count(*)::integer as n from read_parquet(${literal(file)})`);
      written.push({ name: `${output.name}.parquet`, rows: count?.n ?? 0 });
    }
    for (const output of json) {
      writeFileSync(path.join(staging, `${output.name}.json`), `${JSON.stringify(output.data, null, 2)}\n`);
      written.push({ name: `${output.name}.json` });
    }
    for (const { name } of written) renameSync(path.join(staging, name), path.join(outDir, name));
    return written.map(({ name, rows }) => {
      const file = path.join(outDir, name);
      return { file, bytes: statSync(file).size, ...(rows === undefined ? {} : { rows }) };
    });
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}
