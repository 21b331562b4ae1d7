/**
 * Writes a run's output files so that a reader never sees a half-written set: every file goes to
 * a staging folder inside the output directory (same file system) and, once all of them are
 * written, each is renamed over its old version. A failure before `commit` leaves the published
 * files untouched.
 *
 * The output directory holds one run's files only. `.health-run.json` (the manifest) records the
 * inputs of the files it lists (formula hash, data directory, export date, the data files' sizes
 * and times); a publish whose inputs differ (another formula, other data) removes the files of the
 * earlier run that it did not rewrite, in the same commit, so `health score` with another formula
 * after `health run` does not leave alerts and a backtest of the first formula beside its scores.
 * A publish with the same inputs keeps them: they are the same run's files.
 *
 * Staging folders are named `.staging-<pid>-<time>`; one whose process is gone (a killed run) is
 * removed by the next batch in that directory.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ident, literal, type Database } from "../db/duckdb.ts";
import { listFiles, statOrUndefined } from "../core/files.ts";
import { copyCsv } from "./csv.ts";
import { removeDeadProcessFolders } from "../core/process.ts";

export interface WrittenFile {
  file: string;
  bytes: number;
  rows?: number;
}

/** What a run's files were computed from; two publishes with equal identities belong to one run. */
export interface RunIdentity {
  formula_hash: string;
  data: string;
  exported_at: string;
  /** Hash of the data files' relative paths, sizes and modification times. */
  data_files: string;
}

/** The manifest of the run whose files an output directory holds. */
export const MANIFEST = ".health-run.json";

interface Manifest extends RunIdentity {
  files: string[];
}

export class OutputBatch {
  private readonly staging: string;
  private readonly files: { name: string; rows?: number }[] = [];
  /** Files of an earlier run that the last commit removed. */
  removed: string[] = [];

  constructor(
    private readonly db: Database,
    readonly outDir: string,
    private readonly identity?: RunIdentity,
  ) {
    mkdirSync(outDir, { recursive: true });
    removeDeadStaging(outDir);
    this.staging = path.join(outDir, `${STAGING_PREFIX}${process.pid}-${Date.now()}`);
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
    this.removed = commitStaged(
      this.outDir,
      this.staging,
      this.files.map((f) => f.name),
      this.identity,
    );
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
export async function publish(
  db: Database,
  outDir: string,
  write: (batch: OutputBatch) => Promise<void>,
  identity?: RunIdentity,
  onRemoved?: (files: string[]) => void,
): Promise<WrittenFile[]> {
  const batch = new OutputBatch(db, outDir, identity);
  try {
    await write(batch);
    const files = batch.commit();
    if (batch.removed.length > 0) onRemoved?.(batch.removed);
    return files;
  } catch (error) {
    batch.abort();
    throw error;
  }
}

const STAGING_PREFIX = ".staging-";

/**
 * Renames `names` from `staging` over their versions in `outDir` and, with an identity, updates
 * the manifest: files of an earlier run with other inputs that this commit did not rewrite are
 * removed. Returns the names removed.
 */
export function commitStaged(outDir: string, staging: string, names: readonly string[], identity?: RunIdentity): string[] {
  const previous = readManifest(outDir);
  const sameRun = previous !== undefined && identity !== undefined && sameIdentity(previous, identity);
  const written = new Set(names);
  const stale =
    previous && identity && !sameRun ? previous.files.filter((name) => !written.has(name) && name !== MANIFEST && !name.includes("/")) : [];
  if (identity) {
    const files = sameRun ? [...new Set([...previous!.files, ...names])] : [...names];
    writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify({ ...identity, files } satisfies Manifest, null, 2)}\n`);
  }
  for (const name of names) renameSync(path.join(staging, name), path.join(outDir, name));
  if (identity) renameSync(path.join(staging, MANIFEST), path.join(outDir, MANIFEST));
  for (const name of stale) rmSync(path.join(outDir, name), { force: true });
  return stale.filter((name) => !existsSync(path.join(outDir, name)));
}

function readManifest(outDir: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(outDir, MANIFEST), "utf8")) as Manifest;
    return Array.isArray(manifest.files) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

function sameIdentity(a: RunIdentity, b: RunIdentity): boolean {
  return a.formula_hash === b.formula_hash && a.data === b.data && a.exported_at === b.exported_at && a.data_files === b.data_files;
}

/** The identity of a run over `dataDir` (every file under it, links followed) with the formula of hash `formulaHash`. */
export function runIdentity(dataDir: string, formulaHash: string, exportedAt: Date): RunIdentity {
  const hash = createHash("sha256");
  for (const file of listFiles(dataDir)) {
    const stat = statOrUndefined(path.join(dataDir, file));
    // a dangling link: ingest has refused it already, or it is not an export
    if (stat) hash.update(`${file} ${stat.size} ${stat.mtimeMs}\n`);
  }
  return {
    formula_hash: formulaHash,
    data: path.resolve(dataDir),
    exported_at: exportedAt.toISOString(),
    data_files: hash.digest("hex").slice(0, 16),
  };
}

/** Removes staging folders in `dir` (named `<prefix><pid>-...`) whose process is no longer alive. */
export function removeDeadStaging(dir: string, prefix = STAGING_PREFIX): string[] {
  return removeDeadProcessFolders(dir, prefix);
}
