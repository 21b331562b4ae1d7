/**
 * The model graph: every `.sql` file under src/sql describes itself in its leading comment block,
 * and this module reads those headers, derives what each model reads from its SQL, and builds any
 * target with what it needs, in dependency order, timing each model. Adding a model is adding one
 * `.sql` file: the stage its folder (or `-- stage:`) names builds it, after the models it reads.
 *
 * Header lines (leading `--` comments, before or among the description; all optional but grain):
 *   -- grain: account, week                 what one row is
 *   -- key: account_id, week_start          the columns that identify a row (unique, not null; the
 *                                           generic test checks it on every model after a full build)
 *   -- kind: model | staging | query | macros
 *                                           model (default): built as a table named after the file;
 *                                           staging: a view ingest creates over an export ({{ source }});
 *                                           query: rows a stage or a loader reads, never a table here;
 *                                           macros: statements run as they are
 *   -- stage: score                         the stage that builds it (default: the folder; intermediate,
 *                                           measures and scoring are the engine's stage "score")
 *   -- scope: portfolio | account | book    engine models only (default account): portfolio = built once
 *                                           before the account batches; account = reads one account's
 *                                           rows, built per batch; book = reads every account's rows of a
 *                                           week, built between the two batch passes
 *   -- reads: a, b                          inputs the SQL does not name (a template fragment's tables);
 *                                           `folder/*` names every file of src/sql/folder
 *   -- lifetime: batch                      dropped once its stage is built (only feeds models of its batch)
 *   -- materialized: view                   a model built as a view, not a table: a join or projection
 *                                           that one model reads once, so its rows are never stored
 *   -- params: text                         how `$name` parameters are filled (names are read from the SQL)
 *   -- template: text                       how `{{ name }}` fragments are filled (src/sql/templates.ts)
 * The description's first line starts with the file's name and a colon; the catalogue
 * (data/MODELS.md) shows its text.
 *
 * Inputs are the identifiers after FROM and JOIN (comments, strings and CTE names left out) that
 * name another model or a staging view, plus `-- reads:`; other relations (formula_* tables, the
 * run context) are made by TypeScript before the stage and listed as `relations`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBValue } from "@duckdb/node-api";
import { ident, literal, type Database } from "../db/duckdb.ts";
import { isOutOfMemory, memoryReport } from "../db/memory-report.ts";
import { paramsFor, render } from "./files.ts";

export type ModelKind = "model" | "staging" | "query" | "macros";
export type ModelScope = "portfolio" | "account" | "book";

export interface Model {
  /** The file's base name: the table (or view) it creates. */
  name: string;
  /** Path under src/sql, e.g. "scoring/accounts.sql". */
  file: string;
  kind: ModelKind;
  stage: string;
  scope: ModelScope;
  grain: string;
  key: string[];
  /** Models and staging views it reads, derived from the SQL and `-- reads:`. */
  inputs: string[];
  /** Other relations it reads: tables TypeScript creates (formula_*, run_context), template fragments' relations. */
  relations: string[];
  /** `$name` parameters the SQL uses. */
  params: string[];
  /** `{{ name }}` fragments the SQL needs. */
  fragments: string[];
  paramsNote: string | null;
  templateNote: string | null;
  lifetime: "batch" | null;
  /** How a model is built: a table (default), or a view its readers compute as they read it. */
  materialized: "table" | "view";
  /** The description (comment lines of the header but the tags), one paragraph. */
  description: string;
  sql: string;
}

const SQL_DIR = fileURLToPath(new URL(".", import.meta.url));
const TAGS = new Set(["grain", "key", "kind", "stage", "scope", "reads", "lifetime", "materialized", "params", "template"]);
/** Folders whose models one stage builds, and folders whose files are not models by default. */
const FOLDER_STAGE: Record<string, string> = { intermediate: "score", measures: "score", scoring: "score" };
const FOLDER_KIND: Record<string, ModelKind> = { staging: "staging", site: "query", evaluation: "query" };

/** Words that can follow FROM without naming a relation. */
const KEYWORDS = new Set(["as", "is", "where", "select", "lateral", "unnest", "values", "group", "order"]);

let cache: Map<string, Model> | undefined;

