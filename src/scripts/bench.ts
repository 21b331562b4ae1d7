/**
 * `npm run bench -- [--accounts N] [--dir DIR] [--events-per-account E] [--formula FILE] [--site]`
 *
 * Prints figures, asserts nothing: generates (or reuses) a demo warehouse of N accounts (default
 * 10 000, about 100M usage events), then times, in one run, the reference (one DuckDB GROUP BY
 * account, week over the usage events) and every step of the main job (check, score, each stage,
 * publish), with each step's peak RSS, the ratio pipeline / reference and the output sizes; then a
 * formula-only re-run (`health run` restoring the data snapshot the pipeline wrote) and its ratio. DuckDB's
 * limits come from HEALTH_DUCKDB_MEMORY_LIMIT, HEALTH_DUCKDB_THREADS and HEALTH_DUCKDB_TEMP_DIR.
 * With --site it then builds the report site on the same warehouse and prints each page's data
 * payload (the portfolio's target is at most 1 MB), the time to its first chart in Chromium and the
 * build's peak RSS (this process, which writes the account shards, and its largest child process). DuckDB's memory limit defaults to 2.5GB here;
 * books with more than HEALTH_CONTACTS_PER_BATCH contacts (250 000) are scored in account batches.
 * Then every SQL model of every stage with its build time (the runner's, src/sql/graph.ts).
 * The figures are also written to DIR/bench-N.json.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DirectorySizeSampler } from "../bench/disk.ts";
import { RssSampler } from "../bench/memory.ts";
import { ProcessTreeSampler } from "../bench/process-tree.ts";
import { referenceScan } from "../bench/reference.ts";
import { formatRecords } from "../core/records.ts";
import { DEFAULT_FORMULA_FILE, PROJECT_ROOT } from "../core/paths.ts";
import { createLogger } from "../core/log.ts";
import { withDatabase } from "../db/duckdb.ts";
import { loadFormula } from "../formula/load.ts";
import { generateDemoWarehouse } from "../generate/demo-warehouse.ts";
import { computeHealth } from "../health/engine.ts";
import { ingest } from "../ingest/ingest.ts";
import { publish } from "../output/publish.ts";
import { runStages, STAGES } from "../run.ts";
import { saveSnapshot, snapshotKey } from "../health/snapshot.ts";
import { recordTimings, sumTimings } from "../sql/graph.ts";
import { buildSite } from "../site/build-site.ts";
import { COMPLETE, engineOutputs, inputsFingerprint, siteStage } from "../../loaders/engine-outputs.ts";
import { checkDist } from "../site/check-dist.ts";
import { firstChartTimes } from "../bench/first-chart.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "10000" },
    dir: { type: "string", default: path.join(PROJECT_ROOT, ".cache", "bench") },
    "events-per-account": { type: "string" },
    formula: { type: "string" },
    // building the site takes minutes at 10k accounts, so it is asked for
    site: { type: "boolean", default: false },
  },
});
const accounts = Number(values.accounts);
if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`--accounts: expected a positive integer, got ${values.accounts}`);
const eventsPerAccount = values["events-per-account"] === undefined ? undefined : Number(values["events-per-account"]);
const suffix = eventsPerAccount === undefined ? `${accounts}` : `${accounts}x${eventsPerAccount}`;
const benchDir = path.resolve(values.dir);
const data = path.join(benchDir, `warehouse-${suffix}`);
const out = path.join(benchDir, `out-${suffix}`);
// the data snapshot the pipeline writes and the formula-only re-run restores (src/health/snapshot.ts)
const snapshots = path.join(benchDir, `snapshots-${suffix}`);
const rerunOut = path.join(benchDir, `out-${suffix}-rerun`);
const formulaFile = path.resolve(values.formula ?? process.env.HEALTH_FORMULA ?? DEFAULT_FORMULA_FILE);
// The target is a peak RSS of at most 4 GB. DuckDB's limit does not cover every allocation (3GB
// peaked at 4.1 GB while writing Parquet), so it gets 2.5 GB and spills beyond, unless told otherwise.
process.env.HEALTH_DUCKDB_MEMORY_LIMIT ??= "2.5GB";
const log = createLogger();
mkdirSync(benchDir, { recursive: true });

interface StepFigure {
  step: string;
  seconds: number;
  peak_rss_gb: number;
  peak_spill_gb: number;
}
const gb = (bytes: number) => Math.round((bytes / 2 ** 30) * 100) / 100;
const sampler = new RssSampler();
// DuckDB spills there, and a book scored in account batches keeps its tables there as Parquet
const spillDir = path.resolve(process.env.HEALTH_DUCKDB_TEMP_DIR || ".tmp");
const spill = new DirectorySizeSampler(spillDir);
const steps: StepFigure[] = [];
async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  sampler.reset();
  spill.reset();
  const started = performance.now();
  const result = await log.step(step, work);
  steps.push({ step, seconds: (performance.now() - started) / 1000, peak_rss_gb: gb(sampler.reset()), peak_spill_gb: gb(spill.reset()) });
  return result;
}

const generated = !existsSync(path.join(data, "export.json"));
if (generated) {
  await log.step(`generating ${accounts} accounts into ${data} (once; reused by later runs)`, () =>
    generateDemoWarehouse({ outDir: data, accounts, eventsPerAccount, onProgress: log.info }),
  );
}

// The reference runs before and after the pipeline, each in a fresh database; the faster of the
// two is the floor (the first may pay for a cold file cache).
const reference = async (label: string) => timed(label, () => withDatabase((db) => referenceScan(db, data)));
const scanned = await reference("reference: GROUP BY account, week (before)");

// every model any stage builds, timed by the runner (src/sql/graph.ts), summed over account batches
const modelTimings = recordTimings();
const formula = loadFormula(formulaFile);
// the data snapshot's key as the pipeline writes it; the re-run below finds it only if no code or data changed since
const pipelineKey = snapshotKey(data, formula);
const engine = await withDatabase(async (db) => {
  const ingested = await timed("check (ingest and validate)", () => ingest(db, data, { onProgress: log.info }));
  // the score step includes writing the data snapshot, as `health run` does
  const health = await timed("score (weekly history)", () =>
    computeHealth(db, ingested, formula, log.info, { afterMeasures: () => saveSnapshot(db, snapshots, pipelineKey, ingested) }),
  );
  const scored = { formula, ingested, health };
  const locations = { data, formula: formulaFile, out };
  await publish(db, out, async (batch) => {
    for (const stage of STAGES) await timed(`stage: ${stage.name}`, () => stage.run({ db, scored, locations, log, batch }));
    sampler.reset();
  });
  return health;
});
modelTimings.stop();
await reference("reference: GROUP BY account, week (after)");
// what an analyst who changed the formula waits for: `health run` on the same data (every stage, publish)
// With --site it writes into the site's fingerprinted output folder, with the site's extracts (a
// few small queries over the staged exports) after the stages, so the site build reuses it.
const siteCache = path.join(benchDir, `site-engine-${suffix}`);
const siteOutputs = path.join(siteCache, inputsFingerprint(data, formulaFile));
const rerunStep = values.site
  ? "formula-only re-run (health run and the site's extracts, data snapshot restored)"
  : "formula-only re-run (health run, data snapshot restored)";
// A change to the engine's code (or the data) while the bench ran gives the re-run another key: it
// would rebuild the measures and its figure would be a full run's, not a formula-only one
const rerunKey = snapshotKey(data, formula);
const fromSnapshot = rerunKey === pipelineKey;
if (!fromSnapshot)
  log.warn(
    `the code or the data changed while the bench ran (snapshot key ${pipelineKey} -> ${rerunKey}): the formula-only re-run will rebuild the measures`,
  );
await timed(rerunStep, async () => {
  if (!values.site) return runStages({ data, formula: formulaFile, out: rerunOut, cache: snapshots }, log);
  rmSync(siteOutputs, { recursive: true, force: true });
  await runStages({ data, formula: formulaFile, out: siteOutputs, cache: snapshots }, log, [...STAGES, siteStage]);
  writeFileSync(path.join(siteOutputs, COMPLETE), `${new Date().toISOString()}\n`);
});
sampler.stop();
spill.stop();

const referenceSeconds = Math.min(...steps.filter((s) => s.step.startsWith("reference")).map((s) => s.seconds));
const pipeline = steps.filter((s) => !s.step.startsWith("reference") && s.step !== rerunStep);
const rerunSeconds = steps.find((s) => s.step === rerunStep)!.seconds;
const pipelineSeconds = pipeline.reduce((sum, s) => sum + s.seconds, 0);
const outputs = readdirSync(out)
  .filter((name) => statSync(path.join(out, name)).isFile())
  .map((name) => ({ file: name, mb: Math.round((statSync(path.join(out, name)).size / 2 ** 20) * 100) / 100 }));
const slowestModels = [...engine.timings].sort((a, b) => b.seconds - a.seconds).slice(0, 8);
const stageOf = new Map(modelTimings.timings.map((t) => [t.model, t.stage]));
const builds = new Map<string, number>();
for (const t of modelTimings.timings) builds.set(t.model, (builds.get(t.model) ?? 0) + 1);
const models = sumTimings(modelTimings.timings).map((t) => ({
  model: t.model,
  stage: stageOf.get(t.model)!,
  builds: builds.get(t.model)!,
  seconds: round(t.seconds),
}));

const figures = {
  accounts,
  usage_events: scanned.events,
  account_weeks: engine.accountWeeks,
  machine: { cpus: os.cpus().length, memory_gb: gb(os.totalmem()) },
  duckdb: {
    memory_limit: process.env.HEALTH_DUCKDB_MEMORY_LIMIT,
    threads: process.env.HEALTH_DUCKDB_THREADS ?? "default (all cores)",
    temp_directory: process.env.HEALTH_DUCKDB_TEMP_DIR ?? "default (.tmp in the working directory)",
  },
  // largest the spill directory got (spill files, and the account batches' Parquet), sampled every 2 s
  peak_spill_gb: gb(spill.lifetimePeak()),
  // the per-account models run in this many account batches (HEALTH_CONTACTS_PER_BATCH contacts each at most)
  account_batches: engine.batches,
  reference_seconds: round(referenceSeconds),
  pipeline_seconds: round(pipelineSeconds),
  ratio: round(pipelineSeconds / referenceSeconds),
  // false: the re-run did not find the pipeline's data snapshot, so its figure is not a formula-only run's
  formula_only_from_snapshot: fromSnapshot,
  formula_only_seconds: round(rerunSeconds),
  formula_only_ratio: round(rerunSeconds / referenceSeconds),
  // the kernel's lifetime peak, unless this run also generated the warehouse (then the sampled peak of the steps)
  peak_rss_gb: generated ? Math.max(...steps.map((s) => s.peak_rss_gb)) : gb(RssSampler.lifetimePeak()),
  steps: steps.map((s) => ({ ...s, seconds: round(s.seconds), x_reference: round(s.seconds / referenceSeconds) })),
  slowest_models: slowestModels.map((m) => ({ model: m.model, seconds: round(m.seconds) })),
  // every model of every stage in build order: seconds summed over its builds (one per account batch)
  models,
  outputs,
  site: undefined as SiteFigures | undefined,
};

const say = (text: string) => process.stdout.write(`${text}\n`);
say(
  `\n${accounts} accounts, ${scanned.events.toLocaleString("en")} usage events, ${engine.accountWeeks.toLocaleString("en")} account-weeks`,
);
say(
  `${figures.machine.cpus} cores; DuckDB memory limit ${figures.duckdb.memory_limit}, threads ${figures.duckdb.threads}; ${engine.batches} account batch(es)\n`,
);
say(formatRecords(figures.steps, "text"));
say(`pipeline ${figures.pipeline_seconds}s / reference ${figures.reference_seconds}s = ratio ${figures.ratio} (target <= 20)`);
say(
  fromSnapshot
    ? `formula-only re-run ${figures.formula_only_seconds}s / reference ${figures.reference_seconds}s = ratio ${figures.formula_only_ratio} (target <= 5)`
    : `formula-only re-run: NOT MEASURED (${figures.formula_only_seconds}s rebuilt the measures: the code or the data changed while the bench ran)`,
);
say(`peak RSS ${figures.peak_rss_gb} GB (target <= 4); spill directory peak ${figures.peak_spill_gb} GB (${spillDir})\n`);
say("slowest engine models:");
say(formatRecords(figures.slowest_models, "text"));
say("every model, in build order (seconds summed over account batches):");
say(formatRecords(models, "text"));
say("outputs:");
say(formatRecords(outputs, "text"));

// The pipeline's figures are printed first, so a failed site build does not lose them.
interface SiteFigures {
  /** The engine outputs the site reads: a formula-only run from the bench's data snapshot plus the site's extracts, or a folder already complete. */
  engine_outputs_seconds: number;
  engine_outputs_reused: string;
  seconds: number;
  /**
   * KiB each page loads when opened (the account viewer: with its largest shard), what it loads only
   * when asked, and ms from navigation to its first drawn chart in headless Chromium (median of 3
   * cold loads; the target is under 1 s at 10k accounts)
   */
  pages: { page: string; kib: number; on_demand_kib: number | null; first_chart_ms: number | null }[];
  account_shards: number;
  account_shard_max_kib: number;
  /** Peak RSS of the bench's own process during the build (it writes the account shards). */
  peak_rss_gb: number;
  /** The build's largest child process (Framework or a loader) at its peak, and all of them at once; null without /proc. */
  largest_child: { peak_rss_gb: number; command: string } | null;
  children_peak_rss_gb: number | null;
}
if (values.site) {
  const dist = path.join(benchDir, `site-${suffix}`);
  const buildLog = path.join(benchDir, `site-${suffix}.log`);
  // written as it comes, so a build that dies (or is stopped) after half an hour leaves its log
  writeFileSync(buildLog, "");
  try {
    // The loaders read the engine's outputs for this data, formula and code from the fingerprinted
    // cache (loaders/engine-outputs.ts): the folder the formula-only re-run above wrote, complete.
    // Should it not be (another fingerprint), the cache computes it from the pipeline's data
    // snapshot (HEALTH_CACHE). The build then reads that folder (HEALTH_SITE_OUTPUTS), so its time
    // is the site's own work.
    const siteEnv = { ...process.env, HEALTH_DATA: data, HEALTH_FORMULA: formulaFile, HEALTH_CACHE: snapshots };
    const reusedBefore = existsSync(siteCache)
      ? readdirSync(siteCache).filter((name) => existsSync(path.join(siteCache, name, ".complete")))
      : [];
    const started = performance.now();
    const outputsDir = await log.step("site: engine outputs for this data, formula and code (loaders/engine-outputs.ts)", () =>
      engineOutputs({ env: siteEnv, cacheDir: siteCache, log }),
    );
    const outputsSeconds = (performance.now() - started) / 1000;
    const reused = reusedBefore.includes(path.basename(outputsDir))
      ? `the formula-only re-run's output folder (${outputsDir}), complete for this data, formula and code: nothing recomputed`
      : `the pipeline's data snapshot (${snapshots}): a formula-only run and the site's extracts into ${outputsDir}`;
    say(`site: engine outputs ${round(outputsSeconds)}s, reusing ${reused}`);
    // the site's processes (Framework, a process per loader) under the same DuckDB limit as the
    // pipeline: the account shards are built in passes of accounts, so no loader needs more
    const tree = new ProcessTreeSampler();
    sampler.reset();
    const built = await log.step(`site build (its loaders read ${outputsDir}; log in ${buildLog})`, () =>
      buildSite({
        env: { HEALTH_DATA: data, HEALTH_FORMULA: formulaFile, HEALTH_SITE_OUTPUTS: outputsDir },
        dist,
        log: (line) => appendFileSync(buildLog, `${line}\n`),
      }),
    );
    const treePeak = tree.stop();
    // the build writes the account shards in this process, then runs Framework and its loaders
    const ownPeak = gb(sampler.reset());
    const report = checkDist(built.dist);
    const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
    // the account viewer opened on the book's first account
    const firstAccount = readFileSync(path.join(data, "accounts.csv"), "utf8").split("\n")[1]?.split(",")[0] ?? "";
    const charts = await log.step("site: first chart of each page in Chromium (3 cold loads each)", () =>
      firstChartTimes(built.dist, Object.keys(report.pageData), { query: { "account.html": `?id=${encodeURIComponent(firstAccount)}` } }),
    );
    const firstChart = new Map(charts.map((c) => [c.page, c.first_chart_ms]));
    const site: SiteFigures = {
      engine_outputs_seconds: round(outputsSeconds),
      engine_outputs_reused: reused,
      seconds: round(built.seconds),
      pages: Object.entries(report.pageData).map(([page, bytes]) => ({
        page,
        kib: kib(bytes),
        on_demand_kib: report.onDemandData[page] === undefined ? null : kib(report.onDemandData[page]),
        first_chart_ms: firstChart.get(page) ?? null,
      })),
      account_shards: report.accountShards,
      account_shard_max_kib: kib(report.accountShardMaxData),
      peak_rss_gb: ownPeak,
      largest_child: treePeak?.largest ? { peak_rss_gb: gb(treePeak.largest.bytes), command: treePeak.largest.command } : null,
      children_peak_rss_gb: treePeak ? gb(treePeak.totalBytes) : null,
    };
    figures.site = site;
    say(
      `site build ${site.seconds}s (the site's own work: its loaders read the outputs above); data per page (KiB; target <= 1024 at 10k accounts, 2048 at 100k) and its first chart (ms; target < 1000 at 10k):`,
    );
    say(formatRecords(site.pages, "text"));
    say(`account viewer: ${site.account_shards} shard files, the largest ${site.account_shard_max_kib} KiB`);
    const largest = site.largest_child;
    say(
      `site build peak RSS: ${ownPeak} GiB in this process (the account shards), ${largest ? `${largest.peak_rss_gb} GiB in its largest child process (${largest.command})` : "its child processes not measured (no /proc)"}, ${site.children_peak_rss_gb ?? "-"} GiB in all its children at once\n`,
    );
  } catch (error) {
    say(`site build failed: ${(error as Error).message} (its log: ${buildLog})`);
    process.exitCode = 1;
  }
}
writeFileSync(path.join(benchDir, `bench-${suffix}.json`), `${JSON.stringify(figures, null, 2)}\n`);
say(`figures written to ${path.join(benchDir, `bench-${suffix}.json`)}`);

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
