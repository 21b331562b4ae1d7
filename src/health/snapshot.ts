/**
 * The data snapshot: what depends on the exports alone, kept per data fingerprint so that a run
 * with a changed formula re-does only the scoring and the stages after it.
 *
 * Once a run has built what depends on the data alone (src/health/engine.ts: the measures, their
 * book figures and each value's rank in the book), every relation of the database but the
 * formula's (the checked and staged exports, the weekly spine, every measure family, the measure
 * values, their book figures and ranks) that a later step reads is copied into one DuckDB file,
 * `<dir>/<key>.duckdb`, with `<key>.json` beside it (the ingest result: tables, warnings, export
 * date; and the SQL of the views over the usage files and of int_measure_ranked, a view over the
 * snapshot's own tables). Both are written under temporary names and
 * renamed, the JSON last, so a snapshot that is read is complete. A later run whose key matches
 * attaches the file read-only and skips the check, the rollup and the measures.
 *
 * The key covers: the data files (resolved path, size, mtime, symbolic links followed; `_answers/`
 * left out), the code that shapes the snapshot (ingest, contract, the staging, ingest, spine and
 * measure models' SQL and the TypeScript that runs them) and the two parts of a formula the
 * measures read: the measures it needs (int_measure_values unpivots those) and its user_health
 * section (int_contact_weeks scores each contact with it; measures_adoption averages it). A change
 * to weights, maps, categories, tiers, caps, alerts or expansion keeps the key.
 *
 * A book without export.json is never snapshot: its export date is the time of the run.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TABLES } from "../contract/tables.ts";
import { listFiles, statOrUndefined } from "../core/files.ts";
import { ident, literal, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import type { IngestResult } from "../ingest/ingest.ts";
import { prepareSession } from "../ingest/stage.ts";
import { modelGraph, stageModels } from "../sql/graph.ts";
import { enginePhases, neededMeasures, SNAPSHOT_FORMULA_READS } from "./engine.ts";

const SNAPSHOT_VERSION = 1;
const SCHEMA = "health_snapshot";
/** Snapshots kept in a cache folder besides the one just written (other data, other user_health). */
const KEEP_OLD = 2;

/** Where the snapshots of a run go: HEALTH_CACHE (`off` for none), else `<out>/.health-cache`. */
export function snapshotDirectory(out: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const setting = env.HEALTH_CACHE?.trim();
  if (setting === "off" || setting === "0") return null;
  return path.resolve(setting || path.join(out, ".health-cache"));
}

/** A hash of the data files: resolved path, size and mtime of each (links followed), `_answers/` left out. */
export function dataFingerprint(dataDir: string): string {
  const hash = createHash("sha256");
  hash.update(`data ${path.resolve(dataDir)}\n`);
  for (const file of listFiles(dataDir)) {
    // the ground truth of generated warehouses is for evaluation only: the engine never reads it
    if (file.split("/")[0] === "_answers") continue;
    const full = path.join(dataDir, file);
    const stat = statOrUndefined(full);
    hash.update(`data ${file} ${stat ? `${realpathSync(full)} ${stat.size} ${stat.mtimeMs}` : "dangling link"}\n`);
  }
  return hash.digest("hex");
}

const SRC = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
/** TypeScript that shapes the snapshot (src/..., recursively). */
const CODE_DIRS = ["ingest", "contract", "core", "db", "health", "formula"];

/** The source that shapes the snapshot: the TypeScript above and the SQL of every model it holds. */
function codeFingerprint(): string {
  const hash = createHash("sha256").update(`snapshot v${SNAPSHOT_VERSION}\n`);
  for (const dir of CODE_DIRS)
    for (const file of listFiles(path.join(SRC, dir)))
      if (/\.(ts|sql|yaml|json)$/.test(file)) hash.update(`code ${dir}/${file}\n`).update(readFileSync(path.join(SRC, dir, file)));
  for (const file of readdirSync(path.join(SRC, "sql")).sort())
    if (/\.(ts|sql)$/.test(file)) hash.update(`code sql/${file}\n`).update(readFileSync(path.join(SRC, "sql", file)));
  // every model of src/sql (a model's SQL is small; which ones the snapshot holds depends on the formula-free phases)
  for (const m of [...modelGraph().values()].sort((a, b) => a.file.localeCompare(b.file)))
    if (m.kind === "staging" || m.stage === "ingest" || m.stage === "score") hash.update(`model ${m.file}\n`).update(m.sql);
  return hash.digest("hex");
}