/** Every .sql file under src/sql, by name (file base names are unique). */
export function modelGraph(): Map<string, Model> {
  if (cache) return cache;
  const files = listSql(SQL_DIR).sort();
  const parsed = files.map((file) => parseModel(file, readFileSync(path.join(SQL_DIR, file), "utf8")));
  const byName = new Map<string, Model>();
  for (const model of parsed) {
    const other = byName.get(model.name);
    if (other) throw new Error(`src/sql/${model.file} and src/sql/${other.file} have the same name: models are named after their file`);
    byName.set(model.name, model);
  }
  for (const model of parsed) {
    // `-- reads: measures/*`: every file of a folder
    const expanded = model.inputs.flatMap((n) =>
      n.endsWith("/*") ? parsed.filter((m) => m.file.startsWith(n.slice(0, -1))).map((m) => m.name) : [n],
    );
    const named = new Set([...expanded, ...model.relations]);
    model.inputs = [...named]
      .filter((n) => n !== model.name && byName.has(n) && byName.get(n)!.kind !== "query" && byName.get(n)!.kind !== "macros")
      .sort();
    model.relations = [...named].filter((n) => n !== model.name && !model.inputs.includes(n)).sort();
  }
  cache = byName;
  return byName;
}

/** One model by name; throws naming it when there is none. */
export function model(name: string): Model {
  const found = modelGraph().get(name);
  if (!found) throw new Error(`no model named "${name}" under src/sql`);
  return found;
}

/** The models (kind model) a stage builds, in dependency order. */
export function stageModels(stage: string): Model[] {
  return order([...modelGraph().values()].filter((m) => m.kind === "model" && m.stage === stage));
}

/** `models` in dependency order (inputs first); ties in file order. Inputs outside the list are not added. */
export function order(models: readonly Model[]): Model[] {
  const wanted = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Model[] = [];
  const visit = (m: Model, trail: string[]) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new Error(`models read each other in a cycle: ${[...trail, m.name].join(" -> ")}`);
    visiting.add(m.name);
    for (const input of m.inputs) {
      const dep = wanted.get(input);
      if (dep) visit(dep, [...trail, m.name]);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of [...models].sort((a, b) => a.file.localeCompare(b.file))) visit(m, []);
  return out;
}

/** Every model `names` read, directly or not (kind model and staging), not including `names`. */
export function upstream(names: readonly string[]): Model[] {
  const graph = modelGraph();
  const seen = new Set<string>();
  const walk = (name: string) => {
    for (const input of graph.get(name)?.inputs ?? []) {
      if (seen.has(input)) continue;
      seen.add(input);
      walk(input);
    }
  };
  for (const name of names) walk(name);
  for (const name of names) seen.delete(name);
  return [...seen].map((name) => graph.get(name)!);
}

export interface BuildContext {
  /** Values for `$name` parameters; each model gets those it names. */
  params?: Record<string, DuckDBValue>;
  /** SQL fragments for `{{ name }}` placeholders (src/sql/templates.ts makes the formula's). */
  fragments?: Record<string, string>;
  /** Receives each model's build time. */
  timings?: ModelTiming[];
  /** Called before each model is built. */
  onModel?: (model: Model) => void;
}

export interface ModelTiming {
  model: string;
  seconds: number;
}

/** The model's SQL with its fragments filled. */
export function modelSql(m: Model, fragments: Record<string, string> = {}): string {
  if (m.fragments.length === 0) return m.sql;
  const missing = m.fragments.filter((name) => fragments[name] === undefined);
  if (missing.length > 0) throw new Error(`building ${m.name} (src/sql/${m.file}) needs the template fragment(s) ${missing.join(", ")}`);
  return render(m.sql, fragments);
}

/**
 * Creates (or replaces) table `as` (default: the model's name) from one model, with the
 * parameters and fragments it names; a view for a model whose header says `materialized: view`
 * (a model with parameters is always a table: a view cannot hold their values). A failure names the file.
 */
