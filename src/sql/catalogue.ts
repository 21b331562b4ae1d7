/**
 * The model catalogue (data/MODELS.md, written by `npm run docs`): every .sql file under src/sql
 * with its grain, key, inputs and columns, and the lineage from the exports to each output file
 * and from the output files to the site's pages. Grain, key and inputs come from the headers
 * (src/sql/graph.ts); columns from DuckDB's DESCRIBE after building the whole graph on a small
 * generated warehouse; the output files from running the main job's stages against a batch that
 * records what each file is written from.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../core/paths.ts";
import { createLogger } from "../core/log.ts";
import { ident, withDatabase, type Database } from "../db/duckdb.ts";
import { loadFormula, type LoadedFormula } from "../formula/load.ts";
import { DEFAULT_FORMULA_FILE } from "../core/paths.ts";
import { BACKTEST_DEFAULTS } from "../backtest/options.ts";
import { tierFlags } from "../backtest/metrics.ts";
import { WHATIF_DEFAULTS } from "../backtest/whatif.ts";
import { computeHealth, type EngineOptions } from "../health/engine.ts";
import { ingest } from "../ingest/ingest.ts";
import type { OutputBatch } from "../output/publish.ts";
import { buildOutcomes, OUTCOMES_DEFAULTS } from "../outcomes/outcomes.ts";
import { STAGES } from "../run.ts";
import { buildTargets, modelGraph, parseModel, relationsInDatabase, upstream, type Model } from "./graph.ts";

export const MODELS_DOCS_FILE = path.join(PROJECT_ROOT, "data", "MODELS.md");

/** One output file of the main job and what it is written from. */
export interface OutputRecord {
  file: string;
  stage: string;
  /** Relations its query reads (empty for a JSON report). */
  reads: string[];
}

export interface GraphBuild {
  outputs: OutputRecord[];
  /** Account batches the engine scored in. */
  batches: number;
}

/**
 * Ingests `dataDir` and builds every model of the graph in `db`: the main job's stages (their
 * output files recorded, not written), then each model the main job did not build (the
 * calibration's weeks; the backtest's when the book has nothing to measure) with the backtest's
 * and the what-if's default options.
 */
export async function buildWholeGraph(
  db: Database,
  dataDir: string,
  formula: LoadedFormula,
  engine: EngineOptions = {},
): Promise<GraphBuild> {
  const log = createLogger({ quiet: true, write: () => {} });
  const ingested = await ingest(db, dataDir);
  const health = await computeHealth(db, ingested, formula, () => {}, engine);
  const scored = { formula, ingested, health };
  const outputs: OutputRecord[] = [];
  let stage = "";
  const record = (file: string, query?: string) => outputs.push({ file, stage, reads: query === undefined ? [] : relationsOf(query) });
  const batch = {
    parquet: async (name: string, query: string) => record(`${name}.parquet`, query),
    csv: async (name: string, query: string) => record(name, query),
    json: (name: string) => record(`${name}.json`),
    text: (name: string) => record(name),
  } as unknown as OutputBatch;
  for (const s of STAGES) {
    stage = s.name;
    await s.run({ db, scored, locations: { data: dataDir, formula: formula.file, out: os.tmpdir() }, log, batch });
  }
  // the main job skips outcomes on a book without interventions; the catalogue builds them anyway
  const built = await relationsInDatabase(db);
  if (!built.has("outcomes_episodes")) await buildOutcomes(db, formula, ingested.exportedAt, OUTCOMES_DEFAULTS);
  const existing = await relationsInDatabase(db);
  const rest = [...modelGraph().values()].filter((m) => m.kind === "model" && !existing.has(m.name)).map((m) => m.name);
  const flags = tierFlags(formula.formula.tiers.map((t) => t.id));
  await buildTargets(db, rest, {
    params: {
      horizon_days: BACKTEST_DEFAULTS.horizonDays,
      lookback_weeks: BACKTEST_DEFAULTS.lookbackWeeks,
      at_risk_position: flags.atRiskPosition,
      from: null,
      to: null,
      stride: WHATIF_DEFAULTS.stride,
      max_rows: WHATIF_DEFAULTS.maxRows,
    },
    fragments: { weeks: "backtest_weeks", period: "backtest_weeks", alerts: "alerts" },
  });
  return { outputs, batches: health.batches };
}