/**
 * What the snapshot's models read of the formula, by the graph: formula_* relations and `{{ }}`
 * fragments of the ingest, portfolio, measures, book and ranks models (src/sql/graph.ts derives them from the SQL).
 */
export function snapshotFormulaReads(): string[] {
  const phases = enginePhases();
  const models = [...phases.portfolio, ...phases.measures, ...phases.book, ...phases.ranks, ...stageModels("ingest")];
  const reads = models.flatMap((m) => [...m.relations.filter((r) => r.startsWith("formula_")), ...m.fragments.map((f) => `{{${f}}}`)]);
  return [...new Set(reads)].sort();
}

/**
 * What of the formula the snapshot's models read: the measures it needs (measure_unpivots) and the
 * user_health section (formula_user_weights, the user:* maps of formula_score_maps). Should a
 * model of the snapshot read anything else of the formula, the whole formula is in the key: the
 * snapshot stays right, only formula-only re-runs are lost, until this function learns it.
 */
function formulaPart(formula: LoadedFormula): string {
  if (snapshotFormulaReads().some((read) => !SNAPSHOT_FORMULA_READS.has(read))) return `whole formula ${formula.hash}`;
  const everyTable = new Set(TABLES.map((t) => t.name));
  return JSON.stringify({ measures: neededMeasures(formula, everyTable), user_health: formula.formula.user_health });
}

/** The snapshot key for this data and formula. */
export function snapshotKey(dataDir: string, formula: LoadedFormula): string {
  return createHash("sha256")
    .update(dataFingerprint(dataDir))
    .update(codeFingerprint())
    .update(formulaPart(formula))
    .digest("hex")
    .slice(0, 20);
}

interface SnapshotMeta {
  version: number;
  key: string;
  tables: string[];
  views: { name: string; sql: string }[];
  ingested: Omit<IngestResult, "exportedAt"> & { exportedAt: string };
}

/** Relations of the main schema the snapshot leaves out: the formula's and the run's own. */
const NOT_DATA = /^(formula_|run_context$)/;

/**
 * Models that only the tables built before the formula's phases read (the check's, the
 * portfolio's, the measures', the book's and the ranks'): a run that restores the snapshot builds
 * none of those, so it never reads these, and the snapshot leaves them out. At 10k accounts the
 * usage rollup and the per-contact weekly activity (11M rows each) took 17 s of the 32 s it took
 * to write the snapshot. A model read by a later stage, a site query or a model built as a view
 * (kept as SQL, so read on restore) stays in. The graph does not see TypeScript's queries: one of
 * a later step that read a model left out would fail on a restored run, which
 * test/health/snapshot.test.ts makes with every stage.
 */
export function readBeforeScoringOnly(): Set<string> {
  const phases = enginePhases();
  const graph = modelGraph();
  const before = new Set(
    [...stageModels("ingest"), ...phases.portfolio, ...phases.measures, ...phases.book, ...phases.ranks].map((m) => m.name),
  );
  const readers = new Map<string, string[]>();
  for (const m of graph.values()) for (const input of m.inputs) readers.set(input, [...(readers.get(input) ?? []), m.name]);
  const left = new Set<string>();
  for (const name of before) {
    const by = readers.get(name) ?? [];
    if (by.length > 0 && by.every((r) => before.has(r) && graph.get(r)?.materialized === "table")) left.add(name);
  }
  return left;
}

/** The snapshot, if one for `key` is complete in `dir`. */
function readMeta(dir: string, key: string): SnapshotMeta | undefined {
  const meta = path.join(dir, `${key}.json`);
  if (!existsSync(meta) || !existsSync(path.join(dir, `${key}.duckdb`))) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(meta, "utf8")) as SnapshotMeta;
    return parsed.version === SNAPSHOT_VERSION && parsed.key === key ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Restores the snapshot `key` of `dir` into `db` (macros and run context as ingest makes them, every
 * data relation a view over the attached file, the usage views as they were) and returns the ingest
 * result it was taken with; undefined when there is none (or it cannot be read), and `db` is untouched.
 */