export async function buildModel(db: Database, m: Model | string, context: BuildContext = {}, as?: string): Promise<void> {
  const target = typeof m === "string" ? model(m) : m;
  if (target.kind !== "model") throw new Error(`src/sql/${target.file} is a ${target.kind}, not a model to build`);
  context.onModel?.(target);
  const started = performance.now();
  const sql = modelSql(target, context.fragments);
  const name = ident(as ?? target.name);
  const profile = profileFile(as ?? target.name);
  if (profile) await db.run(`set enable_profiling = 'json'; set profiling_mode = 'detailed'; set profiling_output = ${literal(profile)}`);
  try {
    if (target.materialized === "view" && target.params.length === 0) {
      // a table of the same name (an earlier build's) would refuse the replacement
      const table = await db.one("select 1 as found from duckdb_tables() where table_name = $name and schema_name = current_schema()", {
        name: as ?? target.name,
      });
      if (table) await db.run(`drop table ${name}`);
      await db.run(`create or replace view ${name} as ${sql}`);
    } else {
      if (
        await db.one("select 1 as found from duckdb_views() where view_name = $name and schema_name = current_schema()", {
          name: as ?? target.name,
        })
      )
        await db.run(`drop view ${name}`);
      await db.run(`create or replace table ${name} as ${sql}`, paramsFor(sql, context.params ?? {}) as Record<string, DuckDBValue>);
    }
  } catch (error) {
    // what held the memory: the tables kept from earlier models, or this query's own work
    const held = isOutOfMemory(error) ? ` (DuckDB then held ${await memoryReport(db).catch(() => "an unknown amount")})` : "";
    throw new Error(`building ${target.name} (src/sql/${target.file}) failed: ${(error as Error).message}${held}`);
  } finally {
    if (profile) await db.run("set enable_profiling = 'no_output'; pragma disable_profiling");
  }
  const timing = { model: target.name, seconds: (performance.now() - started) / 1000 };
  context.timings?.push(timing);
  for (const recorder of recorders) recorder.push({ ...timing, stage: target.stage });
  if (process.env.HEALTH_LOG_MODELS)
    process.stderr.write(`[model] ${target.name} (${target.stage}) ${timing.seconds.toFixed(3)}s; ${await memoryReport(db)}\n`);
}

/**
 * With HEALTH_PROFILE_MODELS=DIR, each model's build writes DuckDB's profile (operator timings and
 * row counts, JSON) to DIR/<model>.json, or <model>-2.json and on for a model built per batch:
 * what the engine's speed work reads (`npm run profile:top -- DIR/<model>.json`).
 */
function profileFile(name: string): string | undefined {
  const dir = process.env.HEALTH_PROFILE_MODELS;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const file = path.resolve(dir, n === 1 ? `${name}.json` : `${name}-${n}.json`);
    if (!existsSync(file)) return file;
  }
}

const recorders = new Set<StageTiming[]>();

export interface StageTiming extends ModelTiming {
  stage: string;
}

/**
 * Records every model built from now on, by any stage, until `stop()` (the benchmark prints them):
 * one entry per build, so a model built per account batch appears once per batch (see sumTimings).
 */
export function recordTimings(): { timings: StageTiming[]; stop(): void } {
  const timings: StageTiming[] = [];
  recorders.add(timings);
  return { timings, stop: () => void recorders.delete(timings) };
}

/** Builds `models` in dependency order (they are built whether or not they exist). */
export async function buildAll(db: Database, models: readonly Model[], context: BuildContext = {}): Promise<void> {
  for (const m of order(models)) await buildModel(db, m, context);
}

/**
 * Builds the targets and the models they read, directly or not, that the database does not hold
 * (a model already built is read as it is, and what it read is not looked at: a model dropped
 * after its batch stays dropped; with `fresh`, every model they read is built again), in
 * dependency order. A staging view that is missing is an error: ingest makes them.
 */
export async function buildTargets(db: Database, targets: readonly string[], context: BuildContext = {}, fresh = false): Promise<Model[]> {
  const existing = await relationsInDatabase(db);
  const wanted = targets.map(model);
  // walk up from the targets through the inputs to build; an input the database holds ends the walk
  const graph = modelGraph();
  const missing: Model[] = [];
  const seen = new Set(targets);
  const walk = (m: Model) => {
    for (const input of m.inputs) {
      if (seen.has(input)) continue;
      seen.add(input);
      const dep = graph.get(input)!;
      if (existing.has(input) && !(fresh && dep.kind === "model")) continue;
      missing.push(dep);
      walk(dep);
    }
  };
  for (const m of wanted) walk(m);
  const staging = missing.filter((m) => m.kind === "staging");
  if (staging.length > 0)
    throw new Error(`building ${targets.join(", ")} needs ${staging.map((m) => m.name).join(", ")}: run ingest first`);
  const built = order([...missing, ...wanted.filter((m) => !missing.includes(m))]);
  await buildAll(db, built, context);
  return built;
}

/** Builds every model of `stage` (and any missing model they read), in dependency order. */
export async function buildStage(db: Database, stage: string, context: BuildContext = {}): Promise<void> {
  await buildTargets(
    db,
    stageModels(stage).map((m) => m.name),
    context,
  );
}

/** Tables and views of any schema, by name. */
export async function relationsInDatabase(db: Database): Promise<Set<string>> {
  const rows = await db.all<{ name: string }>(
    "select table_name as name from duckdb_tables() union select view_name from duckdb_views() where not internal",
  );
  return new Set(rows.map((r) => r.name));
}