/** Relations a query reads: a bare name, or the names after FROM and JOIN (CTEs left out). */
export function relationsOf(query: string): string[] {
  if (/^\w+$/.test(query.trim())) return [query.trim()];
  const parsed = parseModel("query.sql", query);
  return parsed.inputs;
}

/** Column names and types of each model and staging view built in `db`. */
export async function describeModels(db: Database): Promise<Map<string, { name: string; type: string }[]>> {
  const existing = await relationsInDatabase(db);
  const out = new Map<string, { name: string; type: string }[]>();
  for (const m of modelGraph().values()) {
    if ((m.kind !== "model" && m.kind !== "staging") || !existing.has(m.name)) continue;
    const rows = await db.all<{ column_name: string; column_type: string }>(`describe ${ident(m.name)}`);
    out.set(
      m.name,
      rows.map((r) => ({ name: r.column_name, type: r.column_type })),
    );
  }
  return out;
}

/** The catalogue's text, built on a generated warehouse of 30 accounts with the default formula (some 20 s). */
export async function modelCatalogue(): Promise<string> {
  const { generateDemoWarehouse } = await import("../generate/demo-warehouse.ts");
  const dir = mkdtempSync(path.join(os.tmpdir(), "health-catalogue-"));
  try {
    await generateDemoWarehouse({ outDir: path.join(dir, "data"), accounts: 30, weeks: 40 });
    return await withDatabase(async (db) => {
      const build = await buildWholeGraph(db, path.join(dir, "data"), loadFormula(DEFAULT_FORMULA_FILE));
      return renderCatalogue(await describeModels(db), build.outputs);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- rendering ----------------------------------------------------------------------------------

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
const code = (names: readonly string[]) => (names.length === 0 ? "" : names.map((n) => `\`${n}\``).join(", "));
const link = (name: string) => `[\`${name}\`](#${name})`;

/** The export tables (staging views' sources) a relation is built from, directly or not. */
function exportsOf(names: readonly string[]): string[] {
  const graph = modelGraph();
  const all = [...names.map((n) => graph.get(n)).filter((m): m is Model => m !== undefined), ...upstream(names)];
  return [...new Set(all.filter((m) => m.kind === "staging").map((m) => m.name.replace(/^stg_/, "")))].sort();
}

export function renderCatalogue(columns: Map<string, { name: string; type: string }[]>, outputs: readonly OutputRecord[]): string {
  const graph = modelGraph();
  const models = [...graph.values()].filter((m) => m.kind !== "macros");
  const stages = [...new Set(models.map((m) => m.stage))];
  const lines: string[] = [
    "# Model catalogue",
    "",
    "<!-- Generated by `npm run docs` from the headers of src/sql/**/*.sql (src/sql/catalogue.ts); do not edit. -->",
    "",
    "Every SQL file under `src/sql`, as its header declares it (grain, key, how it is parametrised) and as",
    "the runner reads it (`src/sql/graph.ts`: inputs are the models and staging views named after FROM and",
    "JOIN, plus `-- reads:`). Columns are DuckDB's, after building the whole graph on a generated",
    "warehouse with the default formula (`category_*` and tier columns follow the formula). The generic",
    "tests (`test/sql/graph.test.ts`) check every model's key unique and not null (`column?`: may be null)",
    "and every `account_id` an account of the book. Adding a model is adding a file: the stage its folder",
    "names (or `-- stage:`) builds it after what it reads.",
    "",
    "## Lineage: exports to output files",
    "",
    "| output file | stage | written from | exports it depends on |",
    "| --- | --- | --- | --- |",
  ];
  for (const o of outputs) {
    const reads = o.reads.filter((r) => graph.has(r));
    const other = o.reads.filter((r) => !graph.has(r));
    lines.push(
      `| \`${o.file}\` | ${o.stage} | ${cell([reads.map(link).join(", "), code(other)].filter(Boolean).join("; ") || "a report built by the stage")} | ${cell(code(exportsOf(reads)))} |`,
    );
  }
  lines.push("", "## Lineage: output files to pages", "", ...siteLineage(models, outputs), "");
  for (const stage of stages) {
    lines.push(`## Stage \`${stage}\``, "");
    for (const m of models.filter((x) => x.stage === stage)) lines.push(...renderModel(m, columns.get(m.name)), "");
  }
  const macros = [...graph.values()].filter((m) => m.kind === "macros");
  lines.push("## Macros", "", ...macros.map((m) => `- \`src/sql/${m.file}\`: ${m.description}`), "");
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function renderModel(m: Model, columns: { name: string; type: string }[] | undefined): string[] {
  const readers = [...modelGraph().values()].filter((x) => x.inputs.includes(m.name)).map((x) => x.name);
  const lines = [
    `### ${m.name}`,
    "",
    m.description,
    "",
    `- file: \`src/sql/${m.file}\` (${m.kind}${m.kind === "model" && m.stage === "score" ? `, scope ${m.scope}` : ""}${m.materialized === "view" ? ", built as a view" : ""}${m.lifetime ? ", dropped after its batch" : ""})`,
    `- grain: ${m.grain || "(not declared)"}`,
  ];
  if (m.kind === "model" || m.kind === "staging") lines.push(`- key: ${m.key.length > 0 ? code(m.key) : "(none declared)"}`);
  if (m.inputs.length > 0) lines.push(`- reads: ${m.inputs.map(link).join(", ")}`);
  if (m.relations.length > 0) lines.push(`- also reads: ${code(m.relations)}`);
  if (readers.length > 0) lines.push(`- read by: ${readers.map(link).join(", ")}`);
  if (m.params.length > 0) lines.push(`- parameters: ${code(m.params.map((p) => `$${p}`))}${m.paramsNote ? ` (${m.paramsNote})` : ""}`);
  if (m.fragments.length > 0) lines.push(`- template fragments: ${code(m.fragments)}${m.templateNote ? ` (${m.templateNote})` : ""}`);
  if (columns) lines.push(`- columns: ${columns.map((c) => `\`${c.name}\` ${c.type.toLowerCase()}`).join(", ")}`);
  return lines;
}

/** Site queries and output files to the loaders that read them and the pages that show those loaders' data. */
function siteLineage(models: readonly Model[], outputs: readonly OutputRecord[]): string[] {
  const read = (file: string) => readFileSync(file, "utf8");
  const files = (dir: string, ext: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full, ext) : name.endsWith(ext) ? [full] : [];
    });
  const rel = (file: string) => path.relative(PROJECT_ROOT, file).split(path.sep).join("/");
  const loaders = files(path.join(PROJECT_ROOT, "loaders"), ".ts").filter((f) => !f.includes(`${path.sep}lib${path.sep}`));
  const dataLoaders = files(path.join(PROJECT_ROOT, "reports", "data"), ".ts");
  const pages = files(path.join(PROJECT_ROOT, "reports"), ".md");
  const pagesOf = (loader: string) => {
    const base = path.basename(loader);
    const data = dataLoaders.filter((d) => read(d).includes(`loaders/${base}`));
    return pages
      .filter((p) =>
        data.some((d) =>
          read(p).includes(
            `data/${path
              .relative(path.join(PROJECT_ROOT, "reports", "data"), d)
              .split(path.sep)[0]!
              .replace(/\.ts$/, "")
              .replace(/\[.*$/, "")}`,
          ),
        ),
      )
      .map(rel)
      .sort();
  };
  const site = models.filter((m) => m.stage === "site");
  const lines = [
    "Loaders (`loaders/*.ts`) open the output files as views named after them; a page shows the data of",
    "the loader modules its `FileAttachment`s name (through `reports/data/`), module by module.",
    "",
    "| output file | loaders that query it directly | pages |",
    "| --- | --- | --- |",
  ];
  for (const o of outputs) {
    const name = o.file.replace(/\.(parquet|json|csv)$/, "");
    if (o.file.endsWith(".csv")) continue;
    const pattern = new RegExp(`\\b(from|join)\\s+${name}\\b|json\\("${name}"\\)`, "i");
    const users = loaders.filter((l) => pattern.test(read(l)));
    lines.push(`| \`${o.file}\` | ${cell(code(users.map(rel)))} | ${cell(code([...new Set(users.flatMap(pagesOf))]))} |`);
  }
  lines.push("", "| site query | reads (output files, other site queries) | loader | pages |", "| --- | --- | --- | --- |");
  for (const m of site) {
    const users = loaders.filter((l) => new RegExp(`\\b${m.name}\\b`).test(read(l)));
    const reads = [...m.inputs, ...m.relations];
    lines.push(
      `| ${link(m.name)} | ${cell(code(reads))} | ${cell(code(users.map(rel)))} | ${cell(code([...new Set(users.flatMap(pagesOf))]))} |`,
    );
  }
  return lines;
}