export async function restoreSnapshot(db: Database, dir: string, key: string): Promise<IngestResult | undefined> {
  const meta = readMeta(dir, key);
  if (!meta) return undefined;
  try {
    await db.run(`attach ${literal(path.join(dir, `${key}.duckdb`))} as ${SCHEMA} (read_only)`);
  } catch {
    return undefined; // removed by another run's pruning meanwhile: compute it again
  }
  const exportedAt = new Date(meta.ingested.exportedAt);
  await prepareSession(db, exportedAt);
  for (const name of meta.tables) await db.run(`create or replace view main.${ident(name)} as select * from ${SCHEMA}.${ident(name)}`);
  // the views over the exports first: a model's view may read them
  const staged = (v: { name: string }) => (v.name.startsWith("stg_") ? 0 : 1);
  for (const view of [...meta.views].sort((a, b) => staged(a) - staged(b))) await db.run(view.sql);
  touch(path.join(dir, `${key}.json`));
  return { ...meta.ingested, exportedAt };
}

/** Writes the snapshot of `db`'s data relations as `key` in `dir` (see the module comment). */
export async function saveSnapshot(db: Database, dir: string, key: string, ingested: IngestResult): Promise<void> {
  if (ingested.exportedAtSource === "clock") return;
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${key}-${process.pid}-${Date.now()}`);
  const relations = await db.all<{ name: string; view_sql: string | null }>(`
    select table_name as name, null as view_sql from duckdb_tables() where database_name = current_database() and schema_name = 'main'
    union all
    select view_name, sql from duckdb_views() where not internal and database_name = current_database() and schema_name = 'main'
    order by name`);
  const unread = readBeforeScoringOnly();
  const data = relations.filter((r) => !NOT_DATA.test(r.name) && !unread.has(r.name));
  // views over the export files are kept as SQL (the files are in the key), and so are the models
  // built as views over the snapshot's own tables (int_measure_ranked: its rows are never stored);
  // others (a batched book's Parquet, gone after the run) are copied
  const graph = modelGraph();
  const keptAsSql = (r: { name: string; view_sql: string | null }) =>
    r.view_sql !== null &&
    (r.name.startsWith("stg_") || (graph.get(r.name)?.materialized === "view" && !/\bread_parquet\s*\(/i.test(r.view_sql)));
  const views = data.filter(keptAsSql).map((r) => ({ name: r.name, sql: r.view_sql! }));
  const tables = data.filter((r) => !views.some((v) => v.name === r.name)).map((r) => r.name);
  try {
    await db.run(`attach ${literal(`${tmp}.duckdb`)} as ${SCHEMA}_new`);
    try {
      for (const name of tables) await db.run(`create table ${SCHEMA}_new.${ident(name)} as select * from main.${ident(name)}`);
    } finally {
      await db.run(`detach ${SCHEMA}_new`);
    }
    const meta: SnapshotMeta = {
      version: SNAPSHOT_VERSION,
      key,
      tables,
      views,
      ingested: { ...ingested, exportedAt: ingested.exportedAt.toISOString() },
    };
    writeFileSync(`${tmp}.json`, `${JSON.stringify(meta)}\n`);
    renameSync(`${tmp}.duckdb`, path.join(dir, `${key}.duckdb`));
    renameSync(`${tmp}.json`, path.join(dir, `${key}.json`));
  } finally {
    rmSync(`${tmp}.duckdb`, { force: true });
    rmSync(`${tmp}.duckdb.wal`, { force: true });
    rmSync(`${tmp}.json`, { force: true });
  }
  prune(dir, key);
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // a snapshot pruned meanwhile: it was read already
  }
}

/** Removes all but the newest KEEP_OLD snapshots besides `current` (by last use). */
function prune(dir: string, current: string): void {
  const others = readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !name.startsWith(".") && name !== `${current}.json`)
    .map((name) => ({ key: name.slice(0, -5), used: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const old of others.slice(KEEP_OLD)) {
    rmSync(path.join(dir, `${old.key}.json`), { force: true });
    rmSync(path.join(dir, `${old.key}.duckdb`), { force: true });
  }
}