/** Seconds per model, summed over repeated builds (account batches), in first-build order. */
export function sumTimings(timings: readonly ModelTiming[]): ModelTiming[] {
  const sums = new Map<string, number>();
  for (const { model: name, seconds } of timings) sums.set(name, (sums.get(name) ?? 0) + seconds);
  return [...sums].map(([name, seconds]) => ({ model: name, seconds }));
}

// ---- parsing ------------------------------------------------------------------------------------

function listSql(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return listSql(path.join(dir, entry.name), rel);
    return entry.isFile() && entry.name.endsWith(".sql") ? [rel] : [];
  });
}

const list = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Reads a file's header and derives its inputs (names only; modelGraph keeps those that are models). */
export function parseModel(file: string, sql: string): Model {
  const name = path.basename(file, ".sql");
  const folder = file.includes("/") ? file.split("/")[0]! : "";
  const tags = new Map<string, string>();
  const description: string[] = [];
  for (const line of sql.split("\n")) {
    if (!line.startsWith("--")) {
      if (line.trim() === "") continue;
      break;
    }
    const text = line.replace(/^--\s?/, "");
    const tag = /^(\w+):\s*(.*)$/.exec(text);
    if (tag && TAGS.has(tag[1]!)) tags.set(tag[1]!, tag[2]!.trim());
    else description.push(text.trimEnd());
  }
  const kind = (tags.get("kind") ?? FOLDER_KIND[folder] ?? (folder === "" ? "macros" : "model")) as ModelKind;
  if (!["model", "staging", "query", "macros"].includes(kind))
    throw new Error(`src/sql/${file}: kind "${kind}": expected model, staging, query or macros`);
  const scope = (tags.get("scope") ?? "account") as ModelScope;
  if (!["portfolio", "account", "book"].includes(scope))
    throw new Error(`src/sql/${file}: scope "${scope}": expected portfolio, account or book`);
  const lifetime = tags.get("lifetime") ?? null;
  if (lifetime !== null && lifetime !== "batch") throw new Error(`src/sql/${file}: lifetime "${lifetime}": expected batch`);
  const materialized = tags.get("materialized") ?? "table";
  if (materialized !== "table" && materialized !== "view")
    throw new Error(`src/sql/${file}: materialized "${materialized}": expected table or view`);
  const body = stripCommentsAndStrings(sql);
  const ctes = new Set(
    [...body.matchAll(/\b([a-z_][a-z0-9_]*)\s+as\s+(?:not\s+)?(?:materialized\s+)?\(/gi)].map((m) => m[1]!.toLowerCase()),
  );
  const named = [...body.matchAll(/(?<!\$)\b(?:from|join)\s+((?:[a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*)\b(?!\s*\()/gi)]
    .map((m) => m[1]!.toLowerCase().replace(/^main\./, ""))
    .filter((n) => !ctes.has(n) && !n.includes(".") && !n.startsWith("__") && !KEYWORDS.has(n));
  return {
    // macro files are not relations: named by their path, as two may share a base name
    name: kind === "macros" ? file.replace(/\.sql$/, "") : name,
    file,
    kind,
    stage: tags.get("stage") ?? FOLDER_STAGE[folder] ?? (folder || "setup"),
    scope,
    grain: tags.get("grain") ?? "",
    key: list(tags.get("key")),
    inputs: [...new Set([...named, ...list(tags.get("reads"))])],
    relations: [],
    params: [...new Set([...body.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!))].sort(),
    fragments: [...new Set([...sql.replace(/--[^\n]*/g, " ").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!))].sort(),
    paramsNote: tags.get("params") ?? null,
    templateNote: tags.get("template") ?? null,
    lifetime: lifetime as Model["lifetime"],
    materialized,
    description: firstSentence(description),
    sql,
  };
}

/** The description's first sentence, without the leading "name:". */
function firstSentence(lines: readonly string[]): string {
  const until = lines.findIndex((line, i) => i > 0 && (line === "" || /^\s/.test(line)));
  const text = (until < 0 ? lines : lines.slice(0, until))
    .join(" ")
    .replace(/^[a-z_0-9]+:\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  const end = text.search(/(?<!\b(?:i\.e|e\.g))\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** The SQL with comments, string literals and template placeholders blanked out. */
function stripCommentsAndStrings(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, " ")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\{\{\s*\w+\s*\}\}/g, " __fragment__ ")
    .replace(/\bdistinct\s+from\b/gi, " ")
    .replace(/\b(extract|trim|substring)\s*\(([^()]*?)\bfrom\b/gi, "$1($2");
}
